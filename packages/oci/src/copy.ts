/**
 * Copies an image by digest from one ImageStore to another: every platform manifest of an index
 * and their blobs, then the referrers of the copied manifests (signatures, SBOMs, attestations),
 * and only then the tag, so a tag never names an incomplete image.
 *
 * Blobs already at the target are skipped (HEAD); between repositories of one registry they are
 * mounted (no bytes move); otherwise they stream from source to target, verified as they flow:
 * registry to registry in one upload per blob (blob-stream.ts), from a layout in chunks. Tags
 * are immutable unless `allowOverwrite`. A copy that finds everything in place writes nothing
 * and says so (`alreadyComplete`).
 */
import { PassThrough, pipeline, type Readable } from "node:stream";
import { eachLimit, mapLimit } from "@peptide/core";
import { streamBlob } from "./blob-stream.js";
import { OciError } from "./errors.js";
import { parseManifest, type Descriptor } from "./manifest.js";
import { mountBlob } from "./mount.js";
import { listReferrers, pushReferrers, type ReferrersMethod } from "./referrers.js";
import { RegistryRepository } from "./registry.js";
import { readBlobBytes, type ImageStore, type ManifestContent } from "./store.js";
import { DEFAULT_CHUNK_SIZE, uploadBlobChunked, uploadBlobMonolithic } from "./upload-chunked.js";

