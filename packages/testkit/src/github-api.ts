import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for the parts of the GitHub REST API Peptide calls, answering with the
 * documented response shapes (trimmed to the fields that matter, values realistic):
 *
 * - `GET /repos/{owner}/{repo}/git/ref/tags/{tag}` and `.../git/ref/heads/{branch}`:
 *   https://docs.github.com/en/rest/git/refs#get-a-reference
 *   `{ ref, node_id, url, object: { type: "commit" | "tag", sha, url } }`; `type: "tag"` for an
 *   annotated tag, whose `sha` is the tag object's, not the commit's.
 * - `GET /repos/{owner}/{repo}/git/tags/{tag_sha}`: https://docs.github.com/en/rest/git/tags#get-a-tag
 *   `{ node_id, tag, sha, url, message, tagger, object: { type: "commit", sha, url }, verification }`.
 * - `GET /repos/{owner}/{repo}/commits/{ref}`: https://docs.github.com/en/rest/commits/commits#get-a-commit
 *   `{ sha, node_id, url, html_url, commit: {...}, parents }` for a SHA, short SHA, branch or tag;
 *   with `Accept: application/vnd.github.sha` the bare SHA as text; 422 `No commit found for SHA: <ref>`
 *   when nothing matches.
 *   The top-level `author` and `committer` are the GitHub users linked to the commit (`null` when
 *   none is; `web-flow` commits what is merged in the web interface).
 * - `GET /repos/{owner}/{repo}/commits/{sha}/pulls`:
 *   https://docs.github.com/en/rest/commits/commits#list-pull-requests-associated-with-a-commit
 *   `[{ url, id, number, state, title, user: { login, id, type }, merged_at, ... }]`.
 * - `GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals`:
 *   https://docs.github.com/en/rest/actions/workflow-runs#get-the-review-history-for-a-workflow-run
 *   `[{ state, comment, environments: [{ id, node_id, name, url, html_url, created_at, updated_at }], user: { login, id, type } }]`
 *   (no time); 404 for an unknown run.
 * - Errors as GitHub words them: 401 `Bad credentials` for a token other than the configured one
 *   (a wrong, expired or revoked token look the same), 404 `Not Found` for unknown repositories,
 *   refs and routes, and for a private repository asked anonymously.
 *   https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api
 */

export type FakeTag = string | { annotated: string; commit: string };

export interface FakeRepo {
  /** Tag name -> commit SHA (lightweight) or `{ annotated: tagObjectSha, commit: sha }`. */
  tags?: Record<string, FakeTag>;
  /** Branch name -> commit SHA. */
  branches?: Record<string, string>;
  /** Other commits `commits/{sha}` should know. */
  commits?: string[];
  /** Answered only to an authenticated request; 404 otherwise, as GitHub does. */
  private?: boolean;
  /** Commit SHA -> the login GitHub links to its author (no entry: `author: null`). */
  commitAuthors?: Record<string, string>;
  /** Commit SHA -> the pull requests that brought it. */
  pulls?: Record<string, Array<{ number: number; author: string }>>;
  /** Workflow run id -> its deployment review history. */
  runs?: Record<string, FakeReview[]>;
}

export interface FakeReview {
  state: "approved" | "rejected" | "pending";
  user: string;
  environments: string[];
  comment?: string;
}

export interface Fault {
  /** Requests whose path matches (a substring or a RegExp); every request when omitted. */
  path?: string | RegExp;
  /** An HTTP status (500, 502, 503, 429, 403...), `reset` to drop the connection, `hang` to never answer. */
  status: number | "reset" | "hang";
  /** How many matching requests fail before the fault is spent. */
  times: number;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  /** Sends GitHub's rate-limit headers (`x-ratelimit-remaining: 0`, `x-ratelimit-reset` now + this many seconds). */
  rateLimitResetIn?: number;
}

export interface FakeGitHubApiOptions {
  /** `owner/repo` (case-insensitive) -> its refs. */
  repos: Record<string, FakeRepo>;
  /** The one valid token; any other sent token gets 401. Any token is accepted when omitted. */
  token?: string;
  faults?: Fault[];
}

