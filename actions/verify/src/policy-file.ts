import { readFile } from "node:fs/promises";
import { InputError } from "@peptide/core";
import { parse } from "yaml";

/** A policy file: a JSON or YAML mapping of policy fields (policyFromJSON checks the fields). */
export async function readPolicyFile(file: string, shown: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, "utf8").catch((cause: unknown) => {
    throw new InputError("INPUT_NOT_FOUND", `${shown}: policy file cannot be read`, { cause });
  });
  let value: unknown;
  try {
    value = parse(text);
  } catch (cause) {
    throw new InputError("CONFIG_INVALID", `${shown}: policy file is not JSON or YAML`, { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InputError("CONFIG_INVALID", `${shown}: expected a mapping of policy fields`);
  return value as Record<string, unknown>;
}
