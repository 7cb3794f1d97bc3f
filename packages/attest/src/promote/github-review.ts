/**
 * Who approved a deployment and who wrote the change, read from the GitHub REST API:
 *
 * - `GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals`, the review history of the run
 *   (https://docs.github.com/en/rest/actions/workflow-runs#get-the-review-history-for-a-workflow-run):
 *   `[{ state: "approved" | "rejected" | "pending", comment, environments: [{ id, name, ... }],
 *   user: { login, id, ... } }]`. Needs `actions: read`. The entries carry no time.
 * - `GET /repos/{owner}/{repo}/commits/{sha}` (https://docs.github.com/en/rest/commits/commits#get-a-commit):
 *   `author` is the GitHub user linked to the commit's author email (null when none is). The
 *   committer is not counted: a reviewer who rebase-merges becomes the committer. Needs
 *   `contents: read`.
 * - `GET /repos/{owner}/{repo}/commits/{sha}/pulls`
 *   (https://docs.github.com/en/rest/commits/commits#list-pull-requests-associated-with-a-commit):
 *   the pull requests that brought the commit, `[{ number, user: { login }, ... }]`. Needs
 *   `pull-requests: read`.
 */
import { fetchWithRetry, HttpError, InputError, type RetryOptions } from "@peptide/core";
import type { Approval } from "./types.js";

export interface DeploymentReview {
  /** The approvals of the promoting run's deployment to `environment` (by people: bots are left out). */
  approvals(environment: string): Promise<Approval[]>;
  /**
   * Who authored `commit` of `repository` (owner/repo): the commit's author and the authors of
   * the pull requests that brought it. A forged author email can add a name, never hide a pull
   * request's author; with no pull request the author is not established (`pullRequests` empty).
   */
  authors(change: { repository: string; commit: string }): Promise<ChangeAuthors>;
}

export interface ChangeAuthors {
  logins: string[];
  /** The numbers of the pull requests that brought the commit. */
  pullRequests: number[];
}

export interface GitHubReviewOptions {
  /** `GITHUB_API_URL`; default https://api.github.com. */
  apiUrl?: string;
  /** The job's token (`github.token`). */
  token: string;
  /** `owner/repo` of the promoting run (`GITHUB_REPOSITORY`). */
  repository: string;
  /** `GITHUB_RUN_ID` of the promoting run. */
  runId: string;
  retry?: RetryOptions;
}

/**
 * The review of the workflow run described by `env` (GITHUB_REPOSITORY, GITHUB_RUN_ID, and
 * GITHUB_API_URL when set) read with `token`; or what is missing, the token named `tokenName`.
 */
export function githubReviewFromEnv(env: Readonly<Record<string, string | undefined>>, token: string | undefined, tokenName: string): DeploymentReview | { missing: string[] } {
  const { GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId, GITHUB_API_URL: apiUrl } = env;
  if (!repository || !runId || !token) {
    return { missing: [!repository && "GITHUB_REPOSITORY", !runId && "GITHUB_RUN_ID", !token && tokenName].filter((m): m is string => typeof m === "string") };
  }
  return githubDeploymentReview({ repository, runId, token, ...(apiUrl ? { apiUrl } : {}) });
}

/** The workflow run in `env` as a URL (`…/actions/runs/<id>/attempts/<n>`), recorded in evidence. */
export function runUrlFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt } = env;
  if (!server || !repository || !runId) return undefined;
  return `${server}/${repository}/actions/runs/${runId}${attempt ? `/attempts/${attempt}` : ""}`;
}

/** The GitHub account that commits changes made in the web interface; it authors nothing. */
const WEB_FLOW = "web-flow";

export function githubDeploymentReview(options: GitHubReviewOptions): DeploymentReview {
  const base = (options.apiUrl ?? "https://api.github.com").replace(/\/+$/, "");
  const get = async (repository: string, path: string, permission: string): Promise<unknown> => {
    const [owner, repo, extra] = repository.split("/");
    if (!owner || !repo || extra !== undefined) throw new InputError("INPUT_INVALID", `"${repository}" is not owner/repo`);
    const url = `${base}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/${path}`;
    try {
      const response = await fetchWithRetry(
        url,
        { headers: { accept: "application/vnd.github+json", authorization: `Bearer ${options.token}`, "x-github-api-version": "2022-11-28" } },
        { tokenEnv: "GITHUB_TOKEN", ...options.retry },
      );
      const text = await response.text();
      try {
        return JSON.parse(text) as unknown;
      } catch (cause) {
        throw new HttpError("HTTP_ERROR", `GET ${url}: the answer is not JSON (a proxy or login page?)`, response.status, { cause });
      }
    } catch (error) {
      // A token without the scope, or a repository it cannot see; a rate limit keeps its own words.
      if (error instanceof HttpError && (error.code === "AUTH_FAILED" || error.code === "NOT_FOUND")) {
        throw new InputError("INPUT_INVALID", `${error.message}: give the promoting job "permissions: ${permission}" (and the token access to ${repository})`, { cause: error });
      }
      throw error;
    }
  };

  return {
    async approvals(environment) {
      if (!/^\d+$/.test(options.runId)) throw new InputError("INPUT_INVALID", `"${options.runId}" is not a workflow run id (GITHUB_RUN_ID)`);
      const answer = await get(options.repository, `actions/runs/${options.runId}/approvals`, "actions: read");
      if (!Array.isArray(answer)) throw new InputError("INPUT_INVALID", `the review history of run ${options.runId} is not a list`);
      const wanted = environment.toLowerCase();
      const approvals: Approval[] = [];
      for (const entry of answer.map(record)) {
        if (entry.state !== "approved") continue;
        const environments = Array.isArray(entry.environments) ? entry.environments.map(record) : [];
        if (!environments.some((e) => typeof e.name === "string" && e.name.toLowerCase() === wanted)) continue;
        const user = record(entry.user).login;
        if (typeof user !== "string" || user.trim() === "" || record(entry.user).type === "Bot") continue;
        const comment = typeof entry.comment === "string" && entry.comment.trim() !== "" ? entry.comment.trim() : undefined;
        approvals.push({ user, ...(comment !== undefined ? { comment } : {}) });
      }
      return approvals;
    },

    async authors({ repository, commit }) {
      if (!/^[0-9a-f]{40}$/.test(commit)) throw new InputError("INPUT_INVALID", `"${commit}" is not a commit SHA`);
      const [detail, pulls] = await Promise.all([get(repository, `commits/${commit}`, "contents: read"), get(repository, `commits/${commit}/pulls`, "pull-requests: read")]);
      if (!Array.isArray(pulls)) throw new InputError("INPUT_INVALID", `the pull requests of ${repository}@${commit} are not a list`);
      const logins = [record(record(detail).author).login, ...pulls.map((p) => record(record(p).user).login)];
      const unique = new Map<string, string>();
      for (const login of logins) {
        if (typeof login === "string" && login.trim() !== "" && login !== WEB_FLOW) unique.set(login.toLowerCase(), login);
      }
      const numbers = pulls.map((p) => record(p).number).filter((n): n is number => typeof n === "number");
      return { logins: [...unique.values()], pullRequests: numbers };
    },
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
