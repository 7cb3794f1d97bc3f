/**
 * Copies an image by digest from one ImageStore to another: every platform manifest of an index
 * and their blobs, then the referrers of the copied manifests (signatures, SBOMs, attestations),
 * and only then the tag, so a tag never names an incomplete image.
 *
 * Blobs already at the target are skipped (HEAD); between repositories of one registry they are
 * mounted (no bytes move); otherwise they stream from source to target, verified as they flow,
 * large ones in chunks. Tags are immutable unless `allowOverwrite`. A copy that finds everything
 * in place writes nothing and says so (`alreadyComplete`).
 */
import { PassThrough, pipeline, type Readable } from "node:stream";
import { OciError } from "./errors.js";
import { parseManifest, type Descriptor } from "./manifest.js";
import { mountBlob } from "./mount.js";
import { listReferrers, pushReferrer, type ReferrersMethod } from "./referrers.js";
import { RegistryRepository } from "./registry.js";
import { readBlobBytes, type ImageStore } from "./store.js";
import { DEFAULT_CHUNK_SIZE, uploadBlobChunked, uploadBlobMonolithic } from "./upload-chunked.js";

export interface CopyOptions {
  from: { store: ImageStore; digest: string };
  to: { store: ImageStore; tag?: string };
  /** Copy the referrers of the image and of its platform manifests (and theirs). Default true. */
  referrers?: boolean;
  /** Move an existing target tag that names another digest. Default false: refused with TAG_IMMUTABLE. */
  allowOverwrite?: boolean;
  onProgress?: (event: CopyProgress) => void;
  /** Blobs copied at once. Default 4. */
  concurrency?: number;
  /** Registry targets: larger blobs go up in chunks of this size, others in one PUT. Default 16 MiB. */
  chunkSize?: number;
  /** Passed to pushReferrer: the wait before reading back the referrers tag. Default 0 (read back at once). */
  referrerSettleMs?: number;
}

export type CopyProgress =
  | { kind: "blob"; digest: string; size: number; action: "copied" | "mounted" | "skipped" }
  | { kind: "manifest"; digest: string; action: "copied" | "skipped" }
  | { kind: "referrer"; digest: string; subject: string; action: "copied" | "skipped" }
  | { kind: "tag"; tag: string; digest: string; action: "tagged" | "unchanged" };

export interface CopiedReferrer {
  digest: string;
  subject: string;
  artifactType?: string;
  /** `copied` now, or `present` at the target already. */
  status: "copied" | "present";
  /** How it was made findable at the target (copied ones only). */
  method?: ReferrersMethod;
}

export interface CopyResult {
  digest: string;
  /** Blobs whose bytes were sent to the target. */
  copiedBlobs: number;
  /** Blobs mounted from the source repository (same registry): no bytes sent. */
  mountedBlobs: number;
  /** Blobs the target had. */
  skippedBlobs: number;
  /** Blob bytes sent to the target (0 when everything was mounted or present). */
  bytesUploaded: number;
  referrers: CopiedReferrer[];
  /** Whether the tag was written by this copy (false when absent or already right). */
  tagged: boolean;
  /** Nothing needed writing: the image, its referrers and its tag were all in place. */
  alreadyComplete: boolean;
}

/** Referrers of referrers (a signature over an SBOM) are followed this deep. */
const MAX_REFERRER_DEPTH = 3;

export async function copyImage(options: CopyOptions): Promise<CopyResult> {
  return new ImageCopy(options).run();
}

class ImageCopy {
  private readonly from: ImageStore;
  private readonly to: ImageStore;
  private readonly result: CopyResult;
  private manifestsWritten = 0;
  /** Manifests handled in this copy (an index's children may repeat across referrers). */
  private readonly done = new Set<string>();
  /** Referrer listings by store and subject, started as early as possible. */
  private readonly listings = new Map<string, Promise<Descriptor[]>>();
  private readonly presence = new Map<string, Promise<boolean>>();

  constructor(private readonly options: CopyOptions) {
    this.from = options.from.store;
    this.to = options.to.store;
    this.result = { digest: options.from.digest, copiedBlobs: 0, mountedBlobs: 0, skippedBlobs: 0, bytesUploaded: 0, referrers: [], tagged: false, alreadyComplete: false };
  }

