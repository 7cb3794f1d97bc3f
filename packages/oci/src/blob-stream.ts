/**
 * A blob streamed from one registry to another in a single upload: the source's GET body flows,
 * through a digest check, into one `PATCH` of the target's upload session, and the closing
 * `PUT ?digest=` is sent only after the check passed, so a wrong blob is never committed. The
 * session is opened while the download starts (no round trip waits on the other), and nothing
 * is held in memory beyond the streams' buffers.
 *
 * A session that fails (network, 5xx, a session the registry lost) is restarted from a fresh
 * download, a bounded number of times, unless the blob turned out to be there already. Content
 * that is not the blob, and refused credentials, are not retried. Each request goes through the
 * registry transport: host policy, credentials per host, redirects of the download followed
 * without the registry's Authorization on another origin.
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-a-blob-in-chunks
 */
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { HttpError, PeptideError } from "@peptide/core";
import { DigestVerifier, parseDigest } from "./digest.js";
import { OciError } from "./errors.js";
import type { RegistryRepository } from "./registry.js";
import { cancelUpload, closeUpload, startUpload } from "./upload-session.js";
import type { ImageStore } from "./store.js";

export interface StreamBlobOptions {
  /** Sessions tried in all (each from a fresh download). Default 3. */
  sessions?: number;
  /**
   * Whether the target has the blob already (a HEAD), asked beside the first session's start
   * instead of before it: when it does, the session is cancelled and nothing is sent (0). A
   * failed answer counts as no.
   */
  present?: Promise<boolean>;
}

/** Streams `blob` from `from` into `to`; resolves with the bytes sent in the session that completed (0 when it was there). */
export async function streamBlob(from: ImageStore, to: RegistryRepository, blob: { digest: string; size: number }, options: StreamBlobOptions = {}): Promise<number> {
  parseDigest(blob.digest);
  const sessions = Math.max(1, options.sessions ?? 3);
  for (let session = 1; ; session++) {
    try {
      return await streamSession(from, to, blob, session === 1 ? options.present : undefined);
    } catch (error) {
      if (session >= sessions || !transient(error)) throw error;
      if (await to.hasBlob(blob.digest).catch(() => false)) return 0;
    }
  }
}

async function streamSession(from: ImageStore, to: RegistryRepository, blob: { digest: string; size: number }, present?: Promise<boolean>): Promise<number> {
  const what = `blob ${blob.digest} for ${to.location}`;
  const [opened, downloaded, there] = await Promise.allSettled([startUpload(to, what), from.getBlob(blob), present ?? Promise.resolve(false)]);
  if (there.status === "fulfilled" && there.value) {
    if (downloaded.status === "fulfilled") downloaded.value.destroy();
    if (opened.status === "fulfilled") await cancelUpload(to, opened.value);
    return 0;
  }
  if (opened.status === "rejected" || downloaded.status === "rejected") {
    if (downloaded.status === "fulfilled") downloaded.value.destroy();
    if (opened.status === "fulfilled") await cancelUpload(to, opened.value);
    throw opened.status === "rejected" ? opened.reason : (downloaded as PromiseRejectedResult).reason;
  }
  const location = opened.value;
  const source = downloaded.value;
  // A registry's blob stream checks the digest and size as it flows (one hash, not two); any
  // other stream gets that check here. The close waits on it.
  let checked: Readable;
  if (source instanceof DigestVerifier && source.expected === blob.digest) {
    checked = source;
  } else {
    const verifier = new DigestVerifier(blob.digest, { size: blob.size, what });
    source.on("error", (error) => verifier.destroy(error));
    checked = source.pipe(verifier);
  }
  const body = checked;
  const sent = finished(checked, { writable: false });
  sent.catch(() => undefined);

  let next: URL;
  try {
    let used = false;
    const response = await to.uploadRequest("PATCH", location, { "content-type": "application/octet-stream", "content-length": String(blob.size) }, () => {
      if (used) throw new OciError("REGISTRY_ERROR", `${what}: the stream cannot be sent twice`);
      used = true;
      return body;
    }, undefined, { retries: 0, timeoutMs: 2 ** 31 - 1 });
    await response.body?.cancel().catch(() => undefined);
    // The whole body went and ended without a digest or size error: only then is it closed.
    await sent;
    const after = response.headers.get("location");
    if (after === null) throw new OciError("REGISTRY_ERROR", `${what}: PATCH answered ${response.status} without a Location`);
    next = to.uploadUrl(after);
  } catch (error) {
    const streamError = checked.errored;
    source.destroy();
    checked.destroy();
    await cancelUpload(to, location);
    // Content that is not the blob says so; a cut stream is a network failure, coded as one.
    throw coded(streamError instanceof PeptideError ? streamError : error, what);
  }
  await closeUpload(to, next, blob.digest, what);
  return blob.size;
}

/** A coded error: PeptideErrors as they are, anything else (a reset or stalled stream) as NETWORK_UNREACHABLE. */
function coded(error: unknown, what: string): PeptideError {
  if (error instanceof PeptideError) return error;
  const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
  return new HttpError("NETWORK_UNREACHABLE", `${what}: the stream broke off (${reason})`, undefined, { cause: error });
}

/** Failures a fresh session may get past: the network, server errors, a lost session. Not: credentials, wrong content. */
function transient(error: unknown): boolean {
  if (error instanceof HttpError) return error.code !== "AUTH_FAILED";
  return error instanceof PeptideError && error.code === "REGISTRY_ERROR";
}
