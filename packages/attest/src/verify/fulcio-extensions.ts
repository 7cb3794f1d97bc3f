/**
 * The Fulcio certificate extensions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md)
 * decoded into named fields. From 1.3.6.1.4.1.57264.1.8 on each value is a DER string; the
 * deprecated 1.1–1.6 hold raw bytes and serve only as a fallback for the issuer.
 */
import { decodeDerString } from "./der.js";

export const FULCIO_OID_PREFIX = "1.3.6.1.4.1.57264.1.";
export const OID_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";

/** Field name for each extension, in OID order. */
export const FULCIO_EXTENSIONS = {
  "1.3.6.1.4.1.57264.1.8": "issuer",
  "1.3.6.1.4.1.57264.1.9": "buildSignerUri",
  "1.3.6.1.4.1.57264.1.10": "buildSignerDigest",
  "1.3.6.1.4.1.57264.1.11": "runnerEnvironment",
  "1.3.6.1.4.1.57264.1.12": "sourceRepositoryUri",
  "1.3.6.1.4.1.57264.1.13": "sourceRepositoryDigest",
  "1.3.6.1.4.1.57264.1.14": "sourceRepositoryRef",
  "1.3.6.1.4.1.57264.1.15": "sourceRepositoryIdentifier",
  "1.3.6.1.4.1.57264.1.16": "sourceRepositoryOwnerUri",
  "1.3.6.1.4.1.57264.1.17": "sourceRepositoryOwnerIdentifier",
  "1.3.6.1.4.1.57264.1.18": "buildConfigUri",
  "1.3.6.1.4.1.57264.1.19": "buildConfigDigest",
  "1.3.6.1.4.1.57264.1.20": "buildTrigger",
  "1.3.6.1.4.1.57264.1.21": "runInvocationUri",
  "1.3.6.1.4.1.57264.1.22": "sourceRepositoryVisibilityAtSigning",
  "1.3.6.1.4.1.57264.1.23": "deploymentEnvironment",
} as const;

export type FulcioExtensionName = (typeof FULCIO_EXTENSIONS)[keyof typeof FULCIO_EXTENSIONS];

/** The OID of a named extension, for messages. */
export function oidOf(name: FulcioExtensionName): string {
  for (const [oid, field] of Object.entries(FULCIO_EXTENSIONS)) if (field === name) return oid;
  return "";
}

export type FulcioClaims = Partial<Record<FulcioExtensionName, string>> & {
  /** Fulcio extensions this table does not name (e.g. 1.3.6.1.4.1.57264.1.24), by OID. */
  other?: Record<string, string>;
};

function isNamed(oid: string): oid is keyof typeof FULCIO_EXTENSIONS {
  return Object.hasOwn(FULCIO_EXTENSIONS, oid);
}

/** Decodes the Fulcio extensions found among a certificate's extensions (OID -> extnValue). */
export function decodeFulcioExtensions(extensions: ReadonlyMap<string, Uint8Array>): FulcioClaims {
  const claims: FulcioClaims = {};
  const other: Record<string, string> = {};
  for (const [oid, value] of extensions) {
    if (!oid.startsWith(FULCIO_OID_PREFIX)) continue;
    if (isNamed(oid)) {
      const text = decodeDerString(value);
      if (text !== undefined) claims[FULCIO_EXTENSIONS[oid]] = text;
    } else if (Number(oid.slice(FULCIO_OID_PREFIX.length)) > 23) {
      const text = decodeDerString(value);
      if (text !== undefined) other[oid] = text;
    }
  }
  const legacyIssuer = extensions.get(OID_ISSUER_V1);
  if (claims.issuer === undefined && legacyIssuer !== undefined) claims.issuer = Buffer.from(legacyIssuer).toString("utf8");
  if (Object.keys(other).length > 0) claims.other = other;
  return claims;
}
