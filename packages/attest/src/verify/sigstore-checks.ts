/**
 * The cryptographic checks, run by @sigstore/verify's Verifier one step at a time so that each
 * becomes its own check: a failure in one does not hide the result of the others (an altered
 * payload fails `signature` even though its log entry no longer matches either).
 *
 * Verifier.verify() runs the steps in order and stops at the first error. Its steps are private
 * in the type declarations but plain methods at run time; `stepsOf` reaches them and refuses a
 * Verifier that does not have them (the verify tests pin this).
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { PeptideError } from "@peptide/core";
import type { Bundle, TransparencyLogEntry } from "@sigstore/bundle";
import { Verifier, type SignedEntity, type Signer } from "@sigstore/verify";
import type { SigningCertificate } from "./certificate.js";
import { fail, pass, reasonOf, type Check } from "./report.js";
import type { TrustRoot } from "./trusted-root.js";

export interface Thresholds {
  tlog: number;
  timestamp: number;
  ctlog: number;
}

interface VerifierSteps {
  verifyTimestamps(entity: SignedEntity): Date[];
  verifySigningKey(entity: SignedEntity, timestamps: Date[]): Signer;
  verifyTLogs(entity: SignedEntity): void;
}

export function stepsOf(verifier: Verifier): VerifierSteps {
  const candidate = verifier as unknown as Partial<VerifierSteps>;
  if (
    typeof candidate.verifyTimestamps !== "function" ||
    typeof candidate.verifySigningKey !== "function" ||
    typeof candidate.verifyTLogs !== "function"
  ) {
    throw new PeptideError("VERIFIER_INCOMPATIBLE", "the installed @sigstore/verify does not expose its verification steps; peptide expects @sigstore/verify 3.x");
  }
  return candidate as VerifierSteps;
}

export interface SigstoreResult {
  checks: Check[];
  /** Timestamps that verified (log integrated times with a SET, RFC 3161 tokens). */
  timestamps: Date[];
}

export function sigstoreChecks(bundle: Bundle, entity: SignedEntity, leaf: SigningCertificate, trust: TrustRoot, thresholds: Thresholds): SigstoreResult {
  const steps = stepsOf(
    new Verifier(trust.material, { tlogThreshold: thresholds.tlog, timestampThreshold: thresholds.timestamp, ctlogThreshold: thresholds.ctlog }),
  );
  const { check: tlog, inclusionVerified } = transparencyLogCheck(steps, entity, leaf, thresholds.tlog);
  // An integrated time is only as good as the log's signature over it: when the inclusion does
  // not verify, count only the timestamp authority's timestamps.
  const timed = inclusionVerified ? entity : { ...entity, timestamps: entity.timestamps.filter((t) => t.$case === "timestamp-authority") };
  const { check: timestampCheck, timestamps } = timestampsCheck(steps, bundle, timed, thresholds.timestamp, !inclusionVerified);
  const inValidity = timestamps.filter((time) => time >= leaf.notBefore && time <= leaf.notAfter);
  return {
    checks: [tlog, timestampCheck, chainCheck(steps, entity, leaf, inValidity), validityCheck(leaf, timestamps)],
    timestamps,
  };
}

/**
 * `inclusionVerified` says whether every entry's SET / inclusion proof verified against a trusted
 * log (its integrated time can be trusted), whatever else is wrong with the entry.
 */
function transparencyLogCheck(steps: VerifierSteps, entity: SignedEntity, leaf: SigningCertificate, threshold: number): { check: Check; inclusionVerified: boolean } {
  const entries = entity.tlogEntries;
  try {
    steps.verifyTLogs(entity);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // The count is checked after every entry verified; a body is compared after its inclusion.
    const inclusionVerified = code === "TLOG_ERROR" || (code === "TLOG_BODY_ERROR" && entries.length === 1);
    return { check: fail("transparency-log", reasonOf(error)), inclusionVerified };
  }
  for (const entry of entries) {
    const problem = verifierMismatch(entry, leaf);
    if (problem) return { check: fail("transparency-log", problem), inclusionVerified: true };
  }
  if (entries.length === 0) return { check: pass("transparency-log", `no log entry, and the policy requires none (threshold ${threshold})`), inclusionVerified: true };
  const described = entries.map((entry) => `index ${entry.logIndex} at ${isoOf(entry.integratedTime)}`).join(", ");
  const check = pass("transparency-log", `${entries.length} log ${entries.length === 1 ? "entry" : "entries"} verified (${described}), threshold ${threshold}`);
  return { check, inclusionVerified: true };
}

/**
 * @sigstore/verify compares a log entry's signature and digest with the bundle, not the key it
 * was logged with; the entry must also name the bundle's certificate (or its public key).
 */
