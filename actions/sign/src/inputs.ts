import { booleanInput, stringInput } from "@peptide/action-kit";
import type { SignInputs } from "./main.js";
import { readSigningInputs, readStorageInputs } from "@peptide/action-kit/attest";
import { readSubjectInputs } from "@peptide/action-kit/attest";

export function readInputs(env: NodeJS.ProcessEnv = process.env): SignInputs {
  return {
    subjects: readSubjectInputs(),
    predicateType: stringInput("predicate-type"),
    predicatePath: stringInput("predicate-path"),
    signing: readSigningInputs(),
    storage: readStorageInputs(),
    showSummary: booleanInput("show-summary", true),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    env,
  };
}
