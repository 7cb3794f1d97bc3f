/**
 * Where the Sigstore trusted root comes from, as `peptide verify` and `peptide promote` take it:
 * a file (air-gapped, nothing fetched), else through TUF from a private mirror or the public-good
 * repository (cached).
 */
import path from "node:path";
import { defaultTufCacheDir, type TrustedRootSource } from "@peptide/attest/verify";
import { InputError } from "@peptide/core";
import { stringFlag, type FlagValue } from "./args.js";
import type { CliIO } from "./io.js";

/** --trusted-root FILE (offline), else TUF: --tuf-mirror / --tuf-root, or the public-good repository. */
export function trustedRootSourceOf(values: Record<string, FlagValue>, { cwd, env }: CliIO): TrustedRootSource {
  const file = stringFlag(values["trusted-root"]);
  const mirrorUrl = stringFlag(values["tuf-mirror"]);
  const rootFile = stringFlag(values["tuf-root"]);
  if (file !== undefined) {
    if (mirrorUrl !== undefined || rootFile !== undefined) {
      throw new InputError("INPUT_INVALID", "--trusted-root is a trusted root already; --tuf-mirror and --tuf-root are for fetching one through TUF, give one or the other");
    }
    return { kind: "file", path: path.resolve(cwd, file) };
  }
  return { kind: "tuf", mirrorUrl, rootPath: rootFile === undefined ? undefined : path.resolve(cwd, rootFile), cacheDir: defaultTufCacheDir(env) };
}
