import { chooseTrustedRoot, POLICY_FIELDS, type TrustedRootSource } from "@peptide/attest/verify";
import { stringInput } from "../index.js";

/** The policy inputs, named as the CLI flags (and as policyFromJSON reads them). */
export const POLICY_INPUTS = POLICY_FIELDS;

/** The identity inputs and `predicate-type` (one a line) as policy fields, flag spelling; empty ones left out. */
export function readPolicyInputs(): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const name of POLICY_INPUTS) {
    const value = stringInput(name);
    if (value !== undefined) fields[name] = value;
  }
  const predicateTypes = (stringInput("predicate-type") ?? "").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  if (predicateTypes.length > 0) fields["predicate-type"] = predicateTypes;
  return fields;
}

/**
 * Where the trusted root comes from: `trusted-root` (a file: nothing is fetched), else TUF from
 * `tuf-mirror` (with `tuf-root` on first use of a private mirror) or Sigstore's public-good
 * repository, cached. Paths are relative to `workspace`. A file and TUF inputs together are refused.
 */
export function readTrustedRootInputs(workspace: string, env: NodeJS.ProcessEnv): TrustedRootSource {
  return chooseTrustedRoot(
    { file: stringInput("trusted-root"), mirrorUrl: stringInput("tuf-mirror"), rootFile: stringInput("tuf-root") },
    { base: workspace, env, names: { file: '"trusted-root"', mirror: '"tuf-mirror"', root: '"tuf-root"' } },
  );
}
