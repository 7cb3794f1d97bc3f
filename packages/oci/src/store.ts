/**
 * One interface for where images live: a registry repository (registry.ts) or an OCI image
 * layout directory (layout.ts). Everything that reads or copies images (the SBOM, promotion,
 * the demo's embedded store) is written against it. Reads are verified against their digest as
 * they stream; writes are checked against the digest they claim.
 */
import type { Readable } from "node:stream";
import { OciError } from "./errors.js";
import type { Descriptor } from "./manifest.js";

export interface ManifestContent {
  /** Media type, digest and size of `bytes`. */
  descriptor: Descriptor;
  /** The manifest exactly as stored; its digest has been verified. */
  bytes: Uint8Array;
}

/** A blob to read: its digest, and its size when a descriptor gives it (checked as it streams). */
export interface BlobRef {
  digest: string;
  size?: number;
}

/** Content to upload: bytes, or a factory of fresh streams (called again for each attempt). */
export type BlobSource = Uint8Array | (() => Readable);

export interface ImageStore {
  /** Where this is, for messages: `127.0.0.1:5000/team/app`, `oci-layout:/tmp/image`. */
  readonly location: string;
  /**
   * The descriptor a tag or digest names (a HEAD for a registry). A layout also accepts no
   * reference when it holds exactly one image.
   */
  resolve(reference?: string): Promise<Descriptor>;
  /** A manifest or index by tag or digest, verified. */
  getManifest(reference?: string): Promise<ManifestContent>;
  /** A blob as a stream that errors if its digest or size is wrong. */
  getBlob(blob: BlobRef): Promise<Readable>;
  hasBlob(digest: string): Promise<boolean>;
  /** Stores a blob (a no-op when present); refuses content that does not match the digest. */
  putBlob(blob: { digest: string; size: number }, content: BlobSource): Promise<void>;
  /** Stores a manifest by digest, and under `tag` when given. Its blobs must be stored first. */
  putManifest(bytes: Uint8Array, mediaType: string, tag?: string): Promise<Descriptor>;
  /** Points `tag` at a manifest already stored. */
  tag(tag: string, digest: string): Promise<void>;
}

/** Reads a whole blob into memory, refusing more than `maxBytes` (configs, small documents). */
export async function readBlobBytes(store: ImageStore, blob: BlobRef, maxBytes: number): Promise<Buffer> {
  if (blob.size !== undefined && blob.size > maxBytes) {
    throw new OciError("SIZE_MISMATCH", `blob ${blob.digest} in ${store.location}: ${blob.size} bytes is over the ${maxBytes}-byte limit for this kind of blob`);
  }
  const stream = await store.getBlob(blob);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buffer.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new OciError("SIZE_MISMATCH", `blob ${blob.digest} in ${store.location}: over the ${maxBytes}-byte limit for this kind of blob`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
