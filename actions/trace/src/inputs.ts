import { booleanInput, listInput, requiredInput, stringInput } from "@peptide/action-kit";
import type { TraceInputs } from "./main.js";

/** The inputs, read once, spelled as in action.yml. */
export function readInputs(env: NodeJS.ProcessEnv = process.env): TraceInputs {
  return {
    image: requiredInput("image"),
    insecureRegistries: listInput("insecure-registry"),
    githubToken: stringInput("github-token"),
    showSummary: booleanInput("show-summary", true),
    failOnMissing: booleanInput("fail-on-missing", false),
    env,
  };
}
