import path from "node:path";
import { policyFromJSON, type VerificationPolicy } from "@peptide/attest";
import { readPolicyFile } from "@peptide/attest/verify";
import { InputError } from "@peptide/core";

export interface EnvironmentPolicy {
  policy: VerificationPolicy;
  /** The environment the digest must have reached first, when the policy or the input says so. */
  requirePrevious: string | undefined;
  /** Require an approval of the deployment by someone other than an author of the change. */
  forbidSelfApproval: boolean;
}

/**
 * The gate's policy for one environment: the policy file's top-level fields, overridden by its
 * `environments.<name>` mapping, overridden by the inputs. Besides verify's fields, a mapping may
 * say `require-previous: staging` and `forbid-self-approval: true`.
 */
export async function environmentPolicy(options: {
  policyFile: string | undefined;
  policyInputs: Record<string, string | string[]>;
  requirePrevious: string | undefined;
  /** The input, when given; overrides the policy's. */
  forbidSelfApproval: boolean | undefined;
  environment: string;
  workspace: string;
}): Promise<EnvironmentPolicy> {
  const shown = options.policyFile ?? "inputs";
  const file = options.policyFile === undefined ? {} : await readPolicyFile(path.resolve(options.workspace, options.policyFile), options.policyFile);
  const { environments, ...base } = file;
  const forEnvironment = environmentsEntry(environments, options.environment, shown);
  const merged: Record<string, unknown> = { ...base, ...forEnvironment, ...options.policyInputs };
  const previous = takeRequirePrevious(merged, shown);
  const forbid = takeForbidSelfApproval(merged, shown);
  return { policy: policyFromJSON(merged, shown), requirePrevious: options.requirePrevious ?? previous, forbidSelfApproval: options.forbidSelfApproval ?? forbid };
}

function environmentsEntry(environments: unknown, environment: string, shown: string): Record<string, unknown> {
  if (environments === undefined || environments === null) return {};
  if (typeof environments !== "object" || Array.isArray(environments)) throw new InputError("CONFIG_INVALID", `${shown}: "environments" must map environment names to policy fields`);
  const entry = (environments as Record<string, unknown>)[environment];
  if (entry === undefined || entry === null) return {};
  if (typeof entry !== "object" || Array.isArray(entry)) throw new InputError("CONFIG_INVALID", `${shown}: "environments.${environment}" must be a mapping of policy fields`);
  return entry as Record<string, unknown>;
}

/** Removes `require-previous` (or `requirePrevious`) from the fields, which policyFromJSON would reject. */
function takeRequirePrevious(fields: Record<string, unknown>, shown: string): string | undefined {
  let found: string | undefined;
  for (const key of ["require-previous", "requirePrevious"]) {
    const value = fields[key];
    delete fields[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" || value.trim() === "") throw new InputError("CONFIG_INVALID", `${shown}: "${key}" must be an environment name`);
    found = value.trim();
  }
  return found;
}

/** Removes `forbid-self-approval` (or `forbidSelfApproval`) from the fields; a boolean. */
function takeForbidSelfApproval(fields: Record<string, unknown>, shown: string): boolean {
  let found = false;
  for (const key of ["forbid-self-approval", "forbidSelfApproval"]) {
    const value = fields[key];
    delete fields[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "boolean") throw new InputError("CONFIG_INVALID", `${shown}: "${key}" must be true or false`);
    found = value;
  }
  return found;
}
