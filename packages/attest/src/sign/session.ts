/**
 * Keyless signing for a run: `createSigningSession(options)` resolves the instance, and every
 * statement and blob signed through the session shares one identity token and one Fulcio
 * certificate. Statements become DSSE bundles (payloadType `application/vnd.in-toto+json`), blobs
 * message-signature bundles; both are Sigstore bundles v0.3
 * (`application/vnd.dev.sigstore.bundle.v0.3+json`), returned in their JSON form, ready to write.
 */
import type { Bundle, SerializedBundle } from "@sigstore/bundle";
import { DSSEBundleBuilder, RekorWitness, TSAWitness, type BundleBuilder, type Witness } from "@sigstore/sign";
import { mapLimit } from "@peptide/core";
import { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_V1, type Statement } from "../types.js";
import { bundleToExplicitJSON } from "./bundle-json.js";
import { CachingFulcioSigner } from "./caching-signer.js";
import { SignError, toSignError } from "./errors.js";
import { identityProviderFrom, type IdentityOptions } from "./identity.js";
import { resolveEndpoints, type EndpointOptions, type Endpoints } from "./instances.js";
import { MessageSignatureV03BundleBuilder } from "./message-bundle.js";
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, type SigstoreRetry } from "./retry.js";

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
  const endpoints = await resolveEndpoints(options);
  const retry = options.retry ?? DEFAULT_RETRY;
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signer = new CachingFulcioSigner({
    fulcioURL: endpoints.fulcioURL,
    identityProvider: identityProviderFrom(options),
    retry,
    timeoutMs: timeout,
    ...(options.renewBeforeMs !== undefined ? { renewBeforeMs: options.renewBeforeMs } : {}),
    ...(options.onIdentityToken ? { onIdentityToken: options.onIdentityToken } : {}),
  });
  const witnesses: Witness[] = [
    ...endpoints.tlogs.map(
      (tlog) => new RekorWitness({ rekorBaseURL: tlog.url, majorApiVersion: tlog.majorApiVersion, fetchOnConflict: true, retry, timeout }),
    ),
    ...endpoints.tsaURLs.map((url) => new TSAWitness({ tsaBaseURL: url, retry, timeout })),
  ];
  const dsse = new DSSEBundleBuilder({ signer, witnesses, certificateChain: false });
  const message = new MessageSignatureV03BundleBuilder({ signer, witnesses });
  const counts = { tlogEntries: 0, timestamps: 0 };
  const concurrency = Math.max(1, options.concurrency ?? 8);

  const create = async (builder: BundleBuilder, data: Buffer, type?: string): Promise<SigstoreBundle> => {
    let bundle: Bundle;
    try {
      bundle = await builder.create(type === undefined ? { data } : { data, type });
    } catch (error) {
      throw toSignError(error, signer.tokens);
    }
    counts.tlogEntries += bundle.verificationMaterial.tlogEntries.length;
    counts.timestamps += bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0;
    return bundleToExplicitJSON(bundle);
  };

  const signStatement = (statement: Statement) => {
    assertStatement(statement);
    return create(dsse, Buffer.from(JSON.stringify(statement), "utf8"), IN_TOTO_PAYLOAD_TYPE);
  };

  return {
    endpoints,
    get stats() {
      return { ...signer.stats, ...counts };
    },
    get certificate() {
      return signer.certificate;
    },
    prepare: () =>
      signer.prepare().catch((error: unknown) => {
        throw toSignError(error, signer.tokens);
      }),
    signStatement,
    signStatements: (statements) => {
      statements.forEach(assertStatement);
      return mapLimit(statements, concurrency, signStatement);
    },
    signBlob: (bytes) => create(message, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
  };
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

function assertStatement(statement: Statement): void {
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
