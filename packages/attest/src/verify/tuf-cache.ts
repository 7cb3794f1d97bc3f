/** Where TUF metadata and targets are cached; apart from tuf.ts so callers need not load the TUF client. */
import os from "node:os";
import path from "node:path";

/** `$XDG_CACHE_HOME/peptide/tuf`, else `~/.cache/peptide/tuf`. */
export function defaultTufCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== "" ? env.XDG_CACHE_HOME : path.join(env.HOME !== undefined && env.HOME !== "" ? env.HOME : os.homedir(), ".cache");
  return path.join(base, "peptide", "tuf");
}
