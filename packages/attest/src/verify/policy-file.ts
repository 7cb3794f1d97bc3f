import { readFile } from "node:fs/promises";
import { InputError } from "@peptide/core";

/**
 * The string policy fields, spelled as the CLI flags and the actions' inputs are
 * (`policyFromJSON` also takes their camelCase). `predicate-type` is a list and not among them.
 */
export const POLICY_FIELDS = [
  "certificate-identity",
  "certificate-identity-regexp",
  "certificate-oidc-issuer",
  "signer-workflow",
  "source-repository",
  "source-ref",
  "source-digest",
  "runner-environment",
  "deployment-environment",
] as const;

/**
 * A policy file: a mapping of policy fields, JSON by default and YAML for `.yml`/`.yaml` (loaded
 * only then, so JSON policies keep verification's start-up light). `shown` names the file in
 * messages as the user gave it. `policyFromJSON` checks the fields.
 */
export async function readPolicyFile(file: string, shown: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, "utf8").catch((cause: unknown) => {
    throw new InputError("INPUT_NOT_FOUND", `${shown}: policy file cannot be read`, { cause });
  });
  const yaml = /\.ya?ml$/i.test(file);
  let value: unknown;
  try {
    value = yaml ? (await import("yaml")).parse(text) : JSON.parse(text);
  } catch (cause) {
    throw new InputError("CONFIG_INVALID", `${shown}: policy file is not valid ${yaml ? "YAML" : "JSON"}`, { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InputError("CONFIG_INVALID", `${shown}: expected a mapping of policy fields`);
  return value as Record<string, unknown>;
}
