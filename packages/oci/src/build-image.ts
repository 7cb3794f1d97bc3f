/**
 * An OCI image of a directory, built with no container engine: one layer (a tar written here,
 * gzipped by node:zlib), a config with the layer's diff_id, and a manifest. The build is
 * reproducible: entries sorted by name, owner root, fixed modes (0644, 0755 for executables and
 * directories) and a fixed time (`created`, default the Unix epoch) everywhere, so the same files
 * always give the same digest. Files are read into memory: this is for small trees (a service's
 * sources and lockfile), not for a root filesystem.
 * https://github.com/opencontainers/image-spec/blob/v1.1.0/layer.md
 */
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { digestOf } from "./digest.js";
import { OciError } from "./errors.js";
import type { Descriptor, Platform } from "./manifest.js";
import { MediaType } from "./media-types.js";
import type { ImageStore } from "./store.js";

export interface DirectoryImageOptions {
  /** Paths relative to the directory to put in the image (files or folders, walked); default all of it. */
  include?: readonly string[];
  /** Folder in the image the files land in, without a leading `/`; default `app`. */
  destination?: string;
  /** Default linux/amd64. */
  platform?: Platform;
  /** Fields of the config's `config` (Cmd, Entrypoint, Env, WorkingDir, Labels, User...). */
  config?: Record<string, unknown>;
  /** Annotations of the manifest. */
  annotations?: Record<string, string>;
  /** Time written in the tar entries and the config; default the Unix epoch. */
  created?: Date;
}

export interface BuiltBlobBytes {
  descriptor: Descriptor;
  bytes: Buffer;
}

export interface DirectoryImage {
  /** The manifest's descriptor (its digest is the image digest), with the platform. */
  descriptor: Descriptor;
  manifest: Buffer;
  config: BuiltBlobBytes;
  layer: BuiltBlobBytes & { diffId: string };
  /** Regular files in the layer. */
  files: number;
  /** Manifest, config and layer bytes together. */
  size: number;
}

type Entry =
  | { kind: "file"; name: string; mode: number; content: Buffer }
  | { kind: "dir"; name: string }
  | { kind: "symlink"; name: string; target: string };

export async function buildImageFromDirectory(dir: string, options: DirectoryImageOptions = {}): Promise<DirectoryImage> {
  const destination = (options.destination ?? "app").replace(/^\/+|\/+$/g, "");
  const created = options.created ?? new Date(0);
  const platform = options.platform ?? { os: "linux", architecture: "amd64" };
  const entries = new Map<string, Entry>();
  const addParents = (name: string) => {
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      if (parent !== "" && !entries.has(parent)) entries.set(parent, { kind: "dir", name: parent });
    }
  };
  for (const relative of options.include ?? ["."]) {
    const source = path.resolve(dir, relative);
    if (path.relative(dir, source).startsWith("..")) throw new OciError("REFERENCE_INVALID", `${relative}: outside ${dir}`);
    for (const entry of await walk(dir, source)) {
      const name = [destination, entry.name].filter((p) => p !== "").join("/");
      if (name === "") continue;
      addParents(name);
      entries.set(name, { ...entry, name });
    }
  }
  if (destination !== "") {
    addParents(`${destination}/x`);
  }
  const sorted = [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const tar = tarOf(sorted, Math.floor(created.getTime() / 1000));
  const diffId = digestOf(tar);
  const layerBytes = gzipSync(tar, { level: 9 });
  const layer = { descriptor: { mediaType: MediaType.ociLayerGzip, digest: digestOf(layerBytes), size: layerBytes.length }, bytes: layerBytes, diffId };

  const configJson = {
    created: created.toISOString(),
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], ...(destination ? { WorkingDir: `/${destination}` } : {}), ...options.config },
    rootfs: { type: "layers", diff_ids: [diffId] },
    history: [{ created: created.toISOString(), created_by: `peptide: copy ${[...(options.include ?? ["."])].sort().join(" ")} to /${destination}` }],
  };
  const configBytes = Buffer.from(JSON.stringify(configJson));
  const config = { descriptor: { mediaType: MediaType.ociConfig, digest: digestOf(configBytes), size: configBytes.length }, bytes: configBytes };
  const manifestJson = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: config.descriptor,
    layers: [layer.descriptor],
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  const manifest = Buffer.from(JSON.stringify(manifestJson));
  return {
    descriptor: { mediaType: MediaType.ociManifest, digest: digestOf(manifest), size: manifest.length, platform },
    manifest,
    config,
    layer,
    files: sorted.filter((e) => e.kind === "file").length,
    size: manifest.length + configBytes.length + layerBytes.length,
  };
}

