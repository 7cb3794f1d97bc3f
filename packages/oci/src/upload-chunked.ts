/**
 * Blob uploads beyond the store's monolithic putBlob. Chunked, for large streamed blobs: `POST` opens a session, each chunk goes as a
 * `PATCH` with `Content-Range: <start>-<end>`, and a final `PUT ?digest=` closes it. Only two
 * chunks are in memory at once (one sending, one filling), never the whole blob. The stream is
 * checked against the digest and size as it flows, and the closing PUT is sent only when the
 * check passed, so a wrong blob is never committed.
 *
 * Retries: each request goes through fetchWithRetry. A PATCH whose answer was lost may have
 * landed; its retry then gets 416, and the session's status (`GET <location>`, `Range: 0-<n>`)
 * says where the registry is. A session that cannot continue is restarted from a fresh stream,
 * a bounded number of times, unless the blob turned out to be there already.
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-a-blob-in-chunks
 */
import type { Readable } from "node:stream";
import { HttpError, PeptideError } from "@peptide/core";
import { DigestVerifier, parseDigest, verifyBytes } from "./digest.js";
import { OciError } from "./errors.js";
import type { RegistryRepository } from "./registry.js";
import { closeUpload, startUpload } from "./upload-session.js";

export const DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;

export interface ChunkedUploadOptions {
  /** Bytes per PATCH. Default 16 MiB. */
  chunkSize?: number;
  /** Sessions tried in all (each from a fresh stream). Default 3. */
  sessions?: number;
  /**
   * Hash the stream against the digest here. Default true; false when the stream already is a
   * verifying one (an ImageStore's getBlob): it errors before its end on a wrong digest or size,
   * and the closing PUT is only sent after the end.
   */
  verify?: boolean;
}

/** A fresh stream of the blob for each session. */
export type StreamFactory = () => Readable | Promise<Readable>;

/** Uploads a blob in chunks; resolves with the bytes sent in the session that completed. */
export async function uploadBlobChunked(target: RegistryRepository, blob: { digest: string; size: number }, open: StreamFactory, options: ChunkedUploadOptions = {}): Promise<number> {
  parseDigest(blob.digest);
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const sessions = Math.max(1, options.sessions ?? 3);
  for (let session = 1; ; session++) {
    try {
      return await uploadSession(target, blob, open, chunkSize, options.verify !== false);
    } catch (error) {
      if (session >= sessions || !transient(error)) throw error;
      if (await target.hasBlob(blob.digest).catch(() => false)) return 0;
    }
  }
}

async function uploadSession(target: RegistryRepository, blob: { digest: string; size: number }, open: StreamFactory, chunkSize: number, verify: boolean): Promise<number> {
  const what = `blob ${blob.digest} for ${target.location}`;
  const state = { location: await startUpload(target, what), offset: 0 };

  const source = await open();
  let verifier: Readable = source;
  if (verify) {
    const checking = new DigestVerifier(blob.digest, { size: blob.size, what });
    source.on("error", (error) => checking.destroy(error));
    verifier = source.pipe(checking);
  }

  let inflight: Promise<void> = Promise.resolve();
  const queue = async (chunk: Buffer): Promise<void> => {
    await inflight;
    const start = state.offset;
    state.offset += chunk.length;
    inflight = sendChunk(target, state, chunk, start, what);
    inflight.catch(() => undefined);
  };
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const data of verifier) {
      const buffer = data as Buffer;
      pending.push(buffer);
      pendingBytes += buffer.length;
      while (pendingBytes >= chunkSize) {
        const all = Buffer.concat(pending);
        await queue(all.subarray(0, chunkSize));
        const rest = all.subarray(chunkSize);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
      }
    }
    // The stream ended without a digest or size error: the content is the blob.
    if (pendingBytes > 0) await queue(Buffer.concat(pending));
    await inflight;
  } catch (error) {
    source.destroy();
    verifier.destroy();
    await inflight.catch(() => undefined);
    throw error;
  }

  await closeUpload(target, state.location, blob.digest, what);
  return state.offset;
}

/**
 * Monolithic upload of a blob held in memory (small ones): `POST`, then `PUT ?digest=` with the
 * bytes, checked against the digest first and by the registry on the PUT. Replayable on retries.
 */
export async function uploadBlobMonolithic(target: RegistryRepository, blob: { digest: string; size: number }, bytes: Uint8Array): Promise<void> {
  const what = `blob ${blob.digest} for ${target.location}`;
  if (bytes.length !== blob.size) throw new OciError("SIZE_MISMATCH", `${what}: ${bytes.length} bytes given, ${blob.size} declared`);
  verifyBytes(bytes, blob.digest, what);
  await closeUpload(target, await startUpload(target, what), blob.digest, what, bytes);
}

/** One PATCH; on a lost answer, asks the session where it is and accepts a chunk that landed. */
async function sendChunk(target: RegistryRepository, state: { location: URL }, chunk: Buffer, start: number, what: string): Promise<void> {
  const end = start + chunk.length - 1;
  const headers = { "content-type": "application/octet-stream", "content-length": String(chunk.length), "content-range": `${start}-${end}` };
  let response: Response;
  try {
    response = await target.uploadRequest("PATCH", state.location, headers, chunk);
  } catch (error) {
    const received = await sessionOffset(target, state.location).catch(() => undefined);
    if (received === undefined || received.offset !== end + 1) throw error;
    state.location = received.location;
    return;
  }
  await response.body?.cancel().catch(() => undefined);
  const next = response.headers.get("location");
  if (next === null) throw new OciError("REGISTRY_ERROR", `${what}: PATCH answered ${response.status} without a Location`);
  const range = parseRange(response.headers.get("range"));
  if (range !== undefined && range !== end + 1) throw new OciError("REGISTRY_ERROR", `${what}: the registry holds ${range} bytes after the chunk ending at ${end + 1}`);
  state.location = target.uploadUrl(next);
}

/** `GET <location>`: 204 with `Range: 0-<last>`, the bytes the session holds. */
async function sessionOffset(target: RegistryRepository, location: URL): Promise<{ offset: number; location: URL }> {
  const response = await target.uploadRequest("GET", location);
  await response.body?.cancel().catch(() => undefined);
  const offset = parseRange(response.headers.get("range")) ?? 0;
  const next = response.headers.get("location");
  return { offset, location: next === null ? location : target.uploadUrl(next) };
}

/** `Range: 0-<last>` → the bytes the session holds (last + 1); callers compare it with an exact end. */
function parseRange(header: string | null): number | undefined {
  const match = /^(?:bytes=)?0-(\d+)$/.exec(header?.trim() ?? "");
  return match ? Number(match[1]) + 1 : undefined;
}

/**
 * Failures a fresh session may get past: the network, server errors, and a session the registry
 * lost or no longer accepts (404, 400 or 416 after a chunk whose answer was lost). Not: refused
 * credentials, or content that is not the blob.
 */
function transient(error: unknown): boolean {
  if (error instanceof HttpError) return error.code !== "AUTH_FAILED";
  return error instanceof PeptideError && error.code === "REGISTRY_ERROR";
}