export interface CopyOptions {
  from: { store: ImageStore; digest: string };
  to: { store: ImageStore; tag?: string };
  /** Copy the referrers of the image and of its platform manifests (and theirs). Default true. */
  referrers?: boolean;
  /** Move an existing target tag that names another digest. Default false: refused with TAG_IMMUTABLE. */
  allowOverwrite?: boolean;
  onProgress?: (event: CopyProgress) => void;
  /** Blobs copied at once. Default 4 (mounts within one registry: 8). */
  concurrency?: number;
  /**
   * Registry targets: blobs up to this size go up in one PUT; larger ones stream in one upload
   * from a registry source, or in chunks of this size from another store. Default 16 MiB.
   */
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

/** Mounts sent at once for one manifest when the caller sets no concurrency. */
const MOUNTS_AT_ONCE = 8;

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
  private readonly manifests = new Map<string, Promise<ManifestContent>>();
  private readonly blobs = new Map<string, Promise<void>>();

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
      // As soon as the subject's referrers are known, their manifests and presence at the target
      // are asked for, while the image itself is copied.
      this.listed(this.from, digest).then((listed) => {
        for (const r of listed) {
          quiet(this.sourceManifest(r.digest));
          quiet(this.hasManifest(r.digest));
        }
      }, () => undefined);
      this.listed(this.to, digest).catch(() => undefined);
    }
    const [root] = await Promise.all([this.from.getManifest(digest), tag === undefined ? undefined : this.checkTag(tag, digest), this.hasManifest(digest)]);
    const { subjects } = await this.copyManifest(root.descriptor.digest, root.bytes, root.descriptor.mediaType);
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
  private async copyManifest(digest: string, bytes: Uint8Array, mediaType: string, options: { put?: boolean } = {}): Promise<{ subjects: string[]; wrote: boolean }> {
    if (this.done.has(digest)) return { subjects: [], wrote: false };
    this.done.add(digest);
    const parsed = parseManifest(bytes, mediaType, `manifest ${digest} of ${this.from.location}`);
    const subjects: string[] = [];
    let wrote = false;
    // A manifest the target lacks is new there: its blobs are mounted without asking first.
    const present = await this.hasManifest(digest);
    if (parsed.kind === "index") {
      for (const child of parsed.index.manifests) {
        const content = await this.from.getManifest(child.digest);
        const copied = await this.copyManifest(child.digest, content.bytes, content.descriptor.mediaType);
        subjects.push(...copied.subjects);
        wrote ||= copied.wrote;
      }
    } else {
      // Largest first: the big layers stream side by side from the start, a small config after.
      const blobs = uniqueByDigest([parsed.manifest.config, ...parsed.manifest.layers]).sort((a, b) => b.size - a.size);
      // Mounts move no bytes: unless the caller bounds it, a manifest's mounts go out at once.
      const limit = this.options.concurrency ?? (this.mountable() && !present ? MOUNTS_AT_ONCE : 4);
      await eachLimit(blobs, limit, (blob) => this.copyBlob(blob, !present));
    }
    if (present) {
      this.options.onProgress?.({ kind: "manifest", digest, action: "skipped" });
    } else if (options.put === false) {
      // The caller stores it (pushReferrers).
      this.manifestsWritten++;
      wrote = true;
    } else {
      await this.to.putManifest(bytes, parsed.mediaType);
      this.manifestsWritten++;
      wrote = true;
      this.options.onProgress?.({ kind: "manifest", digest, action: "copied" });
    }
    return { subjects: [digest, ...subjects], wrote };
  }

  /** A referrer manifest of the source, read once per copy. */
  private sourceManifest(digest: string): Promise<ManifestContent> {
    let content = this.manifests.get(digest);
    if (content === undefined) {
      content = this.from.getManifest(digest);
      this.manifests.set(digest, content);
    }
    return content;
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

  /** Source and target are repositories of one registry: blobs are mounted, not sent. */
  private mountable(): boolean {
    const { from, to } = this;
    return from instanceof RegistryRepository && to instanceof RegistryRepository && from.registry === to.registry && from.repository !== to.repository;
  }

  /**
   * Each blob once per copy: referrers copied side by side share blobs (the empty config). A
   * later manifest naming it finds it there (skipped) once the first copy of it is done.
   */
  private async copyBlob(blob: Descriptor, fresh: boolean): Promise<void> {
    const copying = this.blobs.get(blob.digest);
    if (copying === undefined) {
      const first = this.copyBlobOnce(blob, fresh);
      this.blobs.set(blob.digest, first);
      return first;
    }
    await copying;
    this.result.skippedBlobs++;
    this.options.onProgress?.({ kind: "blob", digest: blob.digest, size: blob.size, action: "skipped" });
  }

  /** `fresh`: the manifest is new at the target, so a mount goes first (no HEAD). */
  private async copyBlobOnce(blob: Descriptor, fresh: boolean): Promise<void> {
    const report = (action: "copied" | "mounted" | "skipped"): void => this.options.onProgress?.({ kind: "blob", digest: blob.digest, size: blob.size, action });
    const { from, to } = this;
    const mountable = this.mountable();
    const chunkSize = this.options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    // Registry to registry: the download flows into one upload, checked on the way; whether the
    // target has the blob is asked beside the upload's start, not before it.
    if (!mountable && from instanceof RegistryRepository && to instanceof RegistryRepository && blob.size > chunkSize) {
      const present = quiet(to.hasBlob(blob.digest));
      await this.landed(streamBlob(from, to, blob, { present }), blob);
      if (await present.catch(() => false)) {
        this.result.skippedBlobs++;
        return report("skipped");
      }
      this.result.copiedBlobs++;
      this.result.bytesUploaded += blob.size;
      return report("copied");
    }
    if (!(mountable && fresh) && (await to.hasBlob(blob.digest))) {
      this.result.skippedBlobs++;
      return report("skipped");
    }
    if (mountable && from instanceof RegistryRepository && to instanceof RegistryRepository && (await mountBlob(to, blob.digest, from.repository))) {
      this.result.mountedBlobs++;
      return report("mounted");
    }
    const open = (): Promise<Readable> => from.getBlob({ digest: blob.digest, size: blob.size });
    await this.landed(
      (async () => {
        if (to instanceof RegistryRepository && from instanceof RegistryRepository && blob.size > chunkSize) {
          // Not mounted after all (the registry declined): streamed like a copy between registries.
          await streamBlob(from, to, blob);
        } else if (to instanceof RegistryRepository && blob.size > chunkSize) {
          // The source's stream is a verifying one: no second hash on the way up.
          await uploadBlobChunked(to, blob, open, { chunkSize, verify: false });
        } else if (to instanceof RegistryRepository) {
          await uploadBlobMonolithic(to, blob, await readBlobBytes(from, blob, chunkSize));
        } else {
          await to.putBlob(blob, () => deferred(open));
        }
      })(),
      blob,
    );
    this.result.copiedBlobs++;
    this.result.bytesUploaded += blob.size;
    report("copied");
  }

  /** Waits for an upload; one whose last answer was lost may have landed all the same. */
  private async landed(upload: Promise<unknown>, blob: Descriptor): Promise<void> {
    try {
      await upload;
    } catch (error) {
      if (!(await this.to.hasBlob(blob.digest).catch(() => false))) throw error;
    }
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
    const nested: string[] = [];
    for (const { subject, listed } of listings) {
      if (listed.length === 0) continue;
      const present = new Set((await this.listed(this.to, subject)).map((d) => d.digest));
      // Their own referrers are listed while they are copied.
      if (depth + 1 < MAX_REFERRER_DEPTH) for (const r of listed) this.listed(this.from, r.digest).catch(() => undefined);
      const todo = uniqueByDigest(listed.filter((r) => !this.done.has(r.digest)));
      // Each referrer's manifest, and whether the target has it, are asked for all at once.
      const contents = new Map(todo.map((r) => [r.digest, quiet(this.sourceManifest(r.digest))]));
      for (const r of todo) quiet(this.hasManifest(r.digest));
      // Their blobs (and manifests the target's list has already) are copied side by side...
      const copies = await mapLimit(todo, this.options.concurrency ?? 4, async (referrer) => {
        const content = await (contents.get(referrer.digest) as Promise<ManifestContent>);
        const copied = await this.copyManifest(referrer.digest, content.bytes, content.descriptor.mediaType, { put: present.has(referrer.digest) });
        return { content, ...copied };
      });
      // ...and the ones it lacks are stored and added to the subject's list together.
      const toPush = todo.map((r, i) => ({ r, copy: copies[i] })).filter(({ r }) => !present.has(r.digest));
      const pushed = toPush.length === 0 ? [] : await pushReferrers(this.to, toPush.map(({ copy }) => (copy as { content: ManifestContent }).content.bytes), { settleMs: this.options.referrerSettleMs ?? 0 });
      const methods = new Map(toPush.map(({ r }, i) => [r.digest, pushed[i]?.method]));
      todo.forEach((referrer, i) => {
        const copy = copies[i] as { subjects: string[]; wrote: boolean };
        const entry: CopiedReferrer = { digest: referrer.digest, subject, status: "present" };
        if (referrer.artifactType !== undefined) entry.artifactType = referrer.artifactType;
        const method = methods.get(referrer.digest);
        if (!present.has(referrer.digest)) {
          entry.status = "copied";
          if (method !== undefined) entry.method = method;
        } else if (copy.wrote) {
          entry.status = "copied";
        }
        this.result.referrers.push(entry);
        this.options.onProgress?.({ kind: "referrer", digest: referrer.digest, subject, action: entry.status === "copied" ? "copied" : "skipped" });
        nested.push(...copy.subjects);
      });
    }
    if (nested.length > 0) await this.copyReferrers(nested, depth + 1);
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

/** The same promise, with its rejection marked handled (it is awaited later, or not needed). */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function uniqueByDigest(blobs: Descriptor[]): Descriptor[] {
  const seen = new Set<string>();
  return blobs.filter((b) => !seen.has(b.digest) && seen.add(b.digest));
}
