import { API_URL, DEFAULT_ACTOR, DEFAULT_REPOSITORY, DEFAULT_SHA, SERVER_URL, repositoryObject, userObject, type EventContext, type Payload } from "./repository.js";

export interface PullRequestContext extends EventContext {
  number?: number;
  /** Pull request `opened`, `synchronize`, `reopened`... */
  action?: string;
  title?: string;
  headRef?: string;
  baseRef?: string;
  /** `owner/name` of the head repository; a fork when it differs from `repository`. */
  headRepository?: string;
}

/**
 * A `pull_request` event, trimmed from
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request
 * `ctx.sha` is the head commit; GITHUB_SHA for this event is the merge commit.
 */
export function pullRequestEvent(ctx: PullRequestContext = {}): Payload {
  const repository = ctx.repository ?? DEFAULT_REPOSITORY;
  const number = ctx.number ?? 42;
  const actor = ctx.actor ?? DEFAULT_ACTOR;
  const headRepository = ctx.headRepository ?? repository;
  const headRef = ctx.headRef ?? "feature/batch-limits";
  const baseRef = ctx.baseRef ?? "main";
  const api = `${API_URL}/repos/${repository}`;
  const side = (ref: string, sha: string, repo: string) => ({
    label: `${repo.split("/")[0] ?? ""}:${ref}`,
    ref,
    sha,
    user: userObject(repo.split("/")[0] ?? actor),
    repo: { ...repositoryObject(repo), fork: repo !== repository },
  });
  return {
    action: ctx.action ?? "opened",
    number,
    pull_request: {
      url: `${api}/pulls/${number}`,
      id: 1934561234,
      node_id: "PR_kwDOKjNXm85zTyxS",
      html_url: `${SERVER_URL}/${repository}/pull/${number}`,
      diff_url: `${SERVER_URL}/${repository}/pull/${number}.diff`,
      number,
      state: "open",
      locked: false,
      title: ctx.title ?? "Add settlement batch limits",
      user: userObject(actor),
      body: "Caps each settlement batch at 10k transfers.",
      created_at: "2025-06-02T08:31:00Z",
      updated_at: "2025-06-02T08:31:00Z",
      closed_at: null,
      merged_at: null,
      merge_commit_sha: MERGE_SHA,
      draft: false,
      head: side(headRef, ctx.sha ?? DEFAULT_SHA, headRepository),
      base: side(baseRef, "9c2e5b7a1d3f4e6a8b0c2d4e6f8a0b2c4d6e8f0a", repository),
      author_association: headRepository === repository ? "MEMBER" : "CONTRIBUTOR",
      merged: false,
      mergeable: null,
      commits: 1,
      additions: 12,
      deletions: 3,
      changed_files: 1,
    },
    repository: repositoryObject(repository),
    sender: userObject(actor),
  };
}

/** The test merge commit GitHub creates for a pull request (GITHUB_SHA of pull_request runs). */
export const MERGE_SHA = "7f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e";
