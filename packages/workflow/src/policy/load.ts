import { existsSync } from "node:fs";
import path from "node:path";
import { InputError, readTextFile } from "@peptide/core";
import { EMPTY_POLICY, parsePolicy, type PolicyConfig } from "./config.js";

export const DEFAULT_POLICY_FILE = ".github/peptide.yml";

/**
 * Loads a policy file, relative to `cwd`; messages name it as given. A file named by the user
 * must exist; the default one is optional.
 */
export async function loadPolicy(file: string | undefined, options: { explicit: boolean; cwd?: string }): Promise<PolicyConfig> {
  const name = file ?? DEFAULT_POLICY_FILE;
  const absolute = path.resolve(options.cwd ?? process.cwd(), name);
  if (!existsSync(absolute)) {
    if (options.explicit) throw new InputError("INPUT_NOT_FOUND", `${name}: policy file not found; check the path or create it`);
    return EMPTY_POLICY;
  }
  return parsePolicy(name, await readTextFile(absolute, { maxBytes: 256 * 1024 }));
}
