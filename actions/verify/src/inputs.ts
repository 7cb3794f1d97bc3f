import { booleanInput, stringInput } from "@peptide/action-kit";
import { InputError } from "@peptide/core";
import { POLICY_FIELDS } from "@peptide/attest/verify";
import type { VerifyInputs } from "./main.js";

/** The policy inputs, named as the CLI flags (and as policyFromJSON reads them). */
export const POLICY_INPUTS = POLICY_FIELDS;

export function readInputs(env: NodeJS.ProcessEnv = process.env): VerifyInputs {
  const policyInputs: Record<string, string | string[]> = {};
  for (const name of POLICY_INPUTS) {
    const value = stringInput(name);
    if (value !== undefined) policyInputs[name] = value;
  }
  const predicateTypes = (stringInput("predicate-type") ?? "").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  if (predicateTypes.length > 0) policyInputs["predicate-type"] = predicateTypes;
  const subjectPath = stringInput("subject-path");
  const subjectDigest = stringInput("subject-digest");
  if ((subjectPath === undefined) === (subjectDigest === undefined)) throw new InputError("INPUT_INVALID", 'give one of "subject-path" or "subject-digest"');
  if (stringInput("trusted-root") !== undefined && (stringInput("tuf-mirror") !== undefined || stringInput("tuf-root") !== undefined)) {
    throw new InputError("INPUT_INVALID", '"trusted-root" is a trusted root already; "tuf-mirror" and "tuf-root" are for fetching one through TUF, give one or the other');
  }
  return {
    subjectPath,
    subjectDigest,
    subjectName: stringInput("subject-name"),
    bundle: stringInput("bundle"),
    trustedRoot: stringInput("trusted-root"),
    tufMirror: stringInput("tuf-mirror"),
    tufRoot: stringInput("tuf-root"),
    policyFile: stringInput("policy"),
    policyInputs,
    showSummary: booleanInput("show-summary", true),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    tempDir: env.RUNNER_TEMP ?? env.GITHUB_WORKSPACE ?? process.cwd(),
    env,
  };
}