/** Writes the layer and config, then the manifest (tagged when `tag` is given). */
export async function writeDirectoryImage(store: ImageStore, image: DirectoryImage, tag?: string): Promise<Descriptor> {
  for (const blob of [image.config, image.layer]) await store.putBlob({ digest: blob.descriptor.digest, size: blob.descriptor.size }, blob.bytes);
  return store.putManifest(image.manifest, image.descriptor.mediaType, tag);
}

/** Entries under `source`, named relative to `root` with `/`; symlinks are kept as links, never followed. */
async function walk(root: string, source: string): Promise<Entry[]> {
  const info = await lstat(source).catch((cause: unknown) => {
    throw new OciError("BLOB_UNKNOWN", `${source}: cannot be read`, { cause });
  });
  const name = path.relative(root, source).split(path.sep).join("/");
  if (info.isSymbolicLink()) return [{ kind: "symlink", name, target: await readlink(source) }];
  if (info.isFile()) return [{ kind: "file", name, mode: info.mode & 0o111 ? 0o755 : 0o644, content: await readFile(source) }];
  if (!info.isDirectory()) return [];
  const out: Entry[] = name === "" ? [] : [{ kind: "dir", name }];
  for (const child of (await readdir(source)).sort()) out.push(...(await walk(root, path.join(source, child))));
  return out;
}

/** A POSIX tar (ustar, with a PAX record for names over the ustar limits), ending in two zero blocks. */
function tarOf(entries: readonly Entry[], mtime: number): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const name = entry.kind === "dir" ? `${entry.name}/` : entry.name;
    const linkname = entry.kind === "symlink" ? entry.target : "";
    const content = entry.kind === "file" ? entry.content : Buffer.alloc(0);
    const pax: Record<string, string> = {};
    const split = splitName(name);
    if (split === undefined) pax.path = name;
    if (Buffer.byteLength(linkname) > 100) pax.linkpath = linkname;
    if (Object.keys(pax).length > 0) {
      const body = Buffer.from(Object.entries(pax).map(([key, value]) => paxRecord(key, value)).join(""));
      blocks.push(header({ name: "PaxHeader", prefix: "", mode: 0o644, size: body.length, mtime, type: "x", linkname: "" }), pad(body));
    }
    const short = split ?? { name: name.slice(-100), prefix: "" };
    const mode = entry.kind === "file" ? entry.mode : entry.kind === "dir" ? 0o755 : 0o777;
    const type = entry.kind === "file" ? "0" : entry.kind === "dir" ? "5" : "2";
    blocks.push(header({ ...short, mode, size: content.length, mtime, type, linkname: linkname.slice(0, 100) }));
    if (content.length > 0) blocks.push(pad(content));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** ustar's name (100 bytes) and prefix (155 bytes) split at a `/`, or undefined when it does not fit. */
function splitName(name: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: "" };
  for (let i = name.indexOf("/"); i > 0; i = name.indexOf("/", i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== "") return { name: rest, prefix };
  }
  return undefined;
}

/** `<length> <key>=<value>\n`, the length counting itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return `${length}${body}`;
}

interface Header {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  mtime: number;
  type: string;
  linkname: string;
}

function header(h: Header): Buffer {
  const block = Buffer.alloc(512);
  const text = (value: string, offset: number, length: number) => block.write(value, offset, length, "utf8");
  const octal = (value: number, offset: number, length: number) => text(`${value.toString(8).padStart(length - 1, "0")}\0`, offset, length);
  text(h.name, 0, 100);
  octal(h.mode, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(h.size, 124, 12);
  octal(h.mtime, 136, 12);
  block.fill(0x20, 148, 156);
  text(h.type, 156, 1);
  text(h.linkname, 157, 100);
  text("ustar\0", 257, 6);
  text("00", 263, 2);
  text("root", 265, 32);
  text("root", 297, 32);
  octal(0, 329, 8);
  octal(0, 337, 8);
  text(h.prefix, 345, 155);
  let sum = 0;
  for (const byte of block) sum += byte;
  text(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return block;
}

function pad(content: Buffer): Buffer {
  const rest = content.length % 512;
  return rest === 0 ? content : Buffer.concat([content, Buffer.alloc(512 - rest)]);
}
