/**
 * From what a reference names to the container images to read: an image manifest is one image;
 * an index (or Docker manifest list) is one image per platform, nested indexes followed,
 * attestation manifests and other artifacts left out. Each image comes with its config's
 * platform.
 */
import { PeptideError } from "@peptide/core";
import {
  formatPlatform,
  isIndexMediaType,
  MediaType,
  parseManifest,
  platformMatches,
  readBlobBytes,
  type Descriptor,
  type ImageManifest,
  type ImageStore,
  type ManifestContent,
  type Platform,
} from "@peptide/oci";
import type { SbomErrorCode } from "../errors.js";
import { isDict, stringAt } from "../readers/narrow.js";

export interface PlatformImage {
  /** The image manifest's descriptor. */
  descriptor: Descriptor;
  manifest: ImageManifest;
  platform?: Platform;
}

const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
const MAX_INDEX_DEPTH = 3;
const IMAGE_CONFIG_TYPES = new Set<string>([MediaType.ociConfig, MediaType.dockerConfig]);

export async function platformImages(store: ImageStore, top: ManifestContent, want: Platform | undefined, warnings: string[]): Promise<PlatformImage[]> {
  const images: PlatformImage[] = [];
  const seen: Platform[] = [];
  await collect(store, top, want, warnings, images, seen, 0);
  if (images.length === 0) {
    const available = seen.map(formatPlatform).join(", ") || "none";
    const what = want ? `no image for platform ${formatPlatform(want)}` : "no container image";
    throw new PeptideError<SbomErrorCode>("IMAGE_INVALID", `${store.location} ${top.descriptor.digest}: ${what} (platforms: ${available})`);
  }
  return images;
}

async function collect(store: ImageStore, content: ManifestContent, want: Platform | undefined, warnings: string[], images: PlatformImage[], seen: Platform[], depth: number): Promise<void> {
  const what = `manifest ${content.descriptor.digest} of ${store.location}`;
  const parsed = parseManifest(content.bytes, content.descriptor.mediaType, what);
  if (parsed.kind === "manifest") {
    const image = await imageOf(store, content.descriptor, parsed.manifest, warnings);
    if (!image) return;
    if (image.platform) seen.push(image.platform);
    if (want && !platformMatches(image.platform, want)) return;
    images.push(image);
    return;
  }
  if (depth >= MAX_INDEX_DEPTH) throw new PeptideError<SbomErrorCode>("IMAGE_INVALID", `${what}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
  for (const child of parsed.index.manifests) {
    if (isAttestation(child)) continue;
    if (!isIndexMediaType(child.mediaType) && child.platform && want && !platformMatches(child.platform, want)) {
      seen.push(child.platform);
      continue;
    }
    const childContent = await store.getManifest(child.digest);
    await collect(store, { descriptor: { ...childContent.descriptor, ...(child.platform ? { platform: child.platform } : {}) }, bytes: childContent.bytes }, want, warnings, images, seen, depth + 1);
  }
}

/** The image a manifest describes, or undefined (with a warning) for an artifact that is not one. */
async function imageOf(store: ImageStore, descriptor: Descriptor, manifest: ImageManifest, warnings: string[]): Promise<PlatformImage | undefined> {
  if (!IMAGE_CONFIG_TYPES.has(manifest.config.mediaType)) {
    warnings.push(`manifest ${descriptor.digest} is an artifact (config ${manifest.config.mediaType}), not a container image; skipped`);
    return undefined;
  }
  const image: PlatformImage = { descriptor, manifest };
  const platform = descriptor.platform ?? (await configPlatform(store, manifest.config));
  if (platform) image.platform = platform;
  return image;
}

async function configPlatform(store: ImageStore, config: Descriptor): Promise<Platform | undefined> {
  const bytes = await readBlobBytes(store, config, MAX_CONFIG_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch (cause) {
    throw new PeptideError<SbomErrorCode>("IMAGE_INVALID", `config ${config.digest} of ${store.location} is not JSON`, { cause });
  }
  const os = stringAt(json, "os");
  const architecture = stringAt(json, "architecture");
  if (!isDict(json) || !os || !architecture) return undefined;
  const variant = stringAt(json, "variant");
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** BuildKit's attestation manifests, and entries for the `unknown/unknown` platform. */
function isAttestation(descriptor: Descriptor): boolean {
  if (descriptor.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") return true;
  return descriptor.platform?.os === "unknown" && descriptor.platform.architecture === "unknown";
}