  async run(): Promise<CopyResult> {
    const { digest } = this.options.from;
    const tag = this.options.to.tag;
    // Reads that do not depend on each other go out together: the source manifest, the target
    // tag, and the referrers of the subject on both sides.
    if (this.options.referrers !== false) {
      this.listed(this.from, digest).catch(() => undefined);
      this.listed(this.to, digest).catch(() => undefined);
    }
    const [root] = await Promise.all([this.from.getManifest(digest), tag === undefined ? undefined : this.checkTag(tag, digest), this.hasManifest(digest)]);
    const subjects = await this.copyManifest(root.descriptor.digest, root.bytes, root.descriptor.mediaType);
    if (this.options.referrers !== false) await this.copyReferrers(subjects, 0);
    if (tag !== undefined) {
      // Checked again: a tag written by someone else while we copied is not overwritten either.
      const current = await this.checkTag(tag, digest);
      if (current !== digest) {
        await this.to.putManifest(root.bytes, root.descriptor.mediaType, tag);
        this.result.tagged = true;
      }
      this.options.onProgress?.({ kind: "tag", tag, digest, action: this.result.tagged ? "tagged" : "unchanged" });
    }
    const r = this.result;
    r.alreadyComplete = r.copiedBlobs + r.mountedBlobs === 0 && this.manifestsWritten === 0 && !r.tagged && r.referrers.every((x) => x.status === "present");
    return r;
  }

  /** The digest the tag names at the target, or undefined; throws TAG_IMMUTABLE when it names another. */
  private async checkTag(tag: string, digest: string): Promise<string | undefined> {
    let current: string | undefined;
    try {
      current = (await this.to.resolve(tag)).digest;
    } catch (error) {
      if (error instanceof OciError && error.code === "MANIFEST_UNKNOWN") return undefined;
      throw error;
    }
    if (current !== digest && this.options.allowOverwrite !== true) {
      throw new OciError("TAG_IMMUTABLE", `${this.to.location}: tag ${tag} names ${current}, not ${digest}; tags are immutable, promote under a new tag or allow overwriting`);
    }
    return current;
  }

  /**
   * Copies a manifest or index with everything it references (children before parents, blobs
   * before manifests) and returns the digests copied, subjects whose referrers follow.
   */
  private async copyManifest(digest: string, bytes: Uint8Array, mediaType: string, options: { put?: boolean } = {}): Promise<string[]> {
    if (this.done.has(digest)) return [];
    this.done.add(digest);
    const parsed = parseManifest(bytes, mediaType, `manifest ${digest} of ${this.from.location}`);
    const subjects: string[] = [];
    // A manifest the target lacks is new there: its blobs are mounted without asking first.
    const present = await this.hasManifest(digest);
    if (parsed.kind === "index") {
      for (const child of parsed.index.manifests) {
        const content = await this.from.getManifest(child.digest);
        subjects.push(...(await this.copyManifest(child.digest, content.bytes, content.descriptor.mediaType)));
      }
    } else {
      const blobs = [parsed.manifest.config, ...parsed.manifest.layers];
      await eachLimited(uniqueByDigest(blobs), this.options.concurrency ?? 4, (blob) => this.copyBlob(blob, !present));
    }
    if (present) {
      this.options.onProgress?.({ kind: "manifest", digest, action: "skipped" });
    } else if (options.put === false) {
      // The caller stores it (pushReferrer).
      this.manifestsWritten++;
    } else {
      await this.to.putManifest(bytes, parsed.mediaType);
      this.manifestsWritten++;
      this.options.onProgress?.({ kind: "manifest", digest, action: "copied" });
    }
    return [digest, ...subjects];
  }

  /** Whether the target holds the manifest, asked once per copy (before this copy wrote it). */
  private hasManifest(digest: string): Promise<boolean> {
    let known = this.presence.get(digest);
    if (known === undefined) {
      known = this.askManifest(digest);
      this.presence.set(digest, known);
    }
    return known;
  }

  private async askManifest(digest: string): Promise<boolean> {
    try {
      await this.to.resolve(digest);
      return true;
    } catch (error) {
      if (error instanceof OciError && error.code === "MANIFEST_UNKNOWN") return false;
      throw error;
    }
  }

