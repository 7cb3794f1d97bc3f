/**
 * Cross-repository blob mount: `POST /v2/<to>/blobs/uploads/?mount=<digest>&from=<repo>`. A 201
 * means the registry linked the blob it already holds into the target repository (no bytes
 * move); a 202 means it did not (another registry, no access to the source, mounting disabled)
 * and opened an upload session instead, which is cancelled here: the caller uploads.
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#mounting-a-blob-from-another-repository
 */
import { parseDigest } from "./digest.js";
import { OciError } from "./errors.js";
import type { RegistryRepository } from "./registry.js";

/** Mounts `digest` from `fromRepository` (same registry) into `target`; false when not mounted. */
export async function mountBlob(target: RegistryRepository, digest: string, fromRepository: string): Promise<boolean> {
  parseDigest(digest);
  const query = `blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepository)}`;
  const response = await target.uploadRequest("POST", query, { "content-length": "0" }, undefined, `repository:${fromRepository}:pull`);
  await response.body?.cancel().catch(() => undefined);
  if (response.status === 201) {
    const stored = response.headers.get("docker-content-digest");
    if (stored !== null && stored !== digest) {
      throw new OciError("DIGEST_MISMATCH", `${target.location}: mounting ${digest} from ${fromRepository} gave digest ${stored}`);
    }
    return true;
  }
  if (response.status === 202) {
    const location = response.headers.get("location");
    if (location !== null) await cancelUpload(target, location);
    return false;
  }
  throw new OciError("REGISTRY_ERROR", `${target.location}: mounting ${digest} from ${fromRepository} answered ${response.status}`);
}

/** Best effort: an abandoned session would otherwise wait for the registry's upload purge. */
async function cancelUpload(target: RegistryRepository, location: string): Promise<void> {
  try {
    const response = await target.uploadRequest("DELETE", target.uploadUrl(location));
    await response.body?.cancel().catch(() => undefined);
  } catch {
    // the session expires on its own
  }
}
