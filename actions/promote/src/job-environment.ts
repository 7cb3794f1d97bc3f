import { log } from "@peptide/action-kit";
import { decodeJwt, requestIdToken } from "@peptide/attest";
import { InputError } from "@peptide/core";

/**
 * The approvals that count are the reviews of the job's own deployment: the promoting job must
 * run in the environment it promotes to (`environment: production` on the job), or approvals
 * given to another job of the run would stand in for it. The job's environment is read from its
 * OIDC token's `environment` claim (the token is masked and not kept).
 */
export async function checkJobEnvironment(env: NodeJS.ProcessEnv, environment: string): Promise<void> {
  const token = await requestIdToken(env, "peptide-promote");
  log.mask(token);
  const claim = decodeJwt(token).payload.environment;
  const fix = `set "environment: ${environment}" on the promoting job, so its reviewers' approval is the one checked`;
  if (typeof claim !== "string" || claim === "") throw new InputError("INPUT_INVALID", `the promoting job runs in no GitHub environment; ${fix}`);
  if (claim.toLowerCase() !== environment.trim().toLowerCase()) {
    throw new InputError("INPUT_INVALID", `the promoting job runs in environment "${claim}", not "${environment}"; ${fix}`);
  }
}
