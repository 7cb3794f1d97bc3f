import { booleanInput, enumInput, listInput, runAction, stringInput } from "@peptide/action-kit";
import { run, type AuditInputs } from "./main.js";

export function readInputs(): AuditInputs {
  const paths = listInput("paths");
  return {
    paths: paths.length > 0 ? paths : ["."],
    failOn: enumInput("fail-on", ["none", "low", "medium", "high", "critical"], "high"),
    config: stringInput("config"),
    sarifFile: stringInput("sarif-file"),
    showSummary: booleanInput("show-summary", true),
    workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    blobBaseUrl: blobBase(),
  };
}

function blobBase(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = process.env;
  return server && repo && sha ? `${server}/${repo}/blob/${sha}/` : undefined;
}

await runAction(() => run(readInputs()));