function verifierMismatch(entry: TransparencyLogEntry, leaf: SigningCertificate): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(entry.canonicalizedBody).toString("utf8"));
  } catch {
    return `log entry ${entry.logIndex} has a body that is not json`;
  }
  const verifiers = loggedVerifiers(body);
  if (verifiers.length === 0) return `log entry ${entry.logIndex} names no signing certificate or key`;
  const leafKey = spkiOf(leaf.publicKey);
  const bound = verifiers.every((pem) => {
    try {
      const der = pemBlock(pem, "CERTIFICATE");
      if (der) return Buffer.compare(der, Buffer.from(leaf.der)) === 0;
      return Buffer.compare(spkiOf(createPublicKey(pem)), leafKey) === 0;
    } catch {
      return false;
    }
  });
  return bound ? undefined : `log entry ${entry.logIndex} was made with another certificate than the bundle's`;
}

/** The PEM verifiers a Rekor v1 body records: dsse `signatures[].verifier`, hashedrekord `signature.publicKey.content`, intoto `envelope.signatures[].publicKey`. */
function loggedVerifiers(body: unknown): string[] {
  const spec = (body as { spec?: Record<string, unknown> } | null)?.spec;
  if (!spec) return [];
  const found: unknown[] = [];
  if (Array.isArray(spec.signatures)) for (const s of spec.signatures) found.push((s as { verifier?: unknown }).verifier);
  const signature = spec.signature as { publicKey?: { content?: unknown } } | undefined;
  if (signature?.publicKey) found.push(signature.publicKey.content);
  const envelope = (spec.content as { envelope?: { signatures?: unknown } } | undefined)?.envelope;
  if (Array.isArray(envelope?.signatures)) for (const s of envelope.signatures) found.push((s as { publicKey?: unknown }).publicKey);
  return found.filter((value): value is string => typeof value === "string").map((value) => Buffer.from(value, "base64").toString("utf8"));
}

function pemBlock(pem: string, label: string): Buffer | undefined {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  return match?.[1] === undefined ? undefined : Buffer.from(match[1].replace(/\s+/g, ""), "base64");
}

function spkiOf(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "spki" });
}

function timestampsCheck(steps: VerifierSteps, bundle: Bundle, entity: SignedEntity, threshold: number, logDropped: boolean): { check: Check; timestamps: Date[] } {
  const dropped = logDropped && bundle.verificationMaterial.tlogEntries.length > 0 ? " (the log's integrated time is not counted: its inclusion did not verify)" : "";
  let timestamps: Date[];
  try {
    timestamps = steps.verifyTimestamps(entity);
  } catch (error) {
    return { check: fail("timestamps", `${reasonOf(error)}${dropped}`), timestamps: [] };
  }
  const tsa = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0;
  const logged = timestamps.length - tsa;
  const sources = [logged > 0 ? `${logged} from the log` : "", tsa > 0 ? `${tsa} from a timestamp authority` : ""].filter(Boolean).join(", ");
  if (timestamps.length === 0) return { check: pass("timestamps", `no verified timestamp, and the policy requires none (threshold ${threshold})`), timestamps };
  const times = timestamps.map((time) => time.toISOString()).join(", ");
  return { check: pass("timestamps", `${timestamps.length} verified (${sources}): ${times}, threshold ${threshold}${dropped}`), timestamps };
}

/**
 * The chain is checked at the verified timestamps that fall within the certificate's validity;
 * when none do, at its notBefore, so that this check says whether the certificate comes from a
 * trusted CA and certificate-validity alone says whether it was used in time.
 */
function chainCheck(steps: VerifierSteps, entity: SignedEntity, leaf: SigningCertificate, inValidity: Date[]): Check {
  const at = inValidity.length > 0 ? inValidity : [leaf.notBefore];
  try {
    steps.verifySigningKey(entity, at);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${reasonOf(error.cause)}` : "";
    return fail("certificate-chain", `certificate does not verify against the trusted root: ${reasonOf(error)}${cause}`);
  }
  const when = inValidity.length > 0 ? "at the verified timestamps" : "at its notBefore, no verified timestamp falls in its validity";
  return pass("certificate-chain", `certificate chains to a certificate authority of the trusted root (checked ${when})`);
}

function validityCheck(leaf: SigningCertificate, timestamps: Date[]): Check {
  const window = `${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()}`;
  if (timestamps.length === 0) return fail("certificate-validity", `no verified timestamp to hold against the certificate's validity (${window})`);
  const outside = timestamps.filter((time) => time < leaf.notBefore || time > leaf.notAfter);
  if (outside.length > 0) {
    return fail("certificate-validity", `signed at ${outside.map((time) => time.toISOString()).join(", ")}, outside the certificate's validity (${window})`);
  }
  return pass("certificate-validity", `every verified timestamp falls within the certificate's validity (${window})`);
}

function isoOf(seconds: string): string {
  return new Date(Number(seconds) * 1000).toISOString();
}
