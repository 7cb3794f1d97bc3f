import { verify as verifySignature, type KeyObject } from "node:crypto";
import { OidcError } from "./errors.js";
import { issuerMatches } from "./issuer.js";
import { candidateKeys, fetchIssuerKeys, type FetchKeysOptions, type JsonWebKeySet, type SigningAlgorithm } from "./jwks.js";
import { decodeJwt } from "./jwt.js";

export interface VerifyTokenOptions extends FetchKeysOptions {
  /** The issuer the token must come from; its keys are fetched from this URL. */
  issuer: string;
  /** The token's `aud` must hold one of these. */
  audience: string | readonly string[];
  /** The issuer's keys, when already known: no discovery is fetched. */
  keys?: JsonWebKeySet;
  /** Default: the clock now. */
  now?: Date;
  /** Allowed clock skew for exp, nbf and iat. Default 60 s. */
  clockToleranceSeconds?: number;
}

const ALGORITHMS = new Set<string>(["ES256", "RS256"]);

/**
 * The claims of an identity token whose signature, issuer, validity period and audience check
 * out; throws an OidcError saying which did not. Order: shape, algorithm, issuer (before any
 * fetch, so a foreign token never makes us fetch anything), signature, time, audience.
 */
export async function verifyIdToken(token: string, options: VerifyTokenOptions): Promise<Record<string, unknown>> {
  const jwt = decodeJwt(token);
  const alg = jwt.header.alg;
  if (typeof alg !== "string" || !ALGORITHMS.has(alg)) {
    throw new OidcError("TOKEN_ALGORITHM", `the identity token is signed with ${typeof alg === "string" ? alg : "no algorithm"}; only ES256 and RS256 are accepted`);
  }
  const iss = jwt.payload.iss;
  if (typeof iss !== "string" || !issuerMatches(iss, options.issuer)) {
    throw new OidcError("TOKEN_ISSUER", `the identity token was issued by ${typeof iss === "string" ? iss : "no issuer"}, expected ${options.issuer}`);
  }
  const kid = typeof jwt.header.kid === "string" ? jwt.header.kid : undefined;
  const keys = candidateKeys(options.keys ?? (await fetchIssuerKeys(options.issuer, options)), alg as SigningAlgorithm, kid);
  if (keys.length === 0) {
    throw new OidcError("JWKS_INVALID", `${options.issuer} publishes no ${alg} key${kid === undefined ? "" : ` with kid ${kid}`} for the identity token`);
  }
  if (!keys.some((key) => signatureValid(alg as SigningAlgorithm, key, jwt.signingInput, jwt.signature))) {
    throw new OidcError("TOKEN_SIGNATURE", `the identity token's signature does not verify against the keys of ${options.issuer}`);
  }
  checkTime(jwt.payload, options.now ?? new Date(), options.clockToleranceSeconds ?? 60);
  checkAudience(jwt.payload.aud, typeof options.audience === "string" ? [options.audience] : options.audience);
  return jwt.payload;
}

function signatureValid(alg: SigningAlgorithm, key: KeyObject, signingInput: string, signature: Buffer): boolean {
  const data = Buffer.from(signingInput, "ascii");
  try {
    // JWS ES256 signatures are r || s, 32 bytes each (RFC 7518 §3.4), not DER.
    if (alg === "ES256") return signature.length === 64 && verifySignature("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature);
    return verifySignature("sha256", data, key, signature);
  } catch {
    return false;
  }
}

function checkTime(payload: Record<string, unknown>, now: Date, tolerance: number): void {
  const seconds = now.getTime() / 1000;
  const { exp, nbf, iat } = payload;
  if (typeof exp !== "number") throw new OidcError("TOKEN_CLAIMS", "the identity token has no numeric exp claim");
  if (seconds > exp + tolerance) throw new OidcError("TOKEN_EXPIRED", `the identity token expired at ${isoOf(exp)} (now ${now.toISOString()}); request a fresh one`);
  if (typeof nbf === "number" && seconds + tolerance < nbf) {
    throw new OidcError("TOKEN_NOT_YET_VALID", `the identity token is not valid before ${isoOf(nbf)} (now ${now.toISOString()}); check the clock`);
  }
  if (typeof iat === "number" && seconds + tolerance < iat) {
    throw new OidcError("TOKEN_NOT_YET_VALID", `the identity token was issued in the future, at ${isoOf(iat)} (now ${now.toISOString()}); check the clock`);
  }
}

function checkAudience(aud: unknown, expected: readonly string[]): void {
  const got = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === "string") : [];
  if (!got.some((a) => expected.includes(a))) {
    throw new OidcError("TOKEN_AUDIENCE", `the identity token is for audience ${got.length > 0 ? got.join(", ") : "(none)"}, expected ${expected.join(" or ")}`);
  }
}

function isoOf(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}
