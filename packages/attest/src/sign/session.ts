/**
 * Keyless signing for a run: `createSigningSession(options)` resolves the instance, and every
 * statement and blob signed through the session shares one identity token and one Fulcio
 * certificate. Statements become DSSE bundles (payloadType `application/vnd.in-toto+json`), blobs
 * message-signature bundles; both are Sigstore bundles v0.3
 * (`application/vnd.dev.sigstore.bundle.v0.3+json`), returned in their JSON form, ready to write.
 */
import type { SerializedBundle } from "@sigstore/bundle";
import { IN_TOTO_STATEMENT_V1, type Statement } from "../types.js";
import { SignError } from "./errors.js";
import type { IdentityOptions } from "./identity.js";
import type { EndpointOptions, Endpoints } from "./instances.js";
import type { SigstoreRetry } from "./retry.js";

export const BUNDLE_V03_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** A Sigstore bundle in its JSON form (the content of a `.sigstore.json` file). */
export type SigstoreBundle = SerializedBundle;

export interface SigningOptions extends EndpointOptions, IdentityOptions {
  /** Retries of Fulcio, Rekor and TSA requests (408, 429, 5xx). Default 3 with backoff. */
  retry?: SigstoreRetry;
  /** Per request. Default 15 s. */
  timeoutMs?: number;
  /** Signatures in flight at once in `signStatements`. Default 8. */
  concurrency?: number;
  /** Called with the identity token as soon as it is read, e.g. `core.setSecret`. */
  onIdentityToken?: (token: string) => void;
  /** Renew the certificate when less than this is left of it. Default 2 minutes. */
  renewBeforeMs?: number;
}

export interface SigningStats {
  identityTokens: number;
  certificates: number;
  signatures: number;
  tlogEntries: number;
  timestamps: number;
}

export interface SigningSession {
  readonly endpoints: Endpoints;
  readonly stats: Readonly<SigningStats>;
  /** The signing certificate (PEM) once the first signature was made. */
  readonly certificate: string | undefined;
  /**
   * Gets the identity token and the Fulcio certificate ahead of the first signature, e.g. while
   * other work runs: nothing is signed and nothing is written to a log.
   */
  prepare(): Promise<void>;
  signStatement(statement: Statement): Promise<SigstoreBundle>;
  signStatements(statements: readonly Statement[]): Promise<SigstoreBundle[]>;
  signBlob(bytes: Uint8Array): Promise<SigstoreBundle>;
}

export async function createSigningSession(options: SigningOptions = {}): Promise<SigningSession> {
  // The Sigstore signing libraries load here, when a session is made, not with @peptide/attest:
  // a command that only verifies (or verifies first, as a promotion does) starts sooner.
  const { buildSigningSession } = await import("./session-build.js");
  return buildSigningSession(options);
}

/** Signs in-toto statements, one bundle each, in order; one token and certificate for all. */
export async function signStatements(statements: readonly Statement[], options: SigningOptions | SigningSession): Promise<SigstoreBundle[]> {
  const session = isSession(options) ? options : await createSigningSession(options);
  return session.signStatements(statements);
}

/** Signs bytes as a message signature. */
export async function signBlob(bytes: Uint8Array, options: SigningOptions | SigningSession): Promise<SigstoreBundle> {
  const session = isSession(options) ? options : await createSigningSession(options);
  return session.signBlob(bytes);
}

function isSession(value: SigningOptions | SigningSession): value is SigningSession {
  return typeof (value as Partial<SigningSession>).signBlob === "function";
}

/** Throws SIGN_INPUT naming what is wrong with a statement before it is signed. */
export function assertStatement(statement: Statement): void {
  const problem = statementProblem(statement);
  if (problem) throw new SignError("SIGN_INPUT", `cannot sign the statement: ${problem}`);
}

function statementProblem(statement: unknown): string | undefined {
  if (typeof statement !== "object" || statement === null) return "it is not an object";
  const s = statement as Record<string, unknown>;
  if (s["_type"] !== IN_TOTO_STATEMENT_V1) return `_type is ${JSON.stringify(s["_type"])}, expected ${IN_TOTO_STATEMENT_V1}`;
  if (typeof s["predicateType"] !== "string" || s["predicateType"] === "") return "predicateType is missing";
  const subjects = s["subject"];
  if (!Array.isArray(subjects) || subjects.length === 0) return "it has no subject";
  for (const [i, subject] of subjects.entries()) {
    const digest = typeof subject === "object" && subject !== null ? (subject as Record<string, unknown>)["digest"] : undefined;
    const sha256 = typeof digest === "object" && digest !== null ? (digest as Record<string, unknown>)["sha256"] : undefined;
    if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) return `subject[${i}] has no lower-case hex sha256 digest`;
  }
  return undefined;
}