export interface RecordedRequest {
  method: string;
  /** Path with query. */
  path: string;
  authorization?: string;
  accept?: string;
  /** What was answered. */
  status: number | "reset" | "hang";
}

export interface FakeGitHubApi {
  /** Base URL, as GITHUB_API_URL: `http://127.0.0.1:<port>`. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const SHA = /^[0-9a-f]{40}$/;
const DOCS = "https://docs.github.com/rest";

export async function startFakeGitHubApi(options: FakeGitHubApiOptions): Promise<FakeGitHubApi> {
  const repos = normalizeRepos(options.repos);
  const faults = (options.faults ?? []).map((f) => ({ ...f, left: f.times }));
  const requests: RecordedRequest[] = [];
  let base = "";
  const server = createServer((req, res) => {
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      authorization: req.headers.authorization,
      accept: req.headers.accept,
      status: 0,
    };
    requests.push(record);
    const fault = faults.find((f) => f.left > 0 && matches(f.path, pathOf(record.path)));
    if (fault) {
      fault.left--;
      record.status = fault.status;
      injectFault(fault, req, res);
      return;
    }
    const answer = route(req, repos, options.token, base);
    record.status = answer.status;
    send(res, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  status: number;
  body: unknown;
  /** Sent as text/plain when a string. */
  text?: string;
}

function route(req: IncomingMessage, repos: Map<string, FakeRepo>, token: string | undefined, base: string): Answer {
  const auth = authOf(req.headers.authorization);
  if (auth.sent && token !== undefined && auth.token !== token) return error(401, "Bad credentials", DOCS);
  const m = /^\/repos\/([^/]+)\/([^/]+)\/(.+)$/.exec(pathOf(req.url ?? "/"));
  if (req.method !== "GET" || !m) return notFound();
  const [, owner = "", name = "", rest = ""] = m;
  const full = `${decodeURIComponent(owner)}/${decodeURIComponent(name)}`;
  const repo = repos.get(full.toLowerCase());
  if (!repo || (repo.private && !auth.sent)) return notFound();
  const api = `${base}/repos/${full}`;
  const refMatch = /^git\/ref\/(tags|heads)\/(.+)$/.exec(rest);
  if (refMatch) return getRef(repo, api, refMatch[1] as "tags" | "heads", decodeURIComponent(refMatch[2] ?? ""));
  const tagMatch = /^git\/tags\/([0-9a-f]{40})$/.exec(rest);
  if (tagMatch) return getTag(repo, api, tagMatch[1] ?? "");
  const pullsMatch = /^commits\/([0-9a-f]{40})\/pulls$/.exec(rest);
  if (pullsMatch) return listPulls(repo, api, full, pullsMatch[1] ?? "");
  const runMatch = /^actions\/runs\/(\d+)\/approvals$/.exec(rest);
  if (runMatch) return runApprovals(repo, api, full, runMatch[1] ?? "");
  const commitMatch = /^commits\/(.+)$/.exec(rest);
  if (commitMatch) return getCommit(repo, api, full, decodeURIComponent(commitMatch[1] ?? ""), req.headers.accept);
  return notFound();
}

/** https://docs.github.com/en/rest/git/refs#get-a-reference */
function getRef(repo: FakeRepo, api: string, kind: "tags" | "heads", name: string): Answer {
  const ref = `refs/${kind}/${name}`;
  let object: { type: "commit" | "tag"; sha: string } | undefined;
  if (kind === "heads") {
    const sha = repo.branches?.[name];
    if (sha) object = { type: "commit", sha };
  } else {
    const tag = repo.tags?.[name];
    if (typeof tag === "string") object = { type: "commit", sha: tag };
    else if (tag) object = { type: "tag", sha: tag.annotated };
  }
  if (!object) return notFound("https://docs.github.com/rest/git/refs#get-a-reference");
  return {
    status: 200,
    body: {
      ref,
      node_id: nodeId("REF", ref),
      url: `${api}/git/${ref}`,
      object: { ...object, url: `${api}/git/${object.type === "tag" ? "tags" : "commits"}/${object.sha}` },
    },
  };
}

