/**
 * Content digests (`sha256:<hex>`): parsing, hashing bytes, and verifying a stream as it flows,
 * so a blob is checked without being held in memory. A verifying stream errors, instead of
 * ending, when the content is longer or shorter than declared or hashes to another digest.
 * https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#digests
 */
import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { OciError } from "./errors.js";

export type DigestAlgorithm = "sha256" | "sha512";

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** Parses `sha256:<64 hex>` or `sha512:<128 hex>` (lower case). Throws DIGEST_INVALID otherwise. */
export function parseDigest(digest: string): ParsedDigest {
  const colon = digest.indexOf(":");
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (colon < 0 || (algorithm !== "sha256" && algorithm !== "sha512")) {
    throw new OciError("DIGEST_INVALID", `${JSON.stringify(shorten(digest))} is not a digest; expected sha256:<64 hex digits>`);
  }
  if (hex.length !== HEX_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(hex)) {
    throw new OciError("DIGEST_INVALID", `${JSON.stringify(shorten(digest))} is not a valid ${algorithm} digest; expected ${HEX_LENGTH[algorithm]} lower-case hex digits`);
  }
  return { algorithm, hex };
}

export function isDigest(value: string): boolean {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

/** `sha256:<hex>` of the bytes (or the algorithm asked for). */
export function digestOf(bytes: Uint8Array | string, algorithm: DigestAlgorithm = "sha256"): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/** Throws DIGEST_MISMATCH when `bytes` do not hash to `expected`. `what` names the content in the message. */
export function verifyBytes(bytes: Uint8Array, expected: string, what: string): void {
  const { algorithm } = parseDigest(expected);
  const actual = digestOf(bytes, algorithm);
  if (actual !== expected) throw mismatch(what, expected, actual);
}

export interface VerifyOptions {
  /** Bytes the content must have, when known (a descriptor's `size`). */
  size?: number;
  /** Names the content in messages: `blob sha256:… of registry/repo`. */
  what: string;
}

/**
 * A pass-through stream that hashes what flows through it and errors at the end if the digest
 * (or the length, when given) differs; a stream longer than `size` errors as soon as it is.
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash;
  private readonly algorithm: DigestAlgorithm;
  private bytes = 0;

  constructor(
    readonly expected: string,
    private readonly options: VerifyOptions,
  ) {
    super();
    this.algorithm = parseDigest(expected).algorithm;
    this.hash = createHash(this.algorithm);
  }

  /** Bytes seen so far. */
  get bytesSeen(): number {
    return this.bytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const size = this.options.size;
    if (size !== undefined && this.bytes > size) {
      callback(new OciError("SIZE_MISMATCH", `${this.options.what}: more than the ${size} bytes its descriptor declares`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const size = this.options.size;
    if (size !== undefined && this.bytes !== size) {
      callback(new OciError("SIZE_MISMATCH", `${this.options.what}: ${this.bytes} bytes, its descriptor declares ${size}; the content is truncated`));
      return;
    }
    const actual = `${this.algorithm}:${this.hash.digest("hex")}`;
    callback(actual === this.expected ? null : mismatch(this.options.what, this.expected, actual));
  }
}

function mismatch(what: string, expected: string, actual: string): OciError {
  return new OciError("DIGEST_MISMATCH", `${what}: content has digest ${actual}, expected ${expected}; refusing tampered or corrupt content`);
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
