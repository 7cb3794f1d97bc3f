import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { DigestVerifier, digestOf, isDigest, parseDigest, verifyBytes } from "@peptide/oci";

const content = Buffer.from("hello layer");
const digest = digestOf(content);

async function drain(source: Readable, verifier: DigestVerifier): Promise<number> {
  let n = 0;
  await pipeline(source, verifier, new Writable({ write: (chunk: Buffer, _e, cb) => ((n += chunk.length), cb()) }));
  return n;
}

describe("digests", () => {
  it("parses sha256 and sha512 and refuses anything else", () => {
    expect(parseDigest(digest)).toEqual({ algorithm: "sha256", hex: digest.slice(7) });
    expect(isDigest(digestOf(content, "sha512"))).toBe(true);
    for (const bad of ["sha256:ABC", `sha256:${"A".repeat(64)}`, `md5:${"a".repeat(32)}`, "sha256", `sha256:${"a".repeat(63)}`]) {
      expect(() => parseDigest(bad)).toThrow(expect.objectContaining({ code: "DIGEST_INVALID" }));
    }
  });

  it("verifies bytes", () => {
    expect(() => verifyBytes(content, digest, "x")).not.toThrow();
    expect(() => verifyBytes(Buffer.from("tampered"), digest, "blob x")).toThrow(/blob x: content has digest sha256:[0-9a-f]{64}, expected/);
  });

  it("passes a stream through when digest and size match", async () => {
    expect(await drain(Readable.from([content.subarray(0, 3), content.subarray(3)]), new DigestVerifier(digest, { size: content.length, what: "blob" }))).toBe(content.length);
  });

  it("errors on a different digest, a truncated stream and an overlong one", async () => {
    await expect(drain(Readable.from([Buffer.from("hello LAYER")]), new DigestVerifier(digest, { what: "blob b" }))).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    await expect(drain(Readable.from([content.subarray(0, 4)]), new DigestVerifier(digest, { size: content.length, what: "blob b" }))).rejects.toMatchObject({ code: "SIZE_MISMATCH", message: expect.stringMatching(/truncated/) });
    await expect(drain(Readable.from([content, content]), new DigestVerifier(digest, { size: content.length, what: "blob b" }))).rejects.toMatchObject({ code: "SIZE_MISMATCH" });
  });
});
