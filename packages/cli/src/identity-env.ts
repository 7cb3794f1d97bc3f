/**
 * Where `peptide sign` and `peptide provenance` get the workflow's identity token: the runner's
 * token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL + ACTIONS_ID_TOKEN_REQUEST_TOKEN, set only for jobs
 * with `permissions: id-token: write`), or SIGSTORE_ID_TOKEN as cosign reads it. Checked before
 * any work so a missing permission is a one-line usage error, not a failure halfway through.
 * The token itself is never printed.
 */
import { InputError } from "@peptide/core";

const REQUEST_VARIABLES = ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"] as const;

export type IdentitySource = { kind: "token"; token: string } | { kind: "runner" };

/** The identity source the environment offers; throws INPUT_INVALID naming the missing variables. */
export function identitySource(env: NodeJS.ProcessEnv, command: string): IdentitySource {
  const token = env.SIGSTORE_ID_TOKEN;
  if (token) return { kind: "token", token };
  const missing = REQUEST_VARIABLES.filter((name) => !env[name]);
  if (missing.length === 0) return { kind: "runner" };
  throw new InputError(
    "INPUT_INVALID",
    `no identity token for ${command}: ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set; ` +
      'in a workflow add "permissions: id-token: write" to the job, elsewhere set SIGSTORE_ID_TOKEN',
  );
}
