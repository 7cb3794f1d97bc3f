/**
 * OCI 1.1 referrers: manifests whose `subject` names another manifest (signatures, SBOMs,
 * attestations). Listed through the referrers API (`GET /v2/<name>/referrers/<digest>`) where the
 * registry has it, else through the referrers tag schema: the tag `sha256-<hex>` holds an image
 * index of the referrer descriptors, kept up to date by the client that pushes (read, add,
 * write, check). The tag schema works on any ImageStore, an OCI layout included.
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#referrers-tag-schema
 */
import { HttpError } from "@peptide/core";
import { parseDigest } from "./digest.js";
import { OciError } from "./errors.js";
import { MAX_MANIFEST_BYTES, parseManifest, type Descriptor, type ImageIndex } from "./manifest.js";
import { MediaType } from "./media-types.js";
import { RegistryRepository } from "./registry.js";
import type { ImageStore } from "./store.js";

/** How referrers were found or recorded. */
export type ReferrersMethod = "referrers-api" | "referrers-tag";

export interface ReferrersList {
  method: ReferrersMethod;
  /** Descriptors of the referrer manifests (with `artifactType` and `annotations`). */
  referrers: Descriptor[];
}

/** `sha256:ab…` → `sha256-ab…`, cut to the 128 characters a tag may have. */
export function referrersTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}`.slice(0, 128);
}

/**
 * The referrers API's answer for `digest`, or undefined when the registry has no referrers API
 * (404 on the route, as distribution 2.8 answers).
 */
export async function referrersFromApi(repository: RegistryRepository, digest: string, artifactType?: string): Promise<Descriptor[] | undefined> {
  parseDigest(digest);
  // A repository without the API is asked once per client, not once per subject.
  if (repository.referrersApi === false) return undefined;
  const query = artifactType === undefined ? "" : `?artifactType=${encodeURIComponent(artifactType)}`;
  let response: Response;
  try {
    response = await repository.apiRequest("GET", `referrers/${digest}${query}`, { accept: MediaType.ociIndex });
  } catch (error) {
    if (error instanceof HttpError && (error.status === 404 || error.status === 405)) {
      repository.noteReferrersApi(false);
      return undefined;
    }
    throw error;
  }
  const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim();
  if (type !== MediaType.ociIndex) {
    await response.body?.cancel().catch(() => undefined);
    repository.noteReferrersApi(false);
    return undefined;
  }
  repository.noteReferrersApi(true);
  const bytes = Buffer.from(await response.arrayBuffer());
  const parsed = parseManifest(bytes, MediaType.ociIndex, `referrers of ${digest} in ${repository.location}`);
  if (parsed.kind !== "index") throw new OciError("REGISTRY_ERROR", `referrers of ${digest} in ${repository.location}: not an image index`);
  const all = parsed.index.manifests;
  // The filter is optional for a registry (OCI-Filters-Applied says whether it ran): apply it here too.
  return artifactType === undefined ? all : all.filter((d) => d.artifactType === artifactType);
}

/** The referrers the tag schema records for `digest` (an empty list when the tag does not exist). */
export async function referrersFromTag(store: ImageStore, digest: string, artifactType?: string): Promise<Descriptor[]> {
  const index = await readReferrersIndex(store, digest);
  return artifactType === undefined ? index.manifests : index.manifests.filter((d) => d.artifactType === artifactType);
}

/** Referrers of `digest`: the API when the store is a registry that has one, else the tag schema. */
export async function listReferrers(store: ImageStore, digest: string, options: { artifactType?: string } = {}): Promise<ReferrersList> {
  if (store instanceof RegistryRepository) {
    const viaApi = await referrersFromApi(store, digest, options.artifactType);
    if (viaApi !== undefined) return { method: "referrers-api", referrers: viaApi };
  }
  return { method: "referrers-tag", referrers: await referrersFromTag(store, digest, options.artifactType) };
}

export interface PushReferrerResult {
  /** The referrer manifest as stored. */
  descriptor: Descriptor;
  method: ReferrersMethod;
}

/**
 * Stores a referrer manifest (its blobs must be stored first) and makes it findable from its
 * subject: nothing more where the registry has the referrers API, else it is added to the
 * subject's `sha256-<hex>` index (see addToReferrersTag; `settleMs` bounds the wait before the
 * read-back, default 100 ms, scaled down on a registry that answers faster; `attempts` is the
 * rounds, default 3).
 */
export async function pushReferrer(store: ImageStore, manifest: Uint8Array, options: { attempts?: number; settleMs?: number } = {}): Promise<PushReferrerResult> {
  const [pushed] = await pushReferrers(store, [manifest], options);
  return pushed as PushReferrerResult;
}

/**
 * pushReferrer for several referrer manifests at once (their blobs stored first): the manifests
 * go up together, and each subject's `sha256-<hex>` index is updated once for all of its new
 * referrers (one read, write and read-back instead of one per referrer). Results are in the
 * order of `manifests`, and each index lists its new referrers in that order.
 */
export async function pushReferrers(store: ImageStore, manifests: Uint8Array[], options: { attempts?: number; settleMs?: number } = {}): Promise<PushReferrerResult[]> {
  const parsed = manifests.map((manifest) => {
    const p = parseManifest(manifest, undefined, `referrer for ${store.location}`);
    const body = p.kind === "manifest" ? p.manifest : p.index;
    if (body.subject === undefined) throw new OciError("MANIFEST_INVALID", `referrer for ${store.location}: it has no subject`);
    const artifactType = body.artifactType ?? (p.kind === "manifest" ? p.manifest.config.mediaType : undefined);
    return { manifest, mediaType: p.mediaType, subject: body.subject.digest, artifactType, annotations: body.annotations };
  });
  const descriptors = await Promise.all(
    parsed.map(async (p) => {
      const stored = await store.putManifest(p.manifest, p.mediaType);
      const descriptor: Descriptor = { mediaType: stored.mediaType, digest: stored.digest, size: stored.size };
      if (p.artifactType !== undefined) descriptor.artifactType = p.artifactType;
      if (p.annotations !== undefined && Object.keys(p.annotations).length > 0) descriptor.annotations = p.annotations;
      return descriptor;
    }),
  );
  const subjects = [...new Set(parsed.map((p) => p.subject))];
  const methods = new Map<string, ReferrersMethod>();
  const attempts = Math.max(1, options.attempts ?? 3);
  await Promise.all(
    subjects.map(async (subject) => {
      if (store instanceof RegistryRepository && (await referrersFromApi(store, subject)) !== undefined) {
        methods.set(subject, "referrers-api");
        return;
      }
      const mine = descriptors.filter((_, i) => parsed[i]?.subject === subject);
      const key = `${store.location}\u0000${subject}`;
      await serialized(key, () => addToReferrersTag(store, subject, mine, attempts, options.settleMs ?? 100));
      methods.set(subject, "referrers-tag");
    }),
  );
  return descriptors.map((descriptor, i) => ({ descriptor, method: methods.get(parsed[i]?.subject ?? "") ?? "referrers-tag" }));
}

/** The settle wait is this many times our own read-and-write of the index, within [SETTLE_FLOOR_MS, settleMs]. */
const SETTLE_FACTOR = 4;
const SETTLE_FLOOR_MS = 10;

/**
 * Read, add, write, then read back after a short jittered wait: a writer elsewhere that read the
 * index before our write and wrote after it has dropped our descriptors, and we add them again.
 * Writers in this process take turns per subject (no loss); across processes the tag schema has
 * no compare-and-swap (the spec says as much), so this narrows the window without closing it.
 *
 * Such a writer's window (its read to its write) is about as long as our own read and write of
 * the same index, so the wait is scaled to that (4×, at least 10 ms) and bounded by `settleMs`:
 * on a slow registry it is `settleMs` as before, on a fast one it shrinks with the window.
 */
async function addToReferrersTag(store: ImageStore, digest: string, descriptors: Descriptor[], attempts: number, settleMs: number): Promise<void> {
  const missing = (index: ImageIndex): Descriptor[] => descriptors.filter((d) => !index.manifests.some((m) => m.digest === d.digest));
  let lost = descriptors;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const started = performance.now();
    const index = await readReferrersIndex(store, digest);
    const add = missing(index);
    if (add.length > 0) await writeReferrersIndex(store, digest, { ...index, manifests: [...index.manifests, ...add] });
    const settle = Math.min(settleMs, Math.max(SETTLE_FLOOR_MS, SETTLE_FACTOR * (performance.now() - started)));
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settle / 2 + Math.random() * settle));
    lost = missing(await readReferrersIndex(store, digest));
    if (lost.length === 0) return;
  }
  throw new OciError("REGISTRY_ERROR", `${store.location}: the referrers tag ${referrersTag(digest)} kept losing ${lost.map((d) => d.digest).join(", ")} to concurrent writers`);
}

const turns = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call with the same key has settled. */
async function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = turns.get(key) ?? Promise.resolve();
  const mine = before.then(fn, fn);
  const settled = mine.catch(() => undefined);
  turns.set(key, settled);
  try {
    return await mine;
  } finally {
    if (turns.get(key) === settled) turns.delete(key);
  }
}

async function readReferrersIndex(store: ImageStore, digest: string): Promise<ImageIndex> {
  const tag = referrersTag(digest);
  let content;
  try {
    content = await store.getManifest(tag);
  } catch (error) {
    if (error instanceof OciError && error.code === "MANIFEST_UNKNOWN") return emptyIndex();
    throw error;
  }
  const parsed = parseManifest(content.bytes, content.descriptor.mediaType, `referrers tag ${tag} of ${store.location}`);
  if (parsed.kind !== "index") throw new OciError("MANIFEST_INVALID", `referrers tag ${tag} of ${store.location}: not an image index`);
  return parsed.index;
}

async function writeReferrersIndex(store: ImageStore, digest: string, index: ImageIndex): Promise<void> {
  const json: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index.manifests };
  if (index.annotations !== undefined) json.annotations = index.annotations;
  const bytes = Buffer.from(JSON.stringify(json));
  if (bytes.length > MAX_MANIFEST_BYTES) throw new OciError("MANIFEST_INVALID", `referrers tag ${referrersTag(digest)} of ${store.location}: over the ${MAX_MANIFEST_BYTES}-byte limit`);
  await store.putManifest(bytes, MediaType.ociIndex, referrersTag(digest));
}

function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
}
