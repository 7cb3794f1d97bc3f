import { PeptideError } from "@peptide/core";

export type SignErrorCode =
  /** The options name no usable instance: unknown instance, missing URL, bad signing config. */
  | "SIGN_CONFIG"
  /** A statement or blob that cannot be signed as given (not an in-toto Statement v1, empty). */
  | "SIGN_INPUT"
  /** No identity token: the job lacks `permissions: id-token: write`, or the token was refused. */
  | "SIGN_IDENTITY"
  /** Fulcio did not issue a certificate. */
  | "SIGN_FULCIO"
  /** The transparency log did not take the entry. */
  | "SIGN_REKOR"
  /** The timestamp authority did not answer with a timestamp. */
  | "SIGN_TSA"
  /** Anything else while signing (a bug or an unexpected answer). */
  | "SIGN_FAILED"
  /** A bundle file could not be written. */
  | "SIGN_OUTPUT";

/** Messages never hold the identity token: every error leaving the signer is scrubbed. */
export class SignError extends PeptideError<SignErrorCode> {
  constructor(code: SignErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = "SignError";
  }
}

/** What sigstore-js's InternalError codes mean for us. */
const LIBRARY_CODES: Record<string, SignErrorCode> = {
  IDENTITY_TOKEN_READ_ERROR: "SIGN_IDENTITY",
  IDENTITY_TOKEN_PARSE_ERROR: "SIGN_IDENTITY",
  CA_CREATE_SIGNING_CERTIFICATE_ERROR: "SIGN_FULCIO",
  TLOG_CREATE_ENTRY_ERROR: "SIGN_REKOR",
  TLOG_FETCH_ENTRY_ERROR: "SIGN_REKOR",
  TSA_CREATE_TIMESTAMP_ERROR: "SIGN_TSA",
};

/**
 * A SignError for anything thrown while signing, with every secret (the token and its payload and
 * signature segments) replaced by `***` in the message and in the cause chain's messages.
 */
export function toSignError(error: unknown, secrets: readonly string[]): SignError {
  const scrub = scrubber(secrets);
  if (error instanceof SignError) {
    return error.message === scrub(error.message) && !hasSecret(error.cause, scrub)
      ? error
      : new SignError(error.code, scrub(error.message), { cause: scrubCause(error.cause, scrub) });
  }
  const code = codeOf(error);
  const message = scrub(describe(error));
  return new SignError(code, message, { cause: scrubCause(error, scrub) });
}

function codeOf(error: unknown): SignErrorCode {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    const mapped = LIBRARY_CODES[error.code];
    // Fulcio refusing the token (401/403) is an identity problem, not a CA outage.
    if (mapped === "SIGN_FULCIO" && [401, 403].includes(statusOf(error))) return "SIGN_IDENTITY";
    if (mapped) return mapped;
    if (error.code === "TOKEN_UNAVAILABLE") return "SIGN_IDENTITY";
  }
  return "SIGN_FAILED";
}

function statusOf(error: object): number {
  const cause = "cause" in error ? error.cause : undefined;
  return typeof cause === "object" && cause !== null && "statusCode" in cause && typeof cause.statusCode === "number" ? cause.statusCode : 0;
}

/** The library's message plus its cause's, e.g. `error creating signing certificate - (401) …`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

function scrubber(secrets: readonly string[]): (text: string) => string {
  const parts = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    parts.add(secret);
    // A JWT's payload and signature segments identify it as much as the whole token does.
    for (const segment of secret.split(".").slice(1)) if (segment.length >= 16) parts.add(segment);
  }
  const list = [...parts].sort((a, b) => b.length - a.length);
  return (text) => list.reduce((out, secret) => out.split(secret).join("***"), text);
}

function hasSecret(cause: unknown, scrub: (text: string) => string): boolean {
  for (let current = cause, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
    if (scrub(current.message) !== current.message) return true;
  }
  return false;
}

/** A copy of the cause chain with scrubbed messages (stacks dropped: they repeat the message). */
function scrubCause(cause: unknown, scrub: (text: string) => string, depth = 0): unknown {
  if (!(cause instanceof Error) || depth >= 8) return typeof cause === "string" ? scrub(cause) : undefined;
  const copy = new Error(scrub(cause.message), { cause: scrubCause(cause.cause, scrub, depth + 1) });
  copy.name = cause.name;
  copy.stack = `${copy.name}: ${copy.message}`;
  if ("code" in cause && typeof cause.code === "string") Object.assign(copy, { code: cause.code });
  return copy;
}
