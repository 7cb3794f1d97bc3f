import path from "node:path";
import { InputError } from "@peptide/core";
import type { TrustedRootSource } from "./trusted-root.js";
import { defaultTufCacheDir } from "./tuf-cache.js";

/**
 * Where the trusted root comes from, as the CLI flags and the actions' inputs choose it: a file
 * (air-gapped: nothing is fetched), else TUF from a mirror (with its initial root.json on first
 * use) or Sigstore's public-good repository, cached. A file with TUF settings is refused, in the
 * caller's spelling of the three (`names`). Paths are resolved against `base`.
 */
export function chooseTrustedRoot(
  given: { file: string | undefined; mirrorUrl: string | undefined; rootFile: string | undefined },
  options: { base: string; env: NodeJS.ProcessEnv; names: { file: string; mirror: string; root: string } },
): TrustedRootSource {
  const { file, mirrorUrl, rootFile } = given;
  const { names } = options;
  if (file !== undefined) {
    if (mirrorUrl !== undefined || rootFile !== undefined) {
      throw new InputError("INPUT_INVALID", `${names.file} is a trusted root already; ${names.mirror} and ${names.root} are for fetching one through TUF, give one or the other`);
    }
    return { kind: "file", path: path.resolve(options.base, file) };
  }
  return { kind: "tuf", mirrorUrl, rootPath: rootFile === undefined ? undefined : path.resolve(options.base, rootFile), cacheDir: defaultTufCacheDir(options.env) };
}
