/**
 * Reads a container image for its SBOM: resolves the reference to a digest (recorded), picks
 * the platform images, streams each layer in order through the virtual filesystem (whiteouts
 * applied, nothing written to disk, limits enforced), and catalogs what the last layer leaves.
 * One result per platform, or one combined result on request.
 */
import { PeptideError } from "@peptide/core";
import { layerCompression, parsePlatform, RegistryRepository, type Descriptor, type ImageStore, type Platform } from "@peptide/oci";
import type { SbomErrorCode } from "../errors.js";
import type { Component, Ecosystem, LockfileReader, Subject } from "../model.js";
import { ComponentMerger } from "../merge.js";
import { catalogImage } from "./catalog.js";
import { FileSelector } from "./file-selector.js";
import { applyLayer } from "./layer-walk.js";
import { openLayer } from "./layer-stream.js";
import { resolveLimits, type ImageLimits } from "./limits.js";
import { DEFAULT_IMAGE_LOCKFILE_READERS, LOCKFILE_SIBLINGS } from "./lockfiles.js";
import type { Distro } from "./os-release.js";
import { platformImages, type PlatformImage } from "./platforms.js";
import { imageSubject } from "./subject.js";
import { VirtualFs } from "./virtual-fs.js";

export interface ReadImageOptions {
  /** Tag or digest in the store; a layout holding one image needs none. */
  reference?: string;
  /** The subject's name; the store's location (`registry/repository`) by default. */
  name?: string;
  /** The tag to record when `reference` is a digest (`repo:tag@sha256:…`); a tag reference records itself. */
  tag?: string;
  /** Only this platform of a multi-platform image (`linux/arm64`, `linux/arm/v7`). */
  platform?: string;
  /** One result for all platforms together instead of one per platform. */
  combine?: boolean;
  limits?: Partial<ImageLimits>;
  /** Readers for lockfiles found in the image; see lockfiles.ts for the default. */
  lockfileReaders?: readonly LockfileReader[];
  /** File names those readers read beside a lockfile; LOCKFILE_SIBLINGS by default. */
  lockfileSiblings?: ReadonlySet<string>;
}

export interface ImageSbom {
  /** Name, tag (as `version`), purl, and the digest of this platform's manifest (the index's when combined). */
  subject: Subject;
  /** The index this image was picked from, when the reference named one. */
  indexDigest?: string;
  /** Absent for a combined result. */
  platform?: Platform;
  distro?: Distro;
  components: Component[];
  warnings: string[];
  inputs: Array<{ file: string; ecosystem: Ecosystem; components: number }>;
  /** Layer digests, bottom first. */
  layers: string[];
}

export interface ImageInspection {
  name: string;
  /** The tag or digest asked for. */
  reference?: string;
  /** What the reference resolved to: the image manifest's or the index's digest. */
  digest: string;
  mediaType: string;
  images: ImageSbom[];
}

export async function readImage(store: ImageStore, options: ReadImageOptions = {}): Promise<ImageInspection> {
  const limits = resolveLimits(options.limits);
  const readers = options.lockfileReaders ?? DEFAULT_IMAGE_LOCKFILE_READERS;
  const selector = new FileSelector({ isLockfile: (name) => readers.some((r) => r.matches(name)), siblingNames: options.lockfileSiblings ?? LOCKFILE_SIBLINGS });
  const want = options.platform !== undefined ? parsePlatform(options.platform) : undefined;
  const name = options.name ?? store.location;
  const tag = options.reference !== undefined && !/^sha(256|512):/.test(options.reference) ? options.reference : options.tag;
  const repositoryUrl = store instanceof RegistryRepository ? store.location : undefined;

  const top = await store.getManifest(options.reference);
  const warnings: string[] = [];
  const images = await platformImages(store, top, want, warnings);
  const isIndex = images.length > 1 || images[0]?.descriptor.digest !== top.descriptor.digest;
  const results: ImageSbom[] = [];
  for (const image of images) {
    const subject = imageSubject({ name, digest: image.descriptor.digest, ...(tag ? { tag } : {}), ...(repositoryUrl ? { repositoryUrl } : {}), ...(image.platform ? { platform: image.platform } : {}) });
    const sbom = await readPlatformImage(store, image, subject, selector, readers, limits);
    if (isIndex) sbom.indexDigest = top.descriptor.digest;
    sbom.warnings.unshift(...warnings);
    results.push(sbom);
  }
  const inspection: ImageInspection = { name, digest: top.descriptor.digest, mediaType: top.descriptor.mediaType, images: results };
  if (options.reference !== undefined) inspection.reference = options.reference;
  if (options.combine && results.length > 1) {
    inspection.images = [combine(results, imageSubject({ name, digest: top.descriptor.digest, ...(tag ? { tag } : {}), ...(repositoryUrl ? { repositoryUrl } : {}) }))];
  }
  return inspection;
}

async function readPlatformImage(store: ImageStore, image: PlatformImage, subject: Subject, selector: FileSelector, readers: readonly LockfileReader[], limits: ImageLimits): Promise<ImageSbom> {
  const layers = image.manifest.layers;
  if (layers.length > limits.maxLayers) {
    throw new PeptideError<SbomErrorCode>("IMAGE_INVALID", `manifest ${image.descriptor.digest} has ${layers.length} layers, over the ${limits.maxLayers}-layer limit`);
  }
  const fs = new VirtualFs();
  const warnings: string[] = [];
  for (const layer of layers) {
    if (!isFilesystemLayer(layer, warnings)) continue;
    const tar = await openLayer(store, layer, limits);
    const walk = await applyLayer(tar, `layer ${layer.digest}`, fs, selector, limits);
    warnings.push(...walk.warnings);
  }
  const catalog = catalogImage(fs, selector, readers);
  const sbom: ImageSbom = {
    subject,
    components: catalog.components,
    warnings: [...warnings, ...catalog.warnings],
    inputs: catalog.inputs,
    layers: layers.map((l) => l.digest),
  };
  if (image.platform) sbom.platform = image.platform;
  if (catalog.distro) sbom.distro = catalog.distro;
  return sbom;
}

function isFilesystemLayer(layer: Descriptor, warnings: string[]): boolean {
  if (layerCompression(layer.mediaType) === undefined) {
    warnings.push(`layer ${layer.digest}: media type ${layer.mediaType} is not a filesystem layer; skipped`);
    return false;
  }
  if (layer.urls !== undefined && layer.urls.length > 0) {
    warnings.push(`layer ${layer.digest}: a foreign layer (fetched from ${layer.urls.length} external URL(s)); not read`);
    return false;
  }
  return true;
}

/** All platforms as one SBOM: components united by purl, warnings prefixed by platform. */
function combine(results: ImageSbom[], subject: Subject): ImageSbom {
  const merger = new ComponentMerger();
  for (const result of results) for (const component of result.components) merger.add(component);
  const label = (r: ImageSbom): string => (r.platform ? [r.platform.os, r.platform.architecture, r.platform.variant].filter(Boolean).join("/") : r.subject.digest ?? "");
  const combined: ImageSbom = {
    subject,
    components: merger.list(),
    warnings: results.flatMap((r) => r.warnings.map((w) => `${label(r)}: ${w}`)),
    inputs: results.flatMap((r) => r.inputs),
    layers: [...new Set(results.flatMap((r) => r.layers))],
  };
  if (subject.digest) combined.indexDigest = subject.digest;
  return combined;
}
