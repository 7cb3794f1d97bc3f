/**
 * Files that are not images (a release tarball, a checksums file) as an OCI 1.1 artifact, so
 * they are signed, attested, promoted and traced through the same path as an image:
 *
 *   { schemaVersion: 2, mediaType: application/vnd.oci.image.manifest.v1+json,
 *     artifactType: <type>, config: <the empty descriptor>,
 *     layers: [{ mediaType, digest, size, annotations: { org.opencontainers.image.title: <file name> } }] }
 *
 * as the OCI image spec's artifact guidance and `oras push` write them. Files are streamed from
 * disk (hashed once, uploaded as a stream), never held whole in memory. Reading back checks each
 * file's digest as it streams and refuses names that would leave the output directory.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { digestOf } from "./digest.js";
import { OciError } from "./errors.js";
import { parseManifest, type Descriptor } from "./manifest.js";
import { MediaType } from "./media-types.js";
import type { ImageStore } from "./store.js";

/** The annotation naming a file in an artifact (as `oras` writes it). */
export const TITLE_ANNOTATION = "org.opencontainers.image.title";
/** The artifact type of a release's files, when none is given. */
export const RELEASE_ARTIFACT_TYPE = "application/vnd.peptide.release.v1";

const EMPTY_CONFIG = Buffer.from("{}");
const EMPTY: Descriptor = { mediaType: MediaType.ociEmpty, digest: digestOf(EMPTY_CONFIG), size: EMPTY_CONFIG.length };

export interface FileArtifactOptions {
  /** Default application/vnd.peptide.release.v1. */
  artifactType?: string;
  /** Manifest annotations (e.g. org.opencontainers.image.version). */
  annotations?: Record<string, string>;
}

export interface FileArtifact {
  /** The manifest's descriptor: its digest is the artifact's digest. */
  descriptor: Descriptor;
  manifest: Buffer;
  files: Array<{ path: string; descriptor: Descriptor }>;
}

/** Hashes each file and lays out the artifact manifest; nothing is written yet. */
export async function buildFileArtifact(files: readonly string[], options: FileArtifactOptions = {}): Promise<FileArtifact> {
  if (files.length === 0) throw new OciError("REFERENCE_INVALID", "an artifact needs at least one file");
  const seen = new Set<string>();
  const out: FileArtifact["files"] = [];
  for (const file of files) {
    const info = await lstat(file).catch((cause: unknown) => {
      throw new OciError("BLOB_UNKNOWN", `${file}: cannot be read`, { cause });
    });
    if (!info.isFile()) throw new OciError("BLOB_UNKNOWN", `${file}: not a regular file (directories and symlinks are not packed; give the files)`);
    const title = path.basename(file);
    if (seen.has(title)) throw new OciError("REFERENCE_INVALID", `${file}: another file is also named ${title}; names in an artifact are unique`);
    seen.add(title);
    const hash = createHash("sha256");
    await pipeline(createReadStream(file), hash);
    out.push({ path: file, descriptor: { mediaType: mediaTypeOf(title), digest: `sha256:${hash.digest("hex")}`, size: info.size, annotations: { [TITLE_ANNOTATION]: title } } });
  }
  const manifestJson = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: options.artifactType ?? RELEASE_ARTIFACT_TYPE,
    config: EMPTY,
    layers: out.map((f) => f.descriptor),
    ...(options.annotations && Object.keys(options.annotations).length > 0 ? { annotations: options.annotations } : {}),
  };
  const manifest = Buffer.from(JSON.stringify(manifestJson));
  return { descriptor: { mediaType: MediaType.ociManifest, digest: digestOf(manifest), size: manifest.length, artifactType: manifestJson.artifactType }, manifest, files: out };
}

/** Uploads the files (streamed, each checked against its digest), then the manifest, tagged last when `tag` is given. */
export async function pushFileArtifact(store: ImageStore, artifact: FileArtifact, tag?: string): Promise<Descriptor> {
  await store.putBlob(EMPTY, EMPTY_CONFIG);
  for (const file of artifact.files) await store.putBlob(file.descriptor, () => createReadStream(file.path));
  const stored = await store.putManifest(artifact.manifest, artifact.descriptor.mediaType);
  if (tag !== undefined) await store.tag(tag, stored.digest);
  return { ...stored, ...(artifact.descriptor.artifactType ? { artifactType: artifact.descriptor.artifactType } : {}) };
}

/**
 * Writes the files of the artifact `digest` into `dir`, each verified as it streams and renamed
 * into place only when whole. A title that is not a plain file name (a path, `..`) is refused.
 */
export async function pullFileArtifact(store: ImageStore, digest: string, dir: string): Promise<Array<{ name: string; path: string; descriptor: Descriptor }>> {
  const content = await store.getManifest(digest);
  const parsed = parseManifest(content.bytes, content.descriptor.mediaType, `${store.location}@${digest}`);
  if (parsed.kind !== "manifest") throw new OciError("MANIFEST_INVALID", `${store.location}@${digest} is an index, not a file artifact`);
  const layers = parsed.manifest.layers;
  const names = layers.map((layer) => {
    const title = layer.annotations?.[TITLE_ANNOTATION];
    // eslint-disable-next-line no-control-regex
    if (title === undefined || title.trim() === "" || title === "." || title === ".." || title !== path.basename(title) || /[\\/\u0000-\u001f\u007f]/.test(title)) {
      throw new OciError("MANIFEST_INVALID", `${store.location}@${digest}: layer ${layer.digest} is named ${JSON.stringify(title ?? null)}, not a plain file name; nothing was written`);
    }
    return title;
  });
  if (new Set(names).size !== names.length) throw new OciError("MANIFEST_INVALID", `${store.location}@${digest}: two files share a name; nothing was written`);
  await mkdir(dir, { recursive: true }).catch((cause: unknown) => {
    throw new OciError("BLOB_UNKNOWN", `${dir}: cannot be created as the output directory (${(cause as NodeJS.ErrnoException).code ?? "error"})`, { cause });
  });
  const written: Array<{ name: string; path: string; descriptor: Descriptor }> = [];
  for (const [i, layer] of layers.entries()) {
    const name = names[i] as string;
    const target = path.join(dir, name);
    const partial = `${target}.partial-${process.pid}`;
    try {
      await pipeline(await store.getBlob(layer), createWriteStream(partial, { flags: "wx" }));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      // A file-system refusal (a directory in the way, no space) in one line; registry errors as they are.
      if (typeof code === "string" && /^E[A-Z]+$/.test(code) && !(error instanceof OciError)) {
        throw new OciError("BLOB_UNKNOWN", `${target}: cannot be written (${code}); nothing else was written after it`, { cause: error });
      }
      throw error;
    }
    written.push({ name, path: target, descriptor: layer });
  }
  return written;
}

function mediaTypeOf(name: string): string {
  // Not the image layer types: a tool that unpacks layers must not take a tarball for a filesystem.
  if (/\.(tgz|gz)$/i.test(name)) return "application/gzip";
  if (/\.tar$/i.test(name)) return "application/x-tar";
  if (/\.json$/i.test(name)) return "application/json";
  return "application/octet-stream";
}
