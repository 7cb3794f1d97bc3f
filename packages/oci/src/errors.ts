import { PeptideError } from "@peptide/core";

/**
 * What can go wrong talking to a registry or an OCI layout. HTTP-level failures that outlast
 * the retries keep the codes of `HttpError` from @peptide/core (NETWORK_UNREACHABLE,
 * RATE_LIMITED, HTTP_ERROR); these are the OCI-level ones.
 */
export type OciErrorCode =
  /** A reference (`host/repo:tag@sha256:…`) that does not parse. */
  | "REFERENCE_INVALID"
  /** A digest string that is not `sha256:<64 hex>` / `sha512:<128 hex>`. */
  | "DIGEST_INVALID"
  /** Content whose digest is not the one asked for or declared. */
  | "DIGEST_MISMATCH"
  /** Content longer or shorter than its descriptor says. */
  | "SIZE_MISMATCH"
  /** A manifest or index that is not valid JSON of the expected shape, or too large. */
  | "MANIFEST_INVALID"
  /** The tag or digest is not in the repository or layout. */
  | "MANIFEST_UNKNOWN"
  /** The blob is not in the repository or layout. */
  | "BLOB_UNKNOWN"
  /** The directory is not an OCI image layout, or its index.json is broken. */
  | "LAYOUT_INVALID"
  /** A request Peptide refuses to make: link-local/metadata address, plain HTTP to a remote host. */
  | "HOST_REFUSED"
  /** The registry refused the credentials, or asked for credentials none were found for. */
  | "AUTH_FAILED"
  /** A credential helper failed or the docker config is unreadable. */
  | "CREDENTIALS_UNAVAILABLE"
  /** A media type, digest algorithm or auth scheme this client does not handle. */
  | "UNSUPPORTED"
  /** The registry answered something the Distribution API does not allow. */
  | "REGISTRY_ERROR"
  /** A copy would move an existing tag to another digest (tags are immutable unless overwriting is allowed). */
  | "TAG_IMMUTABLE";

export class OciError extends PeptideError<OciErrorCode> {
  constructor(code: OciErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = "OciError";
  }
}
