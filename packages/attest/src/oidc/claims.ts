import { OidcError } from "./errors.js";
import { verifyIdToken, type VerifyTokenOptions } from "./verify.js";

/**
 * The claims of a GitHub Actions identity token the provenance uses. GitHub sends them all as
 * strings (ids and numbers included).
 * https://docs.github.com/en/actions/reference/security/oidc#oidc-token-claims
 */
export interface GitHubClaims {
  iss: string;
  sub?: string;
  aud?: string | string[];
  /** `refs/heads/main`, `refs/tags/v1.2.0`, `refs/pull/7/merge`. */
  ref: string;
  ref_type?: string;
  ref_protected?: string;
  /** The commit that triggered the run. */
  sha: string;
  /** `owner/name`. */
  repository: string;
  repository_id: string;
  repository_owner?: string;
  repository_owner_id: string;
  repository_visibility?: string;
  /** `owner/name/.github/workflows/release.yml@refs/heads/main`: the top-level workflow. */
  workflow_ref: string;
  workflow_sha?: string;
  workflow?: string;
  /** The workflow the job runs in: a reusable one, when the job calls one. */
  job_workflow_ref: string;
  job_workflow_sha?: string;
  event_name: string;
  run_id: string;
  run_number?: string;
  run_attempt: string;
  /** `github-hosted` or `self-hosted`. */
  runner_environment: string;
  actor?: string;
  actor_id?: string;
  environment?: string;
  head_ref?: string;
  base_ref?: string;
  enterprise?: string;
  enterprise_id?: string;
  check_run_id?: string;
  iat?: number;
  exp?: number;
  nbf?: number;
}

/** The claims actions/attest-build-provenance requires, plus `iss`. */
const REQUIRED = [
  "iss",
  "ref",
  "sha",
  "repository",
  "repository_id",
  "repository_owner_id",
  "workflow_ref",
  "job_workflow_ref",
  "event_name",
  "run_id",
  "run_attempt",
  "runner_environment",
] as const;

const OPTIONAL_STRINGS = [
  "sub",
  "ref_type",
  "ref_protected",
  "repository_owner",
  "repository_visibility",
  "workflow_sha",
  "workflow",
  "job_workflow_sha",
  "run_number",
  "actor",
  "actor_id",
  "environment",
  "head_ref",
  "base_ref",
  "enterprise",
  "enterprise_id",
  "check_run_id",
] as const;

/** The GitHub claims of a verified payload; throws TOKEN_CLAIMS naming what is missing. */
export function githubClaims(payload: Record<string, unknown>): GitHubClaims {
  const missing = REQUIRED.filter((name) => typeof payload[name] !== "string" || payload[name] === "");
  if (missing.length > 0) {
    throw new OidcError("TOKEN_CLAIMS", `the identity token lacks the GitHub Actions claim(s) ${missing.join(", ")}; is it a GitHub Actions token?`);
  }
  const claims: Record<string, unknown> = {};
  for (const name of REQUIRED) claims[name] = payload[name];
  for (const name of OPTIONAL_STRINGS) if (typeof payload[name] === "string") claims[name] = payload[name];
  for (const name of ["iat", "exp", "nbf"] as const) if (typeof payload[name] === "number") claims[name] = payload[name];
  const aud = payload.aud;
  if (typeof aud === "string" || (Array.isArray(aud) && aud.every((a) => typeof a === "string"))) claims.aud = aud;
  return claims as unknown as GitHubClaims;
}

/** Verifies a GitHub Actions identity token and returns its claims. */
export async function verifyGitHubToken(token: string, options: VerifyTokenOptions): Promise<GitHubClaims> {
  return githubClaims(await verifyIdToken(token, options));
}
