import path from "node:path";
import { log } from "@peptide/action-kit";
import { environmentPolicyFields, policyFromJSON, type VerificationPolicy } from "@peptide/attest";
import { readPolicyFile } from "@peptide/attest/verify";

export interface EnvironmentPolicy {
  policy: VerificationPolicy;
  /** The environment the digest must have reached first, when the policy or the input says so. */
  requirePrevious: string | undefined;
  /** Require an approval of the deployment by someone other than an author of the change. */
  forbidSelfApproval: boolean;
}

/**
 * The gate's policy for one environment: the policy file's top-level fields, overridden by its
 * `environments.<name>` mapping (environmentPolicyFields), overridden by the identity inputs.
 * `forbid-self-approval` only tightens: the input turns it on, never off a policy that says so.
 */
export async function environmentPolicy(options: {
  policyFile: string | undefined;
  policyInputs: Record<string, string | string[]>;
  requirePrevious: string | undefined;
  /** The input, when given. */
  forbidSelfApproval: boolean | undefined;
  environment: string;
  workspace: string;
}): Promise<EnvironmentPolicy> {
  const shown = options.policyFile ?? "inputs";
  const file = options.policyFile === undefined ? {} : await readPolicyFile(path.resolve(options.workspace, options.policyFile), options.policyFile);
  const { fields, rules } = environmentPolicyFields(file, options.environment, shown);
  if (options.forbidSelfApproval === false && rules.forbidSelfApproval) {
    log.warning(`${shown} forbids self-approval for ${options.environment}; the input "forbid-self-approval: false" cannot turn that off`);
  }
  return {
    policy: policyFromJSON({ ...fields, ...options.policyInputs }, shown),
    requirePrevious: options.requirePrevious ?? rules.requirePrevious,
    forbidSelfApproval: rules.forbidSelfApproval || options.forbidSelfApproval === true,
  };
}
