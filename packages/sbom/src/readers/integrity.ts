/**
 * Subresource-integrity strings (npm `integrity`, yarn v1 `integrity`, pnpm `resolution.integrity`):
 * `sha512-<base64>` (several may be space-separated) to the model's lower-case hex Hash.
 */
import type { Hash } from "../model.js";

const SRI_ALGS: ReadonlyMap<string, { alg: Hash["alg"]; bytes: number }> = new Map([
  ["sha512", { alg: "SHA-512", bytes: 64 }],
  ["sha384", { alg: "SHA-384", bytes: 48 }],
  ["sha256", { alg: "SHA-256", bytes: 32 }],
  ["sha1", { alg: "SHA-1", bytes: 20 }],
]);

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Every well-formed digest in an SRI string; malformed or unknown ones are skipped. */
export function hashesFromIntegrity(integrity: string | undefined): Hash[] {
  if (integrity === undefined || integrity.length > 4096) return [];
  const hashes: Hash[] = [];
  for (const token of integrity.split(/\s+/)) {
    const dash = token.indexOf("-");
    if (dash <= 0) continue;
    const known = SRI_ALGS.get(token.slice(0, dash).toLowerCase());
    // An SRI digest may carry `?options` after the base64.
    const base64 = token.slice(dash + 1).split("?")[0] ?? "";
    if (!known || !BASE64.test(base64)) continue;
    const bytes = Buffer.from(base64, "base64");
    if (bytes.length !== known.bytes) continue;
    const content = bytes.toString("hex");
    if (!hashes.some((h) => h.alg === known.alg && h.content === content)) hashes.push({ alg: known.alg, content });
  }
  return hashes;
}

/** A hex sha1 in a URL fragment (yarn v1 `resolved "…tgz#<sha1>"`), when no integrity is given. */
export function hashFromUrlFragment(url: string | undefined): Hash | undefined {
  const fragment = url?.split("#")[1];
  return fragment !== undefined && /^[0-9a-f]{40}$/i.test(fragment) ? { alg: "SHA-1", content: fragment.toLowerCase() } : undefined;
}
