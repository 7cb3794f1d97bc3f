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
  const query = artifactType === undefined ? "" : `?artifactType=${encodeURIComponent(artifactType)}`;
  let response: Response;
  try {
    response = await repository.apiRequest("GET", `referrers/${digest}${query}`, { accept: MediaType.ociIndex });
  } catch (error) {
    if (error instanceof HttpError && (error.status === 404 || error.status === 405)) return undefined;
    throw error;
  }
  const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim();
  if (type !== MediaType.ociIndex) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
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
 * subject's `sha256-<hex>` index (see addToReferrersTag; `settleMs` is the wait before the
 * read-back, default 100 ms, and `attempts` the rounds, default 3).
 */
export async function pushReferrer(store: ImageStore, manifest: Uint8Array, options: { attempts?: number; settleMs?: number } = {}): Promise<PushReferrerResult> {
  const parsed = parseManifest(manifest, undefined, `referrer for ${store.location}`);
  const body = parsed.kind === "manifest" ? parsed.manifest : parsed.index;
  const subject = body.subject;
  if (subject === undefined) throw new OciError("MANIFEST_INVALID", `referrer for ${store.location}: it has no subject`);
  const stored = await store.putManifest(manifest, parsed.mediaType);
  const descriptor: Descriptor = { mediaType: stored.mediaType, digest: stored.digest, size: stored.size };
  const artifactType = body.artifactType ?? (parsed.kind === "manifest" ? parsed.manifest.config.mediaType : undefined);
  if (artifactType !== undefined) descriptor.artifactType = artifactType;
  if (body.annotations !== undefined && Object.keys(body.annotations).length > 0) descriptor.annotations = body.annotations;

  if (store instanceof RegistryRepository && (await referrersFromApi(store, subject.digest)) !== undefined) {
    return { descriptor, method: "referrers-api" };
  }
  const key = `${store.location}\u0000${subject.digest}`;
  return serialized(key, () => addToReferrersTag(store, subject.digest, descriptor, Math.max(1, options.attempts ?? 3), options.settleMs ?? 100));
}

/**
 * Read, add, write, then read back after a short jittered wait: a writer elsewhere that read the
 * index before our write and wrote after it has dropped our descriptor, and we add it again.
 * Writers in this process take turns per subject (no loss); across processes the tag schema has
 * no compare-and-swap (the spec says as much), so this narrows the window without closing it.
 */
async function addToReferrersTag(store: ImageStore, digest: string, descriptor: Descriptor, attempts: number, settleMs: number): Promise<PushReferrerResult> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const index = await readReferrersIndex(store, digest);
    if (!index.manifests.some((d) => d.digest === descriptor.digest)) {
      await writeReferrersIndex(store, digest, { ...index, manifests: [...index.manifests, descriptor] });
    }
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs / 2 + Math.random() * settleMs));
    const check = await readReferrersIndex(store, digest);
    if (check.manifests.some((d) => d.digest === descriptor.digest)) return { descriptor, method: "referrers-tag" };
  }
  throw new OciError("REGISTRY_ERROR", `${store.location}: the referrers tag ${referrersTag(digest)} kept losing ${descriptor.digest} to concurrent writers`);
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
