/**
 * The verification policy of `peptide verify`: a policy file (JSON, or YAML by its extension),
 * with the identity flags on top (a flag wins over the file's field; predicate types add up).
 * Field names are the flags' (`signer-workflow`) or their camelCase (`signerWorkflow`).
 */
import path from "node:path";
import { POLICY_FIELDS, policyFromJSON, readPolicyFile, type VerificationPolicy } from "@peptide/attest/verify";
import { listFlag, stringFlag, type FlagValue } from "./args.js";

/** The string flags that are policy fields, spelled as on the command line. */
export const POLICY_FLAGS = POLICY_FIELDS;

/** `fileFields`: the policy file's fields already read (and, for promote, narrowed to one environment). */
export async function policyOf(values: Record<string, FlagValue>, cwd: string, fileFields?: Record<string, unknown>): Promise<VerificationPolicy> {
  const file = stringFlag(values["policy"]);
  const fromFile = fileFields ?? (file === undefined ? {} : await readPolicyFile(path.resolve(cwd, file), `--policy ${file}`));
  const fromFlags: Record<string, unknown> = {};
  for (const flag of POLICY_FLAGS) {
    const value = stringFlag(values[flag]);
    if (value !== undefined) fromFlags[flag] = value;
  }
  const predicateTypes = listFlag(values["predicate-type"]);
  // One spelling per field, so a flag replaces the file's value whichever spelling the file used.
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fromFile)) merged[flagName(key)] = value;
  Object.assign(merged, fromFlags);
  if (predicateTypes.length > 0) {
    const listed = merged["predicate-type"];
    merged["predicate-type"] = [...(Array.isArray(listed) ? listed : listed === undefined ? [] : [listed]), ...predicateTypes];
  }
  return policyFromJSON(merged, file === undefined ? "verify flags" : `policy ${file}`);
}

/** `signerWorkflow` -> `signer-workflow`; `predicateTypes` -> `predicate-type`. */
function flagName(key: string): string {
  if (key === "predicateTypes" || key === "predicateType") return "predicate-type";
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
