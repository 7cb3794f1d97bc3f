import { PeptideError } from "@peptide/core";

export type OidcErrorCode =
  /** No token to read: the job lacks `id-token: write`, or the request endpoint failed. */
  | "TOKEN_UNAVAILABLE"
  /** Not three base64url parts of JSON. */
  | "TOKEN_MALFORMED"
  /** `alg` other than ES256 or RS256 (`none` and HMAC included). */
  | "TOKEN_ALGORITHM"
  | "TOKEN_SIGNATURE"
  | "TOKEN_ISSUER"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "TOKEN_AUDIENCE"
  /** A claim the provenance needs is missing or not a string. */
  | "TOKEN_CLAIMS"
  /** The issuer's discovery document or key set is unusable, or has no key for the token. */
  | "JWKS_INVALID";

/** Every message names the problem and never the token. */
export class OidcError extends PeptideError<OidcErrorCode> {
  constructor(code: OidcErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = "OidcError";
  }
}
