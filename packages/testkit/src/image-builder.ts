/**
 * OCI images built in memory from file trees, for tests: each layer a tar (tar-stream's pack)
 * gzipped by node:zlib, a config with the layers' diff_ids, a manifest, and optionally a
 * multi-platform index; then written to any ImageStore (an OCI layout directory or a registry
 * repository) through @peptide/oci. Entries are written in the tree's order, with fixed owner
 * and time, so the same tree always gives the same digest.
 */
import { gzipSync } from "node:zlib";
import { digestOf, MediaType, type Descriptor, type ImageStore, type Platform } from "@peptide/oci";
import { pack, type Pack } from "tar-stream";

/** One path of a layer. Keys of a FileTree are tar entry names, written as given (`../x` too). */
export type TreeEntry =
  | string
  | Uint8Array
  | { content: string | Uint8Array; mode?: number }
  | { symlink: string }
  | { hardlink: string }
  | { dir: true; mode?: number }
  /** Deletes the path from lower layers: written as `<dir>/.wh.<name>`. */
  | { whiteout: true }
  /** Hides everything lower layers put in this directory: written as `<dir>/.wh..wh..opq`. */
  | { opaque: true };

export type FileTree = Record<string, TreeEntry>;

export interface ImageSpec {
  layers: FileTree[];
  /** Default linux/amd64. */
  platform?: Platform;
  /** Docker v2 schema 2 media types instead of OCI ones. */
  docker?: boolean;
  /** Layers left uncompressed. */
  uncompressed?: boolean;
  /** Extra fields of the config's `config` (Env, Cmd, Labels...). */
  config?: Record<string, unknown>;
  annotations?: Record<string, string>;
}

export interface BuiltBlob {
  descriptor: Descriptor;
  bytes: Uint8Array;
}

export interface BuiltImage {
  kind: "image";
  /** The manifest's descriptor, with the platform. */
  descriptor: Descriptor;
  manifest: Uint8Array;
  config: BuiltBlob;
  layers: BuiltBlob[];
}

export interface BuiltIndex {
  kind: "index";
  descriptor: Descriptor;
  index: Uint8Array;
  images: BuiltImage[];
}

const EPOCH = new Date(0);

export async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const platform = spec.platform ?? { os: "linux", architecture: "amd64" };
  const docker = spec.docker === true;
  const layers: BuiltBlob[] = [];
  const diffIds: string[] = [];
  for (const tree of spec.layers) {
    const tar = await layerTar(tree);
    diffIds.push(digestOf(tar));
    const bytes = spec.uncompressed ? tar : gzipSync(tar);
    const mediaType = docker ? MediaType.dockerLayerGzip : spec.uncompressed ? MediaType.ociLayer : MediaType.ociLayerGzip;
    layers.push({ descriptor: { mediaType, digest: digestOf(bytes), size: bytes.length }, bytes });
  }
  const configJson = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], ...spec.config },
    rootfs: { type: "layers", diff_ids: diffIds },
    history: spec.layers.map((_, i) => ({ created: EPOCH.toISOString(), created_by: `peptide testkit layer ${i}` })),
  };
  const configBytes = Buffer.from(JSON.stringify(configJson));
  const config: BuiltBlob = { descriptor: { mediaType: docker ? MediaType.dockerConfig : MediaType.ociConfig, digest: digestOf(configBytes), size: configBytes.length }, bytes: configBytes };
  const mediaType = docker ? MediaType.dockerManifest : MediaType.ociManifest;
  const manifestJson = {
    schemaVersion: 2,
    mediaType,
    config: config.descriptor,
    layers: layers.map((l) => l.descriptor),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const manifest = Buffer.from(JSON.stringify(manifestJson));
  return { kind: "image", descriptor: { mediaType, digest: digestOf(manifest), size: manifest.length, platform }, manifest, config, layers };
}

/** An index over images (each must carry its platform); Docker manifest list when `docker`. */
export function buildIndex(images: BuiltImage[], options: { docker?: boolean; annotations?: Record<string, string> } = {}): BuiltIndex {
  const mediaType = options.docker ? MediaType.dockerManifestList : MediaType.ociIndex;
  const json = {
    schemaVersion: 2,
    mediaType,
    manifests: images.map((i) => i.descriptor),
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  const index = Buffer.from(JSON.stringify(json));
  return { kind: "index", descriptor: { mediaType, digest: digestOf(index), size: index.length }, index, images };
}

/** Writes every blob and manifest to the store (children before the index), then the tag. */
export async function writeImage(store: ImageStore, built: BuiltImage | BuiltIndex, tag?: string): Promise<Descriptor> {
  if (built.kind === "index") {
    for (const image of built.images) await writeImage(store, image);
    return store.putManifest(built.index, built.descriptor.mediaType, tag);
  }
  for (const blob of [built.config, ...built.layers]) await store.putBlob(blob.descriptor, blob.bytes);
  return store.putManifest(built.manifest, built.descriptor.mediaType, tag);
}

/** The uncompressed tar of one layer. */
export async function layerTar(tree: FileTree): Promise<Buffer> {
  const archive = pack();
  const done = collect(archive);
  for (const [name, entry] of Object.entries(tree)) await addEntry(archive, name, entry);
  archive.finalize();
  return done;
}

function addEntry(archive: Pack, name: string, entry: TreeEntry): Promise<void> {
  const base = { name, mtime: EPOCH, uid: 0, gid: 0, uname: "root", gname: "root" };
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null): void => (error ? reject(error) : resolve());
    if (typeof entry === "string" || entry instanceof Uint8Array) {
      archive.entry({ ...base, mode: 0o644, type: "file" }, toBuffer(entry), done);
    } else if ("content" in entry) {
      archive.entry({ ...base, mode: entry.mode ?? 0o644, type: "file" }, toBuffer(entry.content), done);
    } else if ("symlink" in entry) {
      archive.entry({ ...base, mode: 0o777, type: "symlink", linkname: entry.symlink }, done);
    } else if ("hardlink" in entry) {
      archive.entry({ ...base, mode: 0o644, type: "link", linkname: entry.hardlink }, done);
    } else if ("dir" in entry) {
      archive.entry({ ...base, mode: entry.mode ?? 0o755, type: "directory" }, done);
    } else if ("whiteout" in entry) {
      const slash = name.replace(/\/+$/, "").lastIndexOf("/");
      const trimmed = name.replace(/\/+$/, "");
      archive.entry({ ...base, name: `${trimmed.slice(0, slash + 1)}.wh.${trimmed.slice(slash + 1)}`, mode: 0o644, type: "file" }, Buffer.alloc(0), done);
    } else {
      archive.entry({ ...base, name: `${name.replace(/\/+$/, "")}/.wh..wh..opq`, mode: 0o644, type: "file" }, Buffer.alloc(0), done);
    }
  });
}

function toBuffer(content: string | Uint8Array): Buffer {
  return typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
}

function collect(archive: Pack): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    archive.on("data", (chunk: unknown) => {
      if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    });
    archive.on("end", () => resolve(Buffer.concat(chunks)));
    archive.on("error", reject);
  });
}