  /** `fresh`: the manifest is new at the target, so a mount goes first (no HEAD). */
  private async copyBlob(blob: Descriptor, fresh: boolean): Promise<void> {
    const report = (action: "copied" | "mounted" | "skipped"): void => this.options.onProgress?.({ kind: "blob", digest: blob.digest, size: blob.size, action });
    const { from, to } = this;
    const mountable = from instanceof RegistryRepository && to instanceof RegistryRepository && from.registry === to.registry && from.repository !== to.repository;
    if (!(mountable && fresh) && (await to.hasBlob(blob.digest))) {
      this.result.skippedBlobs++;
      return report("skipped");
    }
    if (mountable && (await mountBlob(to, blob.digest, from.repository))) {
      this.result.mountedBlobs++;
      return report("mounted");
    }
    const open = (): Promise<Readable> => from.getBlob({ digest: blob.digest, size: blob.size });
    const chunkSize = this.options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    try {
      if (to instanceof RegistryRepository && blob.size > chunkSize) {
        // The source's stream is a verifying one: no second hash on the way up.
        await uploadBlobChunked(to, blob, open, { chunkSize, verify: false });
      } else if (to instanceof RegistryRepository) {
        await uploadBlobMonolithic(to, blob, await readBlobBytes(from, blob, chunkSize));
      } else {
        await to.putBlob(blob, () => deferred(open));
      }
    } catch (error) {
      // An upload whose last answer was lost may have landed all the same.
      if (!(await to.hasBlob(blob.digest).catch(() => false))) throw error;
    }
    this.result.copiedBlobs++;
    this.result.bytesUploaded += blob.size;
    report("copied");
  }

  /** The referrers of `subject` in `store`, listed once per copy. */
  private listed(store: ImageStore, subject: string): Promise<Descriptor[]> {
    const key = `${store === this.from ? "from" : "to"} ${subject}`;
    let listing = this.listings.get(key);
    if (listing === undefined) {
      listing = listReferrers(store, subject).then((l) => l.referrers);
      this.listings.set(key, listing);
    }
    return listing;
  }

  private async copyReferrers(subjects: string[], depth: number): Promise<void> {
    if (depth >= MAX_REFERRER_DEPTH) return;
    const listings = await Promise.all(subjects.map(async (subject) => ({ subject, listed: await this.listed(this.from, subject) })));
    for (const { subject, listed } of listings) {
      if (listed.length === 0) continue;
      const present = new Set((await this.listed(this.to, subject)).map((d) => d.digest));
      // Their own referrers are listed while they are copied.
      if (depth + 1 < MAX_REFERRER_DEPTH) for (const r of listed) this.listed(this.from, r.digest).catch(() => undefined);
      for (const referrer of listed) {
        if (this.done.has(referrer.digest)) continue;
        const content = await this.from.getManifest(referrer.digest);
        const entry: CopiedReferrer = { digest: referrer.digest, subject, status: "present" };
        if (referrer.artifactType !== undefined) entry.artifactType = referrer.artifactType;
        const before = this.manifestsWritten;
        const listedThere = present.has(referrer.digest);
        const nested = await this.copyManifest(referrer.digest, content.bytes, content.descriptor.mediaType, { put: listedThere });
        if (!listedThere) {
          const pushed = await pushReferrer(this.to, content.bytes, { settleMs: this.options.referrerSettleMs ?? 0 });
          entry.status = "copied";
          entry.method = pushed.method;
        } else if (this.manifestsWritten !== before) {
          entry.status = "copied";
        }
        this.result.referrers.push(entry);
        this.options.onProgress?.({ kind: "referrer", digest: referrer.digest, subject, action: entry.status === "copied" ? "copied" : "skipped" });
        await this.copyReferrers(nested, depth + 1);
      }
    }
  }
}

/** A stream that is the one `open` resolves to, for APIs that take a synchronous stream factory. */
function deferred(open: () => Promise<Readable>): Readable {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  open().then(
    (source) => pipeline(source, out, () => undefined),
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}

function uniqueByDigest(blobs: Descriptor[]): Descriptor[] {
  const seen = new Set<string>();
  return blobs.filter((b) => !seen.has(b.digest) && seen.add(b.digest));
}

/** Runs `fn` over the items, at most `limit` at once; the first failure is thrown after all settle. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length && failures.length === 0) {
      const item = items[next++] as T;
      await fn(item).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failures.length > 0) throw failures[0];
}
