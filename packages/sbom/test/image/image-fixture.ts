/** Builds an image from layers into a fresh OCI layout; removed after each test. */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { digestOf, MediaType, OciLayout } from "@peptide/oci";
import { buildImage, writeImage, type BuiltImage, type BuiltIndex, type FileTree, type ImageSpec } from "@peptide/testkit";
import { readImage, type ReadImageOptions } from "../../src/image/index.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

export async function layoutWith(built: BuiltImage | BuiltIndex, tag = "latest"): Promise<{ layout: OciLayout; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-sbom-image-"));
  dirs.push(dir);
  const layout = await OciLayout.create(dir);
  await writeImage(layout, built, tag);
  return { layout, dir };
}

/** Reads an image made of these layers; returns its single platform's result. */
export async function sbomOf(layers: FileTree[], options: ReadImageOptions & Partial<Omit<ImageSpec, "layers">> = {}) {
  const image = await buildImage({ ...options, layers });
  const { layout } = await layoutWith(image);
  const inspection = await readImage(layout, options);
  const [only] = inspection.images;
  if (!only) throw new Error("no image read");
  return { ...only, purls: only.components.map((c) => c.purl).sort(), image, layout };
}

export const pkg = (name: string, version = "1.0.0", extra: Record<string, unknown> = {}): string => JSON.stringify({ name, version, ...extra });

/** An image whose one layer is the given bytes, declared with the given media type. */
export async function imageWithLayer(bytes: Buffer, mediaType: string = MediaType.ociLayerGzip) {
  const base = await buildImage({ layers: [{}] });
  const layer = { descriptor: { mediaType, digest: digestOf(bytes), size: bytes.length }, bytes };
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: base.config.descriptor, layers: [layer.descriptor] }));
  return { ...base, layers: [layer], manifest, descriptor: { mediaType: MediaType.ociManifest, digest: digestOf(manifest), size: manifest.length } };
}