/** https://docs.github.com/en/rest/git/tags#get-a-tag */
function getTag(repo: FakeRepo, api: string, sha: string): Answer {
  const entry = Object.entries(repo.tags ?? {}).find(([, tag]) => typeof tag !== "string" && tag.annotated === sha);
  if (!entry) return notFound("https://docs.github.com/rest/git/tags#get-a-tag");
  const [name, tag] = entry as [string, { annotated: string; commit: string }];
  return {
    status: 200,
    body: {
      node_id: nodeId("TAG", sha),
      tag: name,
      sha,
      url: `${api}/git/tags/${sha}`,
      message: `${name}\n`,
      tagger: { name: "Release Bot", email: "release-bot@example.com", date: "2025-05-30T10:00:00Z" },
      object: { type: "commit", sha: tag.commit, url: `${api}/git/commits/${tag.commit}` },
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
  };
}

/** https://docs.github.com/en/rest/commits/commits#get-a-commit */
function getCommit(repo: FakeRepo, api: string, full: string, ref: string, accept: string | undefined): Answer {
  const sha = resolveCommit(repo, ref);
  if (!sha) return error(422, `No commit found for SHA: ${ref}`, "https://docs.github.com/rest/commits/commits#get-a-commit");
  if (accept?.includes("application/vnd.github.sha")) return { status: 200, body: undefined, text: sha };
  const person = { name: "Mona Lisa", email: "mona@example.com", date: "2025-05-30T09:58:00Z" };
  return {
    status: 200,
    body: {
      sha,
      node_id: nodeId("C", sha),
      url: `${api}/commits/${sha}`,
      html_url: `https://github.com/${full}/commit/${sha}`,
      commit: {
        url: `${api}/git/commits/${sha}`,
        author: person,
        committer: person,
        message: "Release",
        tree: { sha: "e1d2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a", url: `${api}/git/trees/e1d2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a` },
        comment_count: 0,
        verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
      },
      author: repo.commitAuthors?.[sha] === undefined ? null : user(repo.commitAuthors[sha]),
      committer: user("web-flow"),
      parents: [],
    },
  };
}

/** https://docs.github.com/en/rest/commits/commits#list-pull-requests-associated-with-a-commit */
function listPulls(repo: FakeRepo, api: string, full: string, sha: string): Answer {
  if (!resolveCommit(repo, sha)) return error(422, `No commit found for SHA: ${sha}`, "https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit");
  return {
    status: 200,
    body: (repo.pulls?.[sha] ?? []).map((p) => ({
      url: `${api}/pulls/${p.number}`,
      id: 1000 + p.number,
      number: p.number,
      state: "closed",
      title: `Change #${p.number}`,
      html_url: `https://github.com/${full}/pull/${p.number}`,
      user: user(p.author),
      merged_at: "2025-05-30T09:59:00Z",
      merge_commit_sha: sha,
    })),
  };
}

/** https://docs.github.com/en/rest/actions/workflow-runs#get-the-review-history-for-a-workflow-run */
function runApprovals(repo: FakeRepo, api: string, full: string, runId: string): Answer {
  const reviews = repo.runs?.[runId];
  if (reviews === undefined) return notFound("https://docs.github.com/rest/actions/workflow-runs#get-the-review-history-for-a-workflow-run");
  return {
    status: 200,
    body: reviews.map((r) => ({
      state: r.state,
      comment: r.comment ?? "",
      environments: r.environments.map((name, i) => ({
        id: 161088068 + i,
        node_id: nodeId("EN", name),
        name,
        url: `${api}/environments/${encodeURIComponent(name)}`,
        html_url: `https://github.com/${full}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
        created_at: "2025-01-10T08:00:00Z",
        updated_at: "2025-01-10T08:00:00Z",
      })),
      user: user(r.user),
    })),
  };
}

/** A simple-user, as GitHub embeds one. */
function user(login: string): Record<string, unknown> {
  const id = [...login].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1_000_000, 7);
  return { login, id, node_id: nodeId("U", login), type: "User", site_admin: false, html_url: `https://github.com/${login}` };
}

/** A full SHA, a unique short SHA (7+), a branch or a tag (dereferenced), as `commits/{ref}` accepts. */
function resolveCommit(repo: FakeRepo, ref: string): string | undefined {
  const known = new Set<string>([
    ...Object.values(repo.branches ?? {}),
    ...Object.values(repo.tags ?? {}).map(commitOf),
    ...(repo.commits ?? []),
    ...Object.keys(repo.commitAuthors ?? {}),
    ...Object.keys(repo.pulls ?? {}),
  ]);
  if (SHA.test(ref)) return known.has(ref) ? ref : undefined;
  const branch = repo.branches?.[ref];
  if (branch) return branch;
  const tag = repo.tags?.[ref];
  if (tag) return commitOf(tag);
  if (/^[0-9a-f]{7,39}$/.test(ref)) {
    const hits = [...known].filter((sha) => sha.startsWith(ref));
    if (hits.length === 1) return hits[0];
  }
  return undefined;
}

function commitOf(tag: FakeTag): string {
  return typeof tag === "string" ? tag : tag.commit;
}

function injectFault(fault: Fault, req: IncomingMessage, res: ServerResponse): void {
  if (fault.status === "reset") {
    req.socket.destroy();
    return;
  }
  if (fault.status === "hang") return;
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
  if (fault.rateLimitResetIn !== undefined) {
    Object.assign(headers, rateLimitHeaders(0), { "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + fault.rateLimitResetIn) });
  }
  const message = fault.status === 429 || fault.rateLimitResetIn !== undefined ? "API rate limit exceeded for installation." : fault.status >= 500 ? "Server Error" : "Fault";
  send(res, error(fault.status, message, DOCS), headers);
}

function send(res: ServerResponse, answer: Answer, extra: Record<string, string> = {}): void {
  const headers = { ...rateLimitHeaders(4999), "x-github-api-version-selected": "2022-11-28", "x-github-request-id": "F00D:1:2:3:4", ...extra };
  if (answer.text !== undefined) {
    res.writeHead(answer.status, { ...headers, "content-type": "text/plain; charset=utf-8" });
    res.end(answer.text);
    return;
  }
  res.writeHead(answer.status, { ...headers, "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(answer.body));
}

function rateLimitHeaders(remaining: number): Record<string, string> {
  return {
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-used": String(5000 - remaining),
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    "x-ratelimit-resource": "core",
  };
}

function error(status: number, message: string, documentation: string): Answer {
  return { status, body: { message, documentation_url: documentation, status: String(status) } };
}

function notFound(documentation = DOCS): Answer {
  return error(404, "Not Found", documentation);
}

function authOf(header: string | undefined): { sent: boolean; token?: string } {
  if (!header) return { sent: false };
  const m = /^\s*(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
  return { sent: true, token: m?.[1] };
}

function pathOf(url: string): string {
  return url.replace(/[?#].*$/, "");
}

function matches(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === "string" ? path.includes(pattern) : pattern.test(path);
}

function nodeId(prefix: string, value: string): string {
  return `${prefix}_${Buffer.from(value).toString("base64url").slice(0, 20)}`;
}

function normalizeRepos(repos: Record<string, FakeRepo>): Map<string, FakeRepo> {
  const out = new Map<string, FakeRepo>();
  for (const [name, repo] of Object.entries(repos)) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(name)) throw new Error(`fake GitHub API: repository key must be "owner/repo", got ${JSON.stringify(name)}`);
    const shas = [
      ...Object.values(repo.branches ?? {}),
      ...Object.values(repo.tags ?? {}).flatMap((t) => (typeof t === "string" ? [t] : [t.annotated, t.commit])),
      ...(repo.commits ?? []),
      ...Object.keys(repo.commitAuthors ?? {}),
      ...Object.keys(repo.pulls ?? {}),
    ];
    const bad = shas.find((sha) => !SHA.test(sha));
    if (bad !== undefined) throw new Error(`fake GitHub API: ${name}: ${JSON.stringify(bad)} is not a 40-hex SHA`);
    out.set(name.toLowerCase(), repo);
  }
  return out;
}
