import { booleanInput, stringInput } from "@peptide/action-kit";
import type { ProvenanceInputs } from "./main.js";
import { readSubjectInputs } from "@peptide/action-kit/attest";

export function readInputs(env: NodeJS.ProcessEnv = process.env): ProvenanceInputs {
  return {
    subjects: readSubjectInputs(),
    sbomPath: stringInput("sbom-path"),
    outputFile: stringInput("output-file") ?? "provenance.intoto.json",
    oidcIssuer: stringInput("oidc-issuer"),
    showSummary: booleanInput("show-summary", true),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    env,
  };
}
