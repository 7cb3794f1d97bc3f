import { OidcError } from "./errors.js";

/** A compact JWS split and decoded, not yet verified. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `base64url(header).base64url(payload)`: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Splits and decodes a token. Errors describe the shape, never echo the token. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.trim().split(".");
  if (parts.length !== 3) throw new OidcError("TOKEN_MALFORMED", `the identity token has ${parts.length} part(s), expected 3 (header.payload.signature)`);
  const [header = "", payload = "", signature = ""] = parts;
  if (![header, payload, signature].every((part) => BASE64URL.test(part))) {
    throw new OidcError("TOKEN_MALFORMED", "the identity token is not base64url-encoded");
  }
  return {
    header: jsonPart(header, "header"),
    payload: jsonPart(payload, "payload"),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, "base64url"),
  };
}

function jsonPart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    throw new OidcError("TOKEN_MALFORMED", `the identity token's ${what} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OidcError("TOKEN_MALFORMED", `the identity token's ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}
