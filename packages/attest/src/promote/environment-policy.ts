/**
 * A promotion policy file: verify's policy fields at the top, and under `environments` each
 * environment's overrides plus its promotion rules (`require-previous`, `forbid-self-approval`).
 * Shared by actions/promote and `peptide promote`, so one file means the same to both.
 *
 *   signer-workflow: acme/pay/.github/workflows/release.yml
 *   environments:
 *     staging: {}
 *     production: { require-previous: staging, forbid-self-approval: true }
 *
 * Environment names match case-insensitively, as GitHub's do. When the file lists environments,
 * promoting to one it does not list is refused: a typo (`prod`) must not fall back to the
 * top-level policy and silently drop production's rules.
 */
import { InputError } from "@peptide/core";

export interface PromotionRules {
  /** The environment the digest must have reached first. */
  requirePrevious?: string;
  /** An approval by someone other than the change's authors is required. */
  forbidSelfApproval: boolean;
}

export interface EnvironmentPolicyFields {
  /** Verify's policy fields for the environment (for `policyFromJSON`), the rules taken out. */
  fields: Record<string, unknown>;
  rules: PromotionRules;
}

export function environmentPolicyFields(file: Record<string, unknown>, environment: string, shown: string): EnvironmentPolicyFields {
  const { environments, ...base } = file;
  const entry = environmentEntry(environments, environment, shown);
  const top = takeRules(base, shown);
  const own = takeRules(entry, `${shown}: environments.${environment}`);
  return {
    fields: { ...base, ...entry },
    rules: {
      ...((own.requirePrevious ?? top.requirePrevious) !== undefined ? { requirePrevious: own.requirePrevious ?? top.requirePrevious } : {}),
      forbidSelfApproval: own.forbidSelfApproval ?? top.forbidSelfApproval ?? false,
    },
  };
}

function environmentEntry(environments: unknown, environment: string, shown: string): Record<string, unknown> {
  if (environments === undefined || environments === null) return {};
  if (typeof environments !== "object" || Array.isArray(environments)) throw new InputError("CONFIG_INVALID", `${shown}: "environments" must map environment names to policy fields`);
  const names = Object.keys(environments);
  const byCase = new Map<string, string>();
  for (const name of names) {
    const other = byCase.get(name.toLowerCase());
    if (other !== undefined) throw new InputError("CONFIG_INVALID", `${shown}: environments "${other}" and "${name}" differ only in case; GitHub environment names are case-insensitive, keep one`);
    byCase.set(name.toLowerCase(), name);
  }
  const key = byCase.get(environment.trim().toLowerCase());
  if (key === undefined) {
    throw new InputError("CONFIG_INVALID", `${shown}: environment "${environment}" is not under "environments" (${names.join(", ") || "none"}); add "${environment}: {}" there to promote to it with the top-level policy`);
  }
  const entry = (environments as Record<string, unknown>)[key];
  if (entry === null || entry === undefined) return {};
  if (typeof entry !== "object" || Array.isArray(entry)) throw new InputError("CONFIG_INVALID", `${shown}: "environments.${key}" must be a mapping of policy fields`);
  return { ...(entry as Record<string, unknown>) };
}

/** Removes the promotion rules (either spelling) from `fields`, which policyFromJSON would reject. */
function takeRules(fields: Record<string, unknown>, shown: string): { requirePrevious?: string; forbidSelfApproval?: boolean } {
  const out: { requirePrevious?: string; forbidSelfApproval?: boolean } = {};
  for (const key of ["require-previous", "requirePrevious"]) {
    const value = fields[key];
    delete fields[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" || value.trim() === "") throw new InputError("CONFIG_INVALID", `${shown}: "${key}" must be an environment name`);
    out.requirePrevious = value.trim();
  }
  for (const key of ["forbid-self-approval", "forbidSelfApproval"]) {
    const value = fields[key];
    delete fields[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "boolean") throw new InputError("CONFIG_INVALID", `${shown}: "${key}" must be true or false`);
    out.forbidSelfApproval = value;
  }
  return out;
}
