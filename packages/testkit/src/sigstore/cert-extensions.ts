/**
 * An independent reader for the parts of a Fulcio certificate tests assert on (SAN URI and the
 * 1.3.6.1.4.1.57264.1.* extensions), with its own small DER walker: it does not share code with
 * sigstore-js, so a test using it checks the bytes, not the library's reading of them.
 */

interface TLV {
  tag: number;
  /** Start of the value. */
  start: number;
  /** End of the value (exclusive). */
  end: number;
}

function readTLV(der: Uint8Array, offset: number): TLV {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) throw new Error(`truncated DER at ${offset}`);
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? 0);
    start += count;
  }
  if (start + length > der.length) throw new Error(`DER length overruns the buffer at ${offset}`);
  return { tag, start, end: start + length };
}

function children(der: Uint8Array, parent: TLV): TLV[] {
  const out: TLV[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = readTLV(der, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

function decodeOID(bytes: Uint8Array): string {
  const first = bytes[0] ?? 0;
  const parts = [Math.floor(first / 40), first % 40];
  let value = 0;
  for (let i = 1; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

export interface CertificateExtension {
  oid: string;
  critical: boolean;
  /** The extnValue bytes (inside the OCTET STRING). */
  value: Uint8Array;
}

/** Every extension of a DER certificate, in order. */
export function certificateExtensions(certDER: Uint8Array): CertificateExtension[] {
  const cert = readTLV(certDER, 0);
  const tbs = children(certDER, cert)[0];
  if (!tbs) throw new Error("certificate has no tbsCertificate");
  const wrapper = children(certDER, tbs).find((node) => node.tag === 0xa3);
  if (!wrapper) return [];
  const list = children(certDER, wrapper)[0];
  if (!list) return [];
  return children(certDER, list).map((ext) => {
    const parts = children(certDER, ext);
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (!oid || !value) throw new Error("malformed extension");
    const critical = parts.length === 3 && certDER[(parts[1]?.start ?? 0)] === 0xff;
    return { oid: decodeOID(certDER.subarray(oid.start, oid.end)), critical, value: certDER.subarray(value.start, value.end) };
  });
}

/**
 * Fulcio's extensions as strings, by OID: `.1`–`.6` are raw bytes, `.8` and up a DER
 * UTF8String (tag 0x0c) whose content is returned; anything else is left out.
 */
export function fulcioExtensions(certDER: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ext of certificateExtensions(certDER)) {
    if (!ext.oid.startsWith("1.3.6.1.4.1.57264.1.")) continue;
    const arc = Number(ext.oid.split(".").pop());
    if (arc <= 6) {
      out[ext.oid] = Buffer.from(ext.value).toString("utf8");
    } else {
      const inner = readTLV(ext.value, 0);
      if (inner.tag !== 0x0c) throw new Error(`${ext.oid} is not a DER UTF8String (tag 0x${inner.tag.toString(16)})`);
      out[ext.oid] = Buffer.from(ext.value.subarray(inner.start, inner.end)).toString("utf8");
    }
  }
  return out;
}

/** URI entries of the SubjectAltName extension (2.5.29.17). */
export function subjectAltNameURIs(certDER: Uint8Array): string[] {
  const san = certificateExtensions(certDER).find((ext) => ext.oid === "2.5.29.17");
  if (!san) return [];
  const seq = readTLV(san.value, 0);
  return children(san.value, seq)
    .filter((name) => name.tag === 0x86)
    .map((name) => Buffer.from(san.value.subarray(name.start, name.end)).toString("utf8"));
}
