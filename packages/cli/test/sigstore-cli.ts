/** Shared by the sign/verify/provenance CLI tests: the stand-in's endpoints as flags, its trusted root as a file. */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { SigstoreStandin } from "@peptide/testkit";
import { OIDC_DEFAULT_REPOSITORY, OIDC_DEFAULT_WORKFLOW_PATH } from "@peptide/testkit";
import { runCli, tempTree, type CliRun } from "./run-cli.js";

/** The signer workflow of the stand-in's default tokens, as `--signer-workflow` takes it. */
export const SIGNER_WORKFLOW = `${OIDC_DEFAULT_REPOSITORY}/${OIDC_DEFAULT_WORKFLOW_PATH}`;

/** `--fulcio-url … --rekor-url …` for the stand-in. */
export function endpointFlags(sigstore: SigstoreStandin): string[] {
  return ["--fulcio-url", sigstore.fulcioURL, "--rekor-url", sigstore.rekorURL];
}

/** Writes the stand-in's trusted root in a temp folder; returns its path. */
export async function trustedRootFile(sigstore: SigstoreStandin): Promise<string> {
  const dir = await tempTree({});
  const file = path.join(dir, "trusted_root.json");
  await writeFile(file, JSON.stringify(sigstore.trustedRoot));
  return file;
}

/** `peptide sign` against the stand-in with a runner environment minting tokens with `claims`. */
export function signWith(sigstore: SigstoreStandin, args: string[], cwd: string, claims?: Record<string, unknown>): Promise<CliRun> {
  return runCli(["sign", ...args, ...endpointFlags(sigstore)], cwd, sigstore.oidc.runnerEnv(claims));
}
