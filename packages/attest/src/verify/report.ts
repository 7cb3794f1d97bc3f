/**
 * The verification report: every check that ran, passed or failed, with a factual reason.
 * Check names are stable: the CLI's JSON output and the tamper tests depend on them.
 */
import type { FulcioClaims } from "./fulcio-extensions.js";

export type CheckName =
  | "bundle"
  | "transparency-log"
  | "timestamps"
  | "certificate-chain"
  | "certificate-validity"
  | "signature"
  | "subject-digest"
  | "policy"
  | "certificate-identity"
  | "certificate-identity-regexp"
  | "certificate-oidc-issuer"
  | "signer-workflow"
  | "source-repository"
  | "source-ref"
  | "source-digest"
  | "runner-environment"
  | "deployment-environment"
  | "predicate-type"
  | "builder-id"
  | "predicate-types";

export interface Check {
  name: CheckName;
  ok: boolean;
  /** Lower-case, factual: what was found, and for a failure what was expected. */
  reason: string;
}

/** The signer as its certificate describes it: SAN plus the decoded Fulcio extensions. */
export type SignerIdentity = FulcioClaims & {
  subjectAlternativeName?: string;
  certificate: { notBefore: string; notAfter: string; sha256: string };
};

export interface StatementSummary {
  predicateType: string;
  subjectCount: number;
  /** The subject whose digest matched the artifact. */
  matchedSubject?: string;
}

export interface VerificationReport {
  ok: boolean;
  checks: Check[];
  identity: SignerIdentity | undefined;
  statement?: StatementSummary;
  /** Milliseconds spent verifying (not loading). */
  durationMs: number;
}

/** The result over several bundles for one artifact (a `.jsonl`, or a registry's referrers). */
export interface ArtifactVerificationReport {
  ok: boolean;
  /** Checks across bundles: `predicate-types` (one passing bundle per required type). */
  checks: Check[];
  bundles: VerificationReport[];
}

export function pass(name: CheckName, reason: string): Check {
  return { name, ok: true, reason };
}

export function fail(name: CheckName, reason: string): Check {
  return { name, ok: false, reason };
}

/** An error's message as a reason: its first line, first word lower-cased ("DSSE payload…" -> "dsse payload…"). */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0] ?? message;
  return line.replace(/^\S+/, (word) => word.toLowerCase());
}
