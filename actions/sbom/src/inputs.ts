import { booleanInput, enumInput, stringInput } from "@peptide/action-kit";
import type { SbomInputs } from "./main.js";

export function readInputs(env: NodeJS.ProcessEnv = process.env): SbomInputs {
  const format = enumInput("format", ["cyclonedx-json", "spdx-json"], "cyclonedx-json");
  return {
    target: stringInput("image") ?? stringInput("path") ?? ".",
    isImage: stringInput("image") !== undefined,
    format,
    outputFile: stringInput("output-file") ?? (format === "spdx-json" ? "sbom.spdx.json" : "sbom.cdx.json"),
    showSummary: booleanInput("show-summary", true),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
  };
}
