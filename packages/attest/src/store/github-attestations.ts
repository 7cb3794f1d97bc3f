/**
 * The GitHub attestations API: `POST {api}/repos/{owner}/{repo}/attestations` with `{ bundle }`
 * (answer 201 `{ id }`), needing `attestations: write` (and `id-token: write` to sign).
 * https://docs.github.com/en/rest/repos/repos#create-an-attestation
 *
 * Where the plan does not have attestations (private repositories outside GitHub Enterprise
 * Cloud, GHES without the feature) GitHub answers 404 or 403 naming the feature: that is a skip,
 * reported as such, not a failure. A 403 "Resource not accessible by integration" is the missing
 * permission, which is the user's to fix: an error.
 */
import { fetchWithRetry, HttpError, type RetryOptions } from "@peptide/core";
import type { SigstoreBundle } from "../sign/session.js";
import { StoreError } from "./errors.js";

export interface GitHubAttestationsOptions {
  /** `GITHUB_API_URL`; default https://api.github.com. */
  apiUrl?: string;
  /** `owner/repo` (`GITHUB_REPOSITORY`). */
  repository: string;
  /** A token with `attestations: write` (the job's `github.token`). */
  token: string;
  retry?: RetryOptions;
}

export type GitHubAttestationResult =
  | { status: "stored"; id: number | string; url: string }
  | { status: "skipped"; reason: string };

/** Uploads one bundle; a plan without attestations gives `skipped` with GitHub's words. */
export async function uploadToGitHub(bundle: SigstoreBundle, options: GitHubAttestationsOptions): Promise<GitHubAttestationResult> {
  const [owner, repo, extra] = options.repository.split("/");
  if (!owner || !repo || extra !== undefined) throw new StoreError("STORE_INPUT", `"${options.repository}" is not owner/repo`);
  const base = (options.apiUrl ?? "https://api.github.com").replace(/\/+$/, "");
  const url = `${base}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/attestations`;
  let response: Response;
  try {
    response = await fetchWithRetry(
      url,
      {
        method: "POST",
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${options.token}`,
          "content-type": "application/json",
          "x-github-api-version": "2022-11-28",
        },
        body: JSON.stringify({ bundle }),
      },
      { tokenEnv: "GITHUB_TOKEN", ...options.retry },
    );
  } catch (error) {
    if (error instanceof HttpError && (error.status === 404 || error.status === 403 || error.status === 422)) {
      const said = error.message;
      if (error.status === 403 && /not accessible by integration/i.test(said)) {
        throw new StoreError("STORE_GITHUB", `${said}: add "permissions: attestations: write" to the job`, { cause: error });
      }
      if (error.status !== 422) {
        return { status: "skipped", reason: `the GitHub attestations API is not available for ${options.repository} (${said}); bundles are still stored where else configured` };
      }
    }
    throw new StoreError("STORE_GITHUB", `GitHub refused the attestation for ${options.repository}: ${(error as Error).message}`, { cause: error });
  }
  const answer: unknown = await response.json().catch(() => ({}));
  const id = typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>)["id"] : undefined;
  return { status: "stored", id: typeof id === "number" || typeof id === "string" ? id : "", url };
}
