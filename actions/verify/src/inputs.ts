import { booleanInput, stringInput } from "@peptide/action-kit";
import { readPolicyInputs, readTrustedRootInputs } from "@peptide/action-kit/attest";
import { InputError } from "@peptide/core";
import type { VerifyInputs } from "./main.js";

export { POLICY_INPUTS } from "@peptide/action-kit/attest";

export function readInputs(env: NodeJS.ProcessEnv = process.env): VerifyInputs {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const subjectPath = stringInput("subject-path");
  const subjectDigest = stringInput("subject-digest");
  if ((subjectPath === undefined) === (subjectDigest === undefined)) throw new InputError("INPUT_INVALID", 'give one of "subject-path" or "subject-digest"');
  return {
    subjectPath,
    subjectDigest,
    subjectName: stringInput("subject-name"),
    bundle: stringInput("bundle"),
    trustedRoot: readTrustedRootInputs(workspace, env),
    policyFile: stringInput("policy"),
    policyInputs: readPolicyInputs(),
    showSummary: booleanInput("show-summary", true),
    workspace,
    tempDir: env.RUNNER_TEMP ?? env.GITHUB_WORKSPACE ?? process.cwd(),
    env,
  };
}
