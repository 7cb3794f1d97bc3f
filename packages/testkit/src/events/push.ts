import { DEFAULT_ACTOR, DEFAULT_REPOSITORY, DEFAULT_SHA, SERVER_URL, repositoryObject, userObject, type EventContext, type Payload } from "./repository.js";

/**
 * A `push` to a branch (or a tag, with `ref: refs/tags/...`), trimmed from
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
 */
export function pushEvent(ctx: EventContext = {}): Payload {
  const repository = ctx.repository ?? DEFAULT_REPOSITORY;
  const sha = ctx.sha ?? DEFAULT_SHA;
  const before = "9c2e5b7a1d3f4e6a8b0c2d4e6f8a0b2c4d6e8f0a";
  const actor = ctx.actor ?? DEFAULT_ACTOR;
  const commit = {
    id: sha,
    tree_id: "e1d2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a",
    distinct: true,
    message: "Add settlement batch limits",
    timestamp: "2025-06-02T08:29:41Z",
    url: `${SERVER_URL}/${repository}/commit/${sha}`,
    author: { name: "Mona Lisa", email: "mona@example.com", username: actor },
    committer: { name: "GitHub", email: "noreply@github.com", username: "web-flow" },
    added: [],
    removed: [],
    modified: ["src/settlement.ts"],
  };
  return {
    ref: ctx.ref ?? "refs/heads/main",
    before,
    after: sha,
    repository: repositoryObject(repository),
    pusher: { name: actor, email: "mona@example.com" },
    sender: userObject(actor),
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${SERVER_URL}/${repository}/compare/${before.slice(0, 12)}...${sha.slice(0, 12)}`,
    commits: [commit],
    head_commit: commit,
  };
}
