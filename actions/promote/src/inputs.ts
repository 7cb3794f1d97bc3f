import { booleanInput, enumInput, listInput, requiredInput, stringInput } from "@peptide/action-kit";
import { readPolicyInputs, readSigningInputs, readTrustedRootInputs } from "@peptide/action-kit/attest";
import type { PromoteInputs } from "./main.js";

/** The inputs, read once; the identity inputs are actions/verify's, spelled the same. */
export function readInputs(env: NodeJS.ProcessEnv = process.env): PromoteInputs {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  return {
    source: requiredInput("source"),
    to: requiredInput("to"),
    environment: requiredInput("environment"),
    requirePrevious: stringInput("require-previous"),
    forbidSelfApproval: stringInput("forbid-self-approval") === undefined ? undefined : booleanInput("forbid-self-approval", false),
    approvals: enumInput("approvals", ["github", "none"], "github"),
    policyFile: stringInput("policy"),
    policyInputs: readPolicyInputs(),
    trustedRoot: readTrustedRootInputs(workspace, env),
    allowOverwrite: booleanInput("allow-overwrite", false),
    insecureRegistries: listInput("insecure-registry"),
    githubToken: stringInput("github-token"),
    signing: readSigningInputs(),
    showSummary: booleanInput("show-summary", true),
    workspace,
    env,
  };
}
