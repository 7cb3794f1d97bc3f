/**
 * The verification policy: who must have signed, from where, and what evidence the bundle must
 * carry. Field names mirror the CLI flags (`--signer-workflow` -> `signerWorkflow`).
 */
import { InputError } from "@peptide/core";
import { anchoredRegExp, parseWorkflowRef } from "./matchers.js";

export interface VerificationPolicy {
  /** Exact subject alternative name, e.g. `https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1`. */
  certificateIdentity?: string;
  /** RegExp over the SAN, anchored at both ends. */
  certificateIdentityRegexp?: string;
  /** Exact OIDC issuer (extension 1.3.6.1.4.1.57264.1.8), e.g. `https://token.actions.githubusercontent.com`. */
  certificateOidcIssuer?: string;
  /** `owner/repo/.github/workflows/release.yml`, optionally with `@ref`; matched against the Build Signer URI (.1.9). */
  signerWorkflow?: string;
  /** `owner/repo` or its URL; matched against the Source Repository URI (.1.12). */
  sourceRepository?: string;
  /** Glob over the Source Repository Ref (.1.14): `refs/tags/v*`; `*` stops at `/`, `**` does not. */
  sourceRef?: string;
  /** Commit SHA of the source (.1.13). */
  sourceDigest?: string;
  /** Runner Environment (.1.11), e.g. `github-hosted`. */
  runnerEnvironment?: string;
  /** Deployment Environment (.1.23), e.g. `production`. */
  deploymentEnvironment?: string;
  /** Each one is required: a statement's predicateType must be one of these, and verifyBundles needs one passing bundle per type. */
  predicateTypes?: string[];
  /** Host for `owner/repo` short forms; default `https://github.com`. */
  serverUrl?: string;
  /** Transparency log entries required; default 1 when the trusted root has a log, else 0 (GitHub's instance). */
  tlogThreshold?: number;
  /** Verified timestamps (log integrated time with a SET, or RFC 3161) required; default 1, never 0. */
  timestampThreshold?: number;
  /** Signed certificate timestamps required; default 1 when the trusted root has a CT log, else 0. */
  ctlogThreshold?: number;
}

type StringField = Exclude<keyof VerificationPolicy, "predicateTypes" | "tlogThreshold" | "timestampThreshold" | "ctlogThreshold">;
type NumberField = "tlogThreshold" | "timestampThreshold" | "ctlogThreshold";

const STRING_FIELDS: readonly StringField[] = [
  "certificateIdentity",
  "certificateIdentityRegexp",
  "certificateOidcIssuer",
  "signerWorkflow",
  "sourceRepository",
  "sourceRef",
  "sourceDigest",
  "runnerEnvironment",
  "deploymentEnvironment",
  "serverUrl",
];
const NUMBER_FIELDS: readonly NumberField[] = ["tlogThreshold", "timestampThreshold", "ctlogThreshold"];

/** `certificate-oidc-issuer` -> `certificateOidcIssuer`; `predicate-type` is the flag spelling of predicateTypes. */
function camel(key: string): string {
  if (key === "predicate-type" || key === "predicateType") return "predicateTypes";
  return key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function fail(where: string, message: string): InputError {
  return new InputError("CONFIG_INVALID", `${where}: ${message}`);
}

/**
 * Reads a policy object (from a policy file or action inputs), accepting the camelCase names or
 * the CLI flag names. Unknown keys and wrong types are rejected with the key named.
 */
export function policyFromJSON(value: unknown, where = "policy"): VerificationPolicy {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw fail(where, "expected a mapping of policy fields");
  const policy: VerificationPolicy = {};
  for (const [rawKey, raw] of Object.entries(value)) {
    const key = camel(rawKey);
    if (raw === undefined || raw === null) continue;
    if ((STRING_FIELDS as readonly string[]).includes(key)) {
      if (typeof raw !== "string" || raw.trim() === "") throw fail(where, `"${rawKey}" must be a non-empty string`);
      policy[key as StringField] = raw.trim();
    } else if ((NUMBER_FIELDS as readonly string[]).includes(key)) {
      if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 0) throw fail(where, `"${rawKey}" must be a whole number, 0 or more`);
      policy[key as NumberField] = raw;
    } else if (key === "predicateTypes") {
      const list = Array.isArray(raw) ? raw : [raw];
      if (!list.every((item): item is string => typeof item === "string" && item.trim() !== "")) {
        throw fail(where, `"${rawKey}" must be a predicate type URI or a list of them`);
      }
      policy.predicateTypes = [...(policy.predicateTypes ?? []), ...list.map((item) => item.trim())];
    } else {
      throw fail(where, `unknown field "${rawKey}"`);
    }
  }
  assertPolicy(policy, where);
  return policy;
}

/** Throws CONFIG_INVALID when a policy value cannot work (bad regexp, signer workflow without a path). */
export function assertPolicy(policy: VerificationPolicy, where = "policy"): void {
  if (policy.certificateIdentityRegexp !== undefined) {
    try {
      anchoredRegExp(policy.certificateIdentityRegexp);
    } catch (cause) {
      throw new InputError("CONFIG_INVALID", `${where}: "certificate-identity-regexp" is not a valid regular expression`, { cause });
    }
  }
  if (policy.timestampThreshold === 0) {
    throw fail(where, `"timestamp-threshold" must be 1 or more: the certificate's validity is checked at a verified timestamp`);
  }
  if (policy.signerWorkflow !== undefined && !parseWorkflowRef(policy.signerWorkflow, policy.serverUrl)) {
    throw fail(where, `"signer-workflow" must be owner/repo/path/to/workflow.yml, optionally with @ref; got "${policy.signerWorkflow}"`);
  }
}

/** True when the policy says who the signer must be; a policy without it accepts any Sigstore identity. */
export function constrainsSigner(policy: VerificationPolicy): boolean {
  return (
    policy.certificateIdentity !== undefined ||
    policy.certificateIdentityRegexp !== undefined ||
    policy.signerWorkflow !== undefined ||
    policy.sourceRepository !== undefined
  );
}
