/**
 * The steps of a blob upload session every upload path shares (chunked, streamed between
 * registries): open it, close it with the digest the registry must check, or abandon it.
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-blobs
 */
import { OciError } from "./errors.js";
import type { RegistryRepository } from "./registry.js";

/** `POST /v2/<name>/blobs/uploads/` → the session's URL. */
export async function startUpload(target: RegistryRepository, what: string): Promise<URL> {
  const started = await target.uploadRequest("POST", "blobs/uploads/", { "content-length": "0" });
  await started.body?.cancel().catch(() => undefined);
  const location = started.headers.get("location");
  if (started.status !== 202 || location === null) throw new OciError("REGISTRY_ERROR", `${what}: upload start answered ${started.status} without a Location`);
  return target.uploadUrl(location);
}

/**
 * `PUT <session>?digest=…`, with the last bytes (a monolithic upload sends them all here) or none:
 * the registry checks the digest of everything it received.
 */
export async function closeUpload(target: RegistryRepository, location: URL, digest: string, what: string, bytes?: Uint8Array): Promise<void> {
  const close = new URL(location);
  close.searchParams.set("digest", digest);
  const headers: Record<string, string> = bytes === undefined ? { "content-length": "0" } : { "content-type": "application/octet-stream", "content-length": String(bytes.length) };
  const done = await target.uploadRequest("PUT", close, headers, bytes);
  await done.body?.cancel().catch(() => undefined);
  const stored = done.headers.get("docker-content-digest");
  if (stored !== null && stored !== digest) throw new OciError("DIGEST_MISMATCH", `${what}: the registry reports digest ${stored}`);
}

/** Best effort: an abandoned session would otherwise wait for the registry's upload purge. */
export async function cancelUpload(target: RegistryRepository, location: URL): Promise<void> {
  try {
    const response = await target.uploadRequest("DELETE", location, {}, undefined, undefined, { retries: 0 });
    await response.body?.cancel().catch(() => undefined);
  } catch {
    // the session expires on its own
  }
}
