/**
 * The stand-in's trust material as a Sigstore TrustedRoot (protobuf-specs
 * `dev.sigstore.trustroot.v1.TrustedRoot`, JSON form). @sigstore/mock's trust-root helpers are
 * not exported, so this builds the JSON: CA chain, Rekor key (baseUrl with host:port, which the
 * checkpoint origin must match), CT log key, TSA chain (signing certificate, then root).
 */
import { createHash } from "node:crypto";

export const TRUSTED_ROOT_MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

/** A type alias (not an interface), so it is assignable to `Record<string, unknown>`. */
export type TrustedRootJSON = {
  mediaType: string;
  tlogs: TransparencyLogInstanceJSON[];
  certificateAuthorities: CertificateAuthorityJSON[];
  ctlogs: TransparencyLogInstanceJSON[];
  timestampAuthorities: CertificateAuthorityJSON[];
};

export type TransparencyLogInstanceJSON = {
  baseUrl: string;
  hashAlgorithm: "SHA2_256";
  publicKey: { rawBytes: string; keyDetails: "PKIX_ECDSA_P256_SHA_256"; validFor: { start: string } };
  logId: { keyId: string };
};

export type CertificateAuthorityJSON = {
  subject: { organization: string; commonName: string };
  uri: string;
  certChain: { certificates: Array<{ rawBytes: string }> };
  validFor: { start: string };
};

export interface TrustedRootParts {
  validFrom: Date;
  fulcioURL: string;
  caRoot: Uint8Array;
  rekorURL: string;
  rekorKey: Uint8Array;
  ctURL: string;
  ctKey: Uint8Array;
  ctLogID: Uint8Array;
  tsaURL: string;
  /** Signing certificate first, root last. */
  tsaChain: Uint8Array[];
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

export function buildTrustedRoot(parts: TrustedRootParts): TrustedRootJSON {
  const start = parts.validFrom.toISOString();
  const logKey = (key: Uint8Array) => ({ rawBytes: b64(key), keyDetails: "PKIX_ECDSA_P256_SHA_256" as const, validFor: { start } });
  return {
    mediaType: TRUSTED_ROOT_MEDIA_TYPE,
    tlogs: [
      {
        baseUrl: parts.rekorURL,
        hashAlgorithm: "SHA2_256",
        publicKey: logKey(parts.rekorKey),
        logId: { keyId: createHash("sha256").update(parts.rekorKey).digest("base64") },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: "sigstore.mock", commonName: "sigstore" },
        uri: parts.fulcioURL,
        certChain: { certificates: [{ rawBytes: b64(parts.caRoot) }] },
        validFor: { start },
      },
    ],
    ctlogs: [
      {
        baseUrl: parts.ctURL,
        hashAlgorithm: "SHA2_256",
        publicKey: logKey(parts.ctKey),
        logId: { keyId: b64(parts.ctLogID) },
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: "sigstore.mock", commonName: "tsa" },
        uri: parts.tsaURL,
        certChain: { certificates: parts.tsaChain.map((der) => ({ rawBytes: b64(der) })) },
        validFor: { start },
      },
    ],
  };
}
