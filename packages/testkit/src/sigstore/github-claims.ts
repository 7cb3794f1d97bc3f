/**
 * The claim set of a GitHub Actions OIDC token, as the runner's token service issues it
 * (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#understanding-the-oidc-token).
 * Every value is a string, as GitHub sends them. Derived claims follow the primary ones, so a
 * test that changes `repository` or `ref` gets a consistent `sub`, `workflow_ref`, `job_workflow_ref`.
 */
import { DEFAULT_ACTOR, DEFAULT_REPOSITORY, DEFAULT_SHA } from "../events/repository.js";

/**
 * Overrides for one token. A key set to `undefined` removes the claim; any key not listed in
 * {@link GitHubClaims} is added as is (e.g. `exp` in the past for an expired token).
 */
export type ClaimOverrides = Partial<Record<keyof GitHubClaims, string | number | undefined>> &
  Record<string, unknown>;

export interface GitHubClaims {
  jti: string;
  sub: string;
  aud: string;
  ref: string;
  sha: string;
  repository: string;
  repository_owner: string;
  repository_owner_id: string;
  repository_id: string;
  repository_visibility: string;
  run_id: string;
  run_number: string;
  run_attempt: string;
  actor: string;
  actor_id: string;
  workflow: string;
  head_ref: string;
  base_ref: string;
  event_name: string;
  ref_protected: string;
  ref_type: string;
  workflow_ref: string;
  workflow_sha: string;
  job_workflow_ref: string;
  job_workflow_sha: string;
  runner_environment: string;
  /** Only present when the job declares `environment:`. */
  environment?: string;
  iss: string;
  nbf: number;
  exp: number;
  iat: number;
}

/** The commit every default token points at: the runner emulation's default (events/repository.ts). */
export const OIDC_DEFAULT_SHA = DEFAULT_SHA;
export const OIDC_DEFAULT_REPOSITORY = DEFAULT_REPOSITORY;
export const OIDC_DEFAULT_WORKFLOW_PATH = ".github/workflows/release.yml";
/** Lifetime of a minted token (`exp - iat`); short, like the runner's tokens. */
export const TOKEN_LIFETIME_SECONDS = 300;

let counter = 0;

/**
 * A full GitHub Actions claim set for `issuer` and `audience`, with `overrides` applied last.
 * Primary overrides (`repository`, `ref`, `sha`, `event_name`, `environment`, `workflow_path`)
 * feed the derived claims unless those are overridden too.
 */
export function githubClaims(
  issuer: string,
  audience: string,
  overrides: ClaimOverrides & { workflow_path?: string } = {},
  now: number = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  const str = (key: string, fallback: string): string => {
    const value = overrides[key];
    return value === undefined ? fallback : String(value);
  };
  const repository = str("repository", OIDC_DEFAULT_REPOSITORY);
  const owner = str("repository_owner", repository.split("/")[0] ?? "");
  const ref = str("ref", "refs/heads/main");
  const sha = str("sha", OIDC_DEFAULT_SHA);
  const eventName = str("event_name", "push");
  const workflowPath = str("workflow_path", OIDC_DEFAULT_WORKFLOW_PATH);
  const environment = overrides["environment"];
  const workflowRef = str("workflow_ref", `${repository}/${workflowPath}@${ref}`);
  const subject =
    typeof environment === "string" && environment !== ""
      ? `repo:${repository}:environment:${environment}`
      : eventName === "pull_request"
        ? `repo:${repository}:pull_request`
        : `repo:${repository}:ref:${ref}`;
  counter += 1;
  const claims: Record<string, unknown> = {
    jti: `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
    sub: subject,
    aud: audience,
    ref,
    sha,
    repository,
    repository_owner: owner,
    repository_owner_id: "1000001",
    repository_id: "2000002",
    repository_visibility: "private",
    run_id: "9876543210",
    run_number: "42",
    run_attempt: "1",
    actor: DEFAULT_ACTOR,
    actor_id: "3000003",
    workflow: "release",
    head_ref: "",
    base_ref: "",
    event_name: eventName,
    ref_protected: ref.startsWith("refs/tags/") || ref === "refs/heads/main" ? "true" : "false",
    ref_type: ref.startsWith("refs/tags/") ? "tag" : "branch",
    workflow_ref: workflowRef,
    workflow_sha: sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: sha,
    runner_environment: "github-hosted",
    iss: issuer,
    nbf: now - 5,
    exp: now + TOKEN_LIFETIME_SECONDS,
    iat: now,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (key === "workflow_path") continue;
    if (value === undefined) delete claims[key];
    else claims[key] = value;
  }
  // GitHub puts `environment` only in tokens of jobs that declare one.
  if (claims["environment"] === "") delete claims["environment"];
  return claims;
}
