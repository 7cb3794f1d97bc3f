/**
 * An OCI image layout directory as an image store: `oci-layout`, `index.json` and
 * `blobs/<alg>/<hex>`. Tags are the `org.opencontainers.image.ref.name` annotations of
 * index.json's entries. Blobs are written to a temporary file, verified, then renamed into
 * place, and index.json is replaced atomically, so a reader never sees a partial blob or index.
 * https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { DigestVerifier, digestOf, parseDigest, verifyBytes } from "./digest.js";
import { OciError } from "./errors.js";
import { isRecord, MAX_MANIFEST_BYTES, parseDescriptor, parseManifest, REF_NAME_ANNOTATION, type Descriptor, type ImageIndex } from "./manifest.js";
import { MediaType } from "./media-types.js";
import type { BlobRef, BlobSource, ImageStore, ManifestContent } from "./store.js";

const LAYOUT_FILE = "oci-layout";
const LAYOUT_VERSION = "1.0.0";

export class OciLayout implements ImageStore {
  readonly location: string;
  /** index.json updates run one after another. */
  private indexWrites: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {
    this.location = `oci-layout:${dir}`;
  }

  /** Whether `dir` holds an `oci-layout` file. */
  static async isLayout(dir: string): Promise<boolean> {
    return stat(path.join(dir, LAYOUT_FILE)).then((s) => s.isFile(), () => false);
  }

  /** Opens an existing layout; throws LAYOUT_INVALID when `dir` is not one. */
  static async open(dir: string): Promise<OciLayout> {
    const file = path.join(dir, LAYOUT_FILE);
    const text = await readFile(file, "utf8").catch((cause: unknown) => {
      throw new OciError("LAYOUT_INVALID", `${dir}: not an OCI image layout (no readable ${LAYOUT_FILE} file)`, { cause });
    });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new OciError("LAYOUT_INVALID", `${file}: not JSON`, { cause });
    }
    if (!isRecord(json) || typeof json.imageLayoutVersion !== "string") throw new OciError("LAYOUT_INVALID", `${file}: no imageLayoutVersion`);
    if (json.imageLayoutVersion.split(".")[0] !== "1") throw new OciError("UNSUPPORTED", `${file}: imageLayoutVersion ${json.imageLayoutVersion} is not supported (1.x only)`);
    return new OciLayout(path.resolve(dir));
  }

  /** Opens the layout in `dir`, creating the directory, `oci-layout` and an empty index.json as needed. */
  static async create(dir: string): Promise<OciLayout> {
    await mkdir(path.join(dir, "blobs", "sha256"), { recursive: true });
    if (!(await OciLayout.isLayout(dir))) await writeFile(path.join(dir, LAYOUT_FILE), `${JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION })}\n`);
    const index = path.join(dir, "index.json");
    if (!(await stat(index).then(() => true, () => false))) await writeAtomically(index, serializeIndex({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }));
    return OciLayout.open(dir);
  }

  /** The layout's index.json. */
  async readIndex(): Promise<ImageIndex> {
    const file = path.join(this.dir, "index.json");
    const bytes = await readFile(file).catch((cause: unknown) => {
      throw new OciError("LAYOUT_INVALID", `${file}: cannot be read`, { cause });
    });
    const parsed = parseManifest(bytes, MediaType.ociIndex, file);
    if (parsed.kind !== "index") throw new OciError("LAYOUT_INVALID", `${file}: not an image index`);
    return parsed.index;
  }

  /** Tags of the layout (`ref.name` annotations), in index order. */
  async tags(): Promise<string[]> {
    const index = await this.readIndex();
    return index.manifests.map((d) => d.annotations?.[REF_NAME_ANNOTATION]).filter((t): t is string => t !== undefined);
  }

  async resolve(reference?: string): Promise<Descriptor> {
    const index = await this.readIndex();
    if (reference === undefined || reference === "") {
      const [only, ...more] = index.manifests;
      if (only && more.length === 0) return only;
      throw new OciError("MANIFEST_UNKNOWN", `${this.location}: holds ${index.manifests.length} images; name one by tag (${describeTags(index)}) or digest`);
    }
    if (/^sha(256|512):/.test(reference)) {
      parseDigest(reference);
      const listed = index.manifests.find((d) => d.digest === reference);
      if (listed) return listed;
      // A manifest that index.json does not list (a platform manifest of a listed index).
      const bytes = await this.readBlobFile(reference, MAX_MANIFEST_BYTES).catch((cause: unknown) => {
        if (cause instanceof OciError && cause.code === "BLOB_UNKNOWN") throw new OciError("MANIFEST_UNKNOWN", `${this.location}: no manifest ${reference}`, { cause });
        throw cause;
      });
      const parsed = parseManifest(bytes, undefined, `manifest ${reference} in ${this.location}`);
      return { mediaType: parsed.mediaType, digest: reference, size: bytes.length };
    }
    const found = index.manifests.find((d) => refNameMatches(d.annotations?.[REF_NAME_ANNOTATION], reference));
    if (!found) throw new OciError("MANIFEST_UNKNOWN", `${this.location}: no image tagged ${JSON.stringify(reference)} (tags: ${describeTags(index)})`);
    return found;
  }

  async getManifest(reference?: string): Promise<ManifestContent> {
    const descriptor = await this.resolve(reference);
    const bytes = await this.readBlobFile(descriptor.digest, MAX_MANIFEST_BYTES);
    verifyBytes(bytes, descriptor.digest, `manifest ${descriptor.digest} in ${this.location}`);
    return { descriptor: { ...descriptor, size: bytes.length }, bytes };
  }

  async getBlob(blob: BlobRef): Promise<Readable> {
    const file = this.blobPath(blob.digest);
    const what = `blob ${blob.digest} in ${this.location}`;
    const info = await stat(file).catch((cause: unknown) => {
      throw new OciError("BLOB_UNKNOWN", `${this.location}: no blob ${blob.digest}`, { cause });
    });
    if (blob.size !== undefined && info.size !== blob.size) {
      throw new OciError("SIZE_MISMATCH", `${what}: ${info.size} bytes on disk, its descriptor declares ${blob.size}`);
    }
    const verifier = new DigestVerifier(blob.digest, { size: info.size, what });
    pipeline(createReadStream(file), verifier).catch(() => undefined);
    return verifier;
  }

  async hasBlob(digest: string): Promise<boolean> {
    return stat(this.blobPath(digest)).then((s) => s.isFile(), () => false);
  }

  async putBlob(blob: { digest: string; size: number }, content: BlobSource): Promise<void> {
    const file = this.blobPath(blob.digest);
    if (await this.hasBlob(blob.digest)) return;
    const what = `blob ${blob.digest} for ${this.location}`;
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      if (content instanceof Uint8Array) {
        if (content.length !== blob.size) throw new OciError("SIZE_MISMATCH", `${what}: ${content.length} bytes given, ${blob.size} declared`);
        verifyBytes(content, blob.digest, what);
        await writeFile(temp, content);
      } else {
        await pipeline(content(), new DigestVerifier(blob.digest, { size: blob.size, what }), createWriteStream(temp));
      }
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async putManifest(bytes: Uint8Array, mediaType: string, tag?: string): Promise<Descriptor> {
    const parsed = parseManifest(bytes, mediaType, `manifest for ${this.location}`);
    const descriptor: Descriptor = { mediaType: parsed.mediaType, digest: digestOf(bytes), size: bytes.length };
    await this.putBlob(descriptor, bytes);
    if (tag !== undefined) await this.setTag(tag, descriptor);
    return descriptor;
  }

  async tag(tag: string, digest: string): Promise<void> {
    await this.setTag(tag, await this.resolve(digest));
  }

  /** Points `tag` at `descriptor` in index.json, replacing an entry with the same tag. */
  private setTag(tag: string, descriptor: Descriptor): Promise<void> {
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return Promise.reject(new OciError("REFERENCE_INVALID", `${JSON.stringify(tag)} is not a valid tag`));
    const write = this.indexWrites.then(async () => {
      const index = await this.readIndex();
      const entry: Descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
      if (descriptor.platform) entry.platform = descriptor.platform;
      entry.annotations = { ...(descriptor.annotations ?? {}), [REF_NAME_ANNOTATION]: tag };
      const at = index.manifests.findIndex((d) => d.annotations?.[REF_NAME_ANNOTATION] === tag);
      if (at >= 0) index.manifests[at] = entry;
      else index.manifests.push(entry);
      await writeAtomically(path.join(this.dir, "index.json"), serializeIndex(index));
    });
    this.indexWrites = write.catch(() => undefined);
    return write;
  }

  private blobPath(digest: string): string {
    const { algorithm, hex } = parseDigest(digest);
    return path.join(this.dir, "blobs", algorithm, hex);
  }

  private async readBlobFile(digest: string, maxBytes: number): Promise<Buffer> {
    const file = this.blobPath(digest);
    const info = await stat(file).catch((cause: unknown) => {
      throw new OciError("BLOB_UNKNOWN", `${this.location}: no blob ${digest}`, { cause });
    });
    if (info.size > maxBytes) throw new OciError("MANIFEST_INVALID", `${this.location}: ${digest} is ${info.size} bytes, over the ${maxBytes}-byte manifest limit`);
    return readFile(file);
  }
}

/** A ref.name matches a tag exactly, or is a full reference ending in `:tag`. */
function refNameMatches(refName: string | undefined, tag: string): boolean {
  if (refName === undefined) return false;
  return refName === tag || (refName.endsWith(`:${tag}`) && refName.lastIndexOf("/") < refName.length - tag.length - 1);
}

function describeTags(index: ImageIndex): string {
  const tags = index.manifests.map((d) => d.annotations?.[REF_NAME_ANNOTATION]).filter((t): t is string => t !== undefined);
  return tags.length === 0 ? "none" : tags.slice(0, 10).join(", ") + (tags.length > 10 ? ", …" : "");
}

function serializeIndex(index: ImageIndex): string {
  const out: Record<string, unknown> = { schemaVersion: 2, mediaType: index.mediaType ?? MediaType.ociIndex, manifests: index.manifests.map((d) => parseDescriptor(d, "index.json")) };
  if (index.annotations) out.annotations = index.annotations;
  return `${JSON.stringify(out, null, 2)}\n`;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}
