import { booleanInput, enumInput, listInput, stringInput } from "@peptide/action-kit";
import type { AuditInputs } from "./main.js";

const DEFAULT_CONFIG = ".github/peptide.yml";

export function readInputs(env: NodeJS.ProcessEnv = process.env): AuditInputs {
  const paths = listInput("paths");
  const config = stringInput("config") ?? DEFAULT_CONFIG;
  return {
    paths: paths.length > 0 ? paths : ["."],
    failOn: enumInput("fail-on", ["none", "low", "medium", "high", "critical"], "high"),
    config,
    configExplicit: config !== DEFAULT_CONFIG,
    sarifFile: stringInput("sarif-file"),
    showSummary: booleanInput("show-summary", true),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    blobBaseUrl: env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}/` : undefined,
    version: "0.1.0",
  };
}
