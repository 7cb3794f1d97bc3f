import { API_URL, DEFAULT_ACTOR, DEFAULT_REPOSITORY, SERVER_URL, repositoryObject, userObject, type EventContext, type Payload } from "./repository.js";

export interface ReleaseContext extends EventContext {
  /** `published`, `created`, `released`, `prereleased`... */
  action?: string;
  tag?: string;
  prerelease?: boolean;
}

/**
 * A `release` event, trimmed from
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#release
 * GITHUB_REF for this event is `refs/tags/<tag_name>`.
 */
export function releaseEvent(ctx: ReleaseContext = {}): Payload {
  const repository = ctx.repository ?? DEFAULT_REPOSITORY;
  const tag = ctx.tag ?? "v1.4.0";
  const actor = ctx.actor ?? DEFAULT_ACTOR;
  const id = 160012345;
  const api = `${API_URL}/repos/${repository}`;
  return {
    action: ctx.action ?? "published",
    release: {
      url: `${api}/releases/${id}`,
      assets_url: `${api}/releases/${id}/assets`,
      upload_url: `https://uploads.github.com/repos/${repository}/releases/${id}/assets{?name,label}`,
      html_url: `${SERVER_URL}/${repository}/releases/tag/${tag}`,
      id,
      node_id: "RE_kwDOKjNXm84JiZ05",
      tag_name: tag,
      target_commitish: "main",
      name: tag,
      draft: false,
      prerelease: ctx.prerelease ?? false,
      author: userObject(actor),
      created_at: "2025-06-02T09:00:00Z",
      published_at: "2025-06-02T09:05:00Z",
      assets: [],
      tarball_url: `${api}/tarball/${tag}`,
      zipball_url: `${api}/zipball/${tag}`,
      body: "Settlement batch limits.",
    },
    repository: repositoryObject(repository),
    sender: userObject(actor),
  };
}
