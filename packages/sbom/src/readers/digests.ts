/** Lockfile hash spellings (`sha256:hex`, base64 SRI-style digests) to the model's Hash. */
import type { Hash } from "../model.js";

const HEX_LENGTH: Record<Hash["alg"], number> = { MD5: 32, "SHA-1": 40, "SHA-256": 64, "SHA-384": 96, "SHA-512": 128 };

const ALG_NAMES = new Map<string, Hash["alg"]>([
  ["md5", "MD5"],
  ["sha1", "SHA-1"],
  ["sha256", "SHA-256"],
  ["sha384", "SHA-384"],
  ["sha512", "SHA-512"],
]);

/** A Hash when `hex` is a hex digest of the algorithm's length; undefined otherwise. */
export function hashOfHex(alg: Hash["alg"], hex: string): Hash | undefined {
  const content = hex.trim().toLowerCase();
  return content.length === HEX_LENGTH[alg] && /^[0-9a-f]+$/.test(content) ? { alg, content } : undefined;
}

/** `sha256:abc…` / `sha256=abc…` (pip, poetry, uv, Pipfile, Bundler) to a Hash; undefined when not one. */
export function hashOfPrefixed(value: string): Hash | undefined {
  const match = /^([a-z0-9]+)[:=]([0-9a-fA-F]+)$/.exec(value.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const alg = ALG_NAMES.get(match[1].toLowerCase());
  return alg ? hashOfHex(alg, match[2]) : undefined;
}

/** A base64 digest (NuGet contentHash) to a Hash of the algorithm whose length it has. */
export function hashOfBase64(alg: Hash["alg"], base64: string): Hash | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64.trim())) return undefined;
  return hashOfHex(alg, Buffer.from(base64.trim(), "base64").toString("hex"));
}
