import * as core from "@actions/core";
import { InputError } from "@peptide/core";

/** A string input; empty means absent. Names are spelled as in action.yml. */
export function stringInput(name: string): string | undefined {
  const value = core.getInput(name).trim();
  return value === "" ? undefined : value;
}

export function requiredInput(name: string): string {
  const value = stringInput(name);
  if (value === undefined) throw new InputError("INPUT_INVALID", `input "${name}" is required`);
  return value;
}

export function booleanInput(name: string, fallback: boolean): boolean {
  const value = stringInput(name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (["true", "yes", "1", "on"].includes(value)) return true;
  if (["false", "no", "0", "off"].includes(value)) return false;
  throw new InputError("INPUT_INVALID", `input "${name}" must be true or false, got "${value}"`);
}

export function enumInput<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = stringInput(name);
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError("INPUT_INVALID", `input "${name}" must be one of ${allowed.join(", ")}, got "${value}"`);
}

/** A list input: one item per line or comma-separated; blank items dropped. */
export function listInput(name: string): string[] {
  return (stringInput(name) ?? "")
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
