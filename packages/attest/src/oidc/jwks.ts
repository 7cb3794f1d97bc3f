import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { errorMessage, fetchWithRetry, type RetryOptions } from "@peptide/core";
import { OidcError } from "./errors.js";

/** A JSON Web Key Set as an issuer publishes it at its `jwks_uri`. */
export interface JsonWebKeySet {
  keys: JsonWebKey[];
}

export interface FetchKeysOptions {
  /** The fetch to use; the global one by default (tests pass their own or none). */
  fetch?: typeof globalThis.fetch;
  retry?: Omit<RetryOptions, "fetch">;
}

const DISCOVERY_PATH = "/.well-known/openid-configuration";

/**
 * The issuer's signing keys: `<issuer>/.well-known/openid-configuration`, then its `jwks_uri`.
 * The discovery document must name the same issuer (OpenID Connect Discovery 1.0, §4.3), and the
 * keys must come over https (plain http only when the issuer itself is on loopback, for tests).
 * Keys are fetched from the issuer the caller expects, never from a URL the token names.
 */
export async function fetchIssuerKeys(issuer: string, options: FetchKeysOptions = {}): Promise<JsonWebKeySet> {
  const base = issuer.replace(/\/+$/, "");
  const config = await getJson(`${base}${DISCOVERY_PATH}`, options, "discovery document");
  const named = typeof config.issuer === "string" ? config.issuer.replace(/\/+$/, "") : undefined;
  if (named !== base) {
    throw new OidcError("JWKS_INVALID", `${base}${DISCOVERY_PATH}: names issuer ${String(config.issuer)}, expected ${base}`);
  }
  if (typeof config.jwks_uri !== "string") throw new OidcError("JWKS_INVALID", `${base}${DISCOVERY_PATH}: no jwks_uri`);
  const jwksUri = parseUrl(config.jwks_uri, `${base}${DISCOVERY_PATH}: jwks_uri`);
  if (jwksUri.protocol !== "https:" && !(jwksUri.protocol === "http:" && isLoopback(jwksUri) && isLoopback(parseUrl(base, "issuer")))) {
    throw new OidcError("JWKS_INVALID", `${base}${DISCOVERY_PATH}: jwks_uri ${jwksUri.origin} is not https`);
  }
  const set = await getJson(jwksUri.href, options, "key set");
  if (!Array.isArray(set.keys)) throw new OidcError("JWKS_INVALID", `${jwksUri.origin}${jwksUri.pathname}: no "keys" array`);
  const keys = set.keys.filter((key): key is JsonWebKey => typeof key === "object" && key !== null && !Array.isArray(key));
  return { keys };
}

export type SigningAlgorithm = "ES256" | "RS256";

/**
 * The public keys that may have signed a token with this header: the key named by `kid` when the
 * header has one, else every key of the algorithm's type. A key declaring another `alg` or a
 * `use` other than `sig` is never used.
 */
export function candidateKeys(set: JsonWebKeySet, alg: SigningAlgorithm, kid: string | undefined): KeyObject[] {
  const fits = set.keys.filter((key) => {
    if (key.use !== undefined && key.use !== "sig") return false;
    if (key.alg !== undefined && key.alg !== alg) return false;
    if (alg === "ES256" ? key.kty !== "EC" || key.crv !== "P-256" : key.kty !== "RSA") return false;
    return kid === undefined || key.kid === kid;
  });
  const out: KeyObject[] = [];
  for (const jwk of fits) {
    try {
      out.push(createPublicKey({ key: publicPart(jwk), format: "jwk" }));
    } catch {
      // An unusable key is skipped; if none remains the caller reports it.
    }
  }
  return out;
}

/** Only the public members: a JWK with `d` (a private key) must not be imported as one. */
function publicPart(jwk: JsonWebKey): JsonWebKey {
  return jwk.kty === "EC" ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, n: jwk.n, e: jwk.e };
}

async function getJson(url: string, options: FetchKeysOptions, what: string): Promise<Record<string, unknown>> {
  const response = await fetchWithRetry(url, { headers: { accept: "application/json" } }, { ...options.retry, fetch: options.fetch }).catch((cause: unknown) => {
    throw new OidcError("JWKS_INVALID", `the issuer's ${what} cannot be fetched: ${errorMessage(cause)}`, { cause });
  });
  const text = await response.text();
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new OidcError("JWKS_INVALID", `${displayUrl(url)}: the ${what} is not a JSON object`);
}

function parseUrl(text: string, what: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new OidcError("JWKS_INVALID", `${what} is not a URL: ${text.slice(0, 100)}`);
  }
}

function isLoopback(url: URL): boolean {
  return url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
}

function displayUrl(url: string): string {
  return url.replace(/[?#].*$/, "");
}
