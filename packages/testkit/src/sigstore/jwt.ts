/**
 * ES256 JSON Web Tokens with node:crypto only: what the GitHub Actions OIDC issuer signs and
 * what the stand-in Fulcio checks. No algorithm negotiation: `alg` must be ES256.
 */
import { createPublicKey, sign, verify, type KeyObject, type JsonWebKey } from "node:crypto";

export type JwtClaims = Record<string, unknown>;

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

export function signJwt(claims: JwtClaims, privateKey: KeyObject, kid: string): string {
  const header = base64url(JSON.stringify({ typ: "JWT", alg: "ES256", kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), { key: privateKey, dsaEncoding: "ieee-p1363" });
  return `${header}.${payload}.${base64url(signature)}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error("token is not a compact JWS (three dot-separated parts)");
  const [h, p, s] = parts as [string, string, string];
  const header: unknown = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
  const claims: unknown = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  if (!isRecord(header) || !isRecord(claims)) throw new Error("token header or payload is not a JSON object");
  return { header, claims, signingInput: `${h}.${p}`, signature: Buffer.from(s, "base64url") };
}

/** Checks the ES256 signature against a JWK set; returns the claims. Does not check time claims. */
export function verifyJwtSignature(token: string, jwks: readonly JsonWebKey[]): JwtClaims {
  const decoded = decodeJwt(token);
  if (decoded.header["alg"] !== "ES256") throw new Error(`unsupported token algorithm ${String(decoded.header["alg"])}`);
  const kid = decoded.header["kid"];
  const jwk = jwks.find((key) => key["kid"] === kid);
  if (!jwk) throw new Error(`no key ${String(kid)} in the issuer's JWKS`);
  const key = createPublicKey({ key: jwk, format: "jwk" });
  const ok = verify("sha256", Buffer.from(decoded.signingInput), { key, dsaEncoding: "ieee-p1363" }, decoded.signature);
  if (!ok) throw new Error("token signature does not verify against the issuer's JWKS");
  return decoded.claims;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
