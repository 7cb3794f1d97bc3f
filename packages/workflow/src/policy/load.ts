import { existsSync } from "node:fs";
import { InputError, readTextFile } from "@peptide/core";
import { EMPTY_POLICY, parsePolicy, type PolicyConfig } from "./config.js";

export const DEFAULT_POLICY_FILE = ".github/peptide.yml";

/**
 * Loads a policy file. A file named by the user must exist; the default one is optional.
 */
export async function loadPolicy(file: string | undefined, options: { explicit: boolean }): Promise<PolicyConfig> {
  const target = file ?? DEFAULT_POLICY_FILE;
  if (!existsSync(target)) {
    if (options.explicit) throw new InputError("INPUT_NOT_FOUND", `${target}: policy file not found; check --config or create it`);
    return EMPTY_POLICY;
  }
  return parsePolicy(target, await readTextFile(target, { maxBytes: 256 * 1024 }));
}
