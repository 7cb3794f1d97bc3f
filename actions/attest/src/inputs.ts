import { booleanInput, enumInput, stringInput } from "@peptide/action-kit";
import type { AttestInputs } from "./main.js";
import { readSigningInputs, readStorageInputs } from "@peptide/action-kit/attest";
import { readSubjectInputs } from "@peptide/action-kit/attest";

export function readInputs(env: NodeJS.ProcessEnv = process.env): AttestInputs {
  return {
    subjects: readSubjectInputs(),
    sbom: booleanInput("sbom", true),
    sbomPath: stringInput("sbom-path"),
    sbomSource: stringInput("sbom-source"),
    sbomFormat: enumInput("sbom-format", ["cyclonedx-json", "spdx-json"], "cyclonedx-json"),
    signing: readSigningInputs(),
    storage: readStorageInputs(),
    oidcIssuer: stringInput("oidc-issuer"),
    showSummary: booleanInput("show-summary", true),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    tempDir: env.RUNNER_TEMP ?? env.GITHUB_WORKSPACE ?? process.cwd(),
    env,
  };
}
