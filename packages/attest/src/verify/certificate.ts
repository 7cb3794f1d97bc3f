/**
 * Reads a signing certificate: validity, subject alternative names and the Fulcio extensions.
 * The key comes from node:crypto; the parts node does not expose are read with der.ts.
 */
import { createHash, X509Certificate, type KeyObject } from "node:crypto";
import { PeptideError } from "@peptide/core";
import { children, decodeOid, decodeTime, readTlv, TAG, type Tlv } from "./der.js";
import { decodeFulcioExtensions, type FulcioClaims } from "./fulcio-extensions.js";

const OID_SUBJECT_ALT_NAME = "2.5.29.17";

export interface SigningCertificate {
  der: Uint8Array;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** Every SAN value in order (URI, email, DNS name or Fulcio's OtherName username). */
  subjectAlternativeNames: string[];
  /** extnID -> extnValue content, for every extension. */
  extensions: ReadonlyMap<string, Uint8Array>;
  claims: FulcioClaims;
  /** sha256 of the DER, lower-case hex. */
  fingerprint: string;
}

function invalid(what: string, cause?: unknown): PeptideError<"CERTIFICATE_INVALID"> {
  return new PeptideError("CERTIFICATE_INVALID", `signing certificate cannot be read: ${what}`, { cause });
}

/** Parses a DER certificate. Throws PeptideError CERTIFICATE_INVALID when it is not one. */
export function readSigningCertificate(der: Uint8Array): SigningCertificate {
  let publicKey: KeyObject;
  try {
    publicKey = new X509Certificate(der).publicKey;
  } catch (cause) {
    throw invalid("not an x.509 certificate", cause);
  }
  try {
    const certificate = readTlv(der);
    const [tbs] = children(der, certificate);
    if (!tbs || tbs.tag !== TAG.sequence) throw invalid("no tbsCertificate");
    const fields = children(der, tbs);
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
    const validity = fields[offset + 3];
    if (!validity || validity.tag !== TAG.sequence) throw invalid("no validity");
    const [notBefore, notAfter] = children(der, validity);
    if (!notBefore || !notAfter) throw invalid("incomplete validity");
    const extensions = readExtensions(der, fields.find((field) => field.tag === 0xa3));
    const sanValue = extensions.get(OID_SUBJECT_ALT_NAME);
    return {
      der,
      publicKey,
      notBefore: decodeTime(notBefore),
      notAfter: decodeTime(notAfter),
      subjectAlternativeNames: sanValue ? readGeneralNames(sanValue) : [],
      extensions,
      claims: decodeFulcioExtensions(extensions),
      fingerprint: createHash("sha256").update(der).digest("hex"),
    };
  } catch (cause) {
    if (cause instanceof PeptideError && cause.code === "CERTIFICATE_INVALID") throw cause;
    throw invalid(cause instanceof Error ? cause.message : String(cause), cause);
  }
}

function readExtensions(der: Uint8Array, wrapper: Tlv | undefined): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  if (!wrapper) return out;
  const [list] = children(der, wrapper);
  if (!list) return out;
  for (const extension of children(der, list)) {
    const parts = children(der, extension);
    const id = parts[0];
    const value = parts[parts.length - 1];
    if (!id || id.tag !== TAG.oid || !value || value.tag !== TAG.octetString) throw invalid("malformed extension");
    out.set(decodeOid(id.value), value.value);
  }
  return out;
}

/** GeneralNames: rfc822Name [1], dNSName [2], URI [6] and OtherName [0] with a UTF8String value. */
function readGeneralNames(value: Uint8Array): string[] {
  const names: string[] = [];
  const sequence = readTlv(value);
  for (const name of children(value, sequence)) {
    switch (name.tag) {
      case 0x81:
      case 0x82:
      case 0x86:
        names.push(Buffer.from(name.value).toString("utf8"));
        break;
      case 0xa0: {
        const [, explicit] = children(value, name);
        const inner = explicit ? children(value, explicit)[0] : undefined;
        if (inner?.tag === TAG.utf8String) names.push(Buffer.from(inner.value).toString("utf8"));
        break;
      }
      default:
        break;
    }
  }
  return names;
}
