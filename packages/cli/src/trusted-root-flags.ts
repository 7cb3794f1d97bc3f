/**
 * Where the Sigstore trusted root comes from, as `peptide verify` and `peptide promote` take it:
 * a file (air-gapped, nothing fetched), else through TUF from a private mirror or the public-good
 * repository (cached).
 */
import { chooseTrustedRoot, type TrustedRootSource } from "@peptide/attest/verify";
import { stringFlag, type FlagValue } from "./args.js";
import type { CliIO } from "./io.js";

/** --trusted-root FILE (offline), else TUF: --tuf-mirror / --tuf-root, or the public-good repository. */
export function trustedRootSourceOf(values: Record<string, FlagValue>, { cwd, env }: CliIO): TrustedRootSource {
  return chooseTrustedRoot(
    { file: stringFlag(values["trusted-root"]), mirrorUrl: stringFlag(values["tuf-mirror"]), rootFile: stringFlag(values["tuf-root"]) },
    { base: cwd, env, names: { file: "--trusted-root", mirror: "--tuf-mirror", root: "--tuf-root" } },
  );
}
