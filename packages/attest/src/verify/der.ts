/**
 * A minimal DER reader: just enough ASN.1 to walk an X.509 certificate to its extensions,
 * validity and subject alternative names. Definite lengths only (DER forbids the rest).
 */
import { PeptideError } from "@peptide/core";

export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number; low tag numbers only). */
  tag: number;
  /** Offset of the first content byte in the buffer. */
  start: number;
  /** Offset one past the last content byte. */
  end: number;
  /** The content bytes. */
  value: Uint8Array;
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
} as const;

function malformed(what: string): PeptideError<"DER_MALFORMED"> {
  return new PeptideError("DER_MALFORMED", `malformed der: ${what}`);
}

/** Reads the element starting at `offset` of `bytes`, bounded by `limit`. */
export function readTlv(bytes: Uint8Array, offset = 0, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw malformed(`truncated element at byte ${offset}`);
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw malformed(`high tag number at byte ${offset}`);
  let length = bytes[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw malformed(`unsupported length form at byte ${offset}`);
    if (start + count > limit) throw malformed(`truncated length at byte ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] as number);
    start += count;
  }
  const end = start + length;
  if (end > limit) throw malformed(`element at byte ${offset} runs past its container`);
  return { tag, start, end, value: bytes.subarray(start, end) };
}

/** The elements inside a constructed element, in order. */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let offset = parent.start;
  while (offset < parent.end) {
    const child = readTlv(bytes, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** Decodes an OBJECT IDENTIFIER's content bytes to dotted form. */
export function decodeOid(value: Uint8Array): string {
  const arcs: number[] = [];
  let current = 0;
  for (const byte of value) {
    current = current * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = current < 80 ? Math.floor(current / 40) : 2;
        arcs.push(first, current - first * 40);
      } else {
        arcs.push(current);
      }
      current = 0;
    }
  }
  return arcs.join(".");
}

/** Decodes a UTCTime or GeneralizedTime (the `Z` forms X.509 requires). */
export function decodeTime(element: Tlv): Date {
  const text = Buffer.from(element.value).toString("latin1");
  const utc = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const generalized = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  let parts: string[];
  if (element.tag === TAG.utcTime && utc) {
    const yy = Number(utc[1]);
    parts = [String(yy >= 50 ? 1900 + yy : 2000 + yy), ...utc.slice(2)];
  } else if (element.tag === TAG.generalizedTime && generalized) {
    parts = generalized.slice(1);
  } else {
    throw malformed(`unsupported time "${text}"`);
  }
  const [y, mo, d, h, mi, s] = parts.map(Number) as [number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

const STRING_TAGS: ReadonlySet<number> = new Set([TAG.utf8String, TAG.printableString, TAG.ia5String]);

/** The text of a DER string element (UTF8String, PrintableString, IA5String), else undefined. */
export function decodeDerString(bytes: Uint8Array): string | undefined {
  try {
    const element = readTlv(bytes);
    if (!STRING_TAGS.has(element.tag) || element.end !== bytes.length) return undefined;
    return Buffer.from(element.value).toString("utf8");
  } catch {
    return undefined;
  }
}
