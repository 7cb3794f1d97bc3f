import { booleanInput, enumInput, listInput, requiredInput, stringInput } from "@peptide/action-kit";
import { readSigningInputs } from "@peptide/action-kit/attest";
import { POLICY_FIELDS as POLICY_INPUTS } from "@peptide/attest/verify";
import { InputError } from "@peptide/core";
import type { PromoteInputs } from "./main.js";

/** The inputs, read once; the identity inputs are actions/verify's, spelled the same. */
export function readInputs(env: NodeJS.ProcessEnv = process.env): PromoteInputs {
  const policyInputs: Record<string, string | string[]> = {};
  for (const name of POLICY_INPUTS) {
    const value = stringInput(name);
    if (value !== undefined) policyInputs[name] = value;
  }
  const predicateTypes = (stringInput("predicate-type") ?? "").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  if (predicateTypes.length > 0) policyInputs["predicate-type"] = predicateTypes;
  if (stringInput("trusted-root") !== undefined && (stringInput("tuf-mirror") !== undefined || stringInput("tuf-root") !== undefined)) {
    throw new InputError("INPUT_INVALID", '"trusted-root" is a trusted root already; "tuf-mirror" and "tuf-root" are for fetching one through TUF, give one or the other');
  }
  return {
    source: requiredInput("source"),
    to: requiredInput("to"),
    environment: requiredInput("environment"),
    requirePrevious: stringInput("require-previous"),
    forbidSelfApproval: stringInput("forbid-self-approval") === undefined ? undefined : booleanInput("forbid-self-approval", false),
    approvals: enumInput("approvals", ["github", "none"], "github"),
    policyFile: stringInput("policy"),
    policyInputs,
    trustedRoot: stringInput("trusted-root"),
    tufMirror: stringInput("tuf-mirror"),
    tufRoot: stringInput("tuf-root"),
    allowOverwrite: booleanInput("allow-overwrite", false),
    insecureRegistries: listInput("insecure-registry"),
    githubToken: stringInput("github-token"),
    signing: readSigningInputs(),
    showSummary: booleanInput("show-summary", true),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    env,
  };
}
