/**
 * The JSON documents of an image: descriptors, image manifests, indexes and platforms, parsed
 * strictly enough that nothing downstream has to re-check their shape. Docker v2 schema 2
 * manifests and manifest lists have the same shape as their OCI counterparts.
 * https://github.com/opencontainers/image-spec/blob/v1.1.0/manifest.md
 * https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md
 */
import { parseDigest } from "./digest.js";
import { OciError } from "./errors.js";
import { isImageManifestMediaType, isIndexMediaType, MediaType } from "./media-types.js";

export interface Platform {
  architecture: string;
  os: string;
  "os.version"?: string;
  "os.features"?: string[];
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export type ParsedManifest = { kind: "index"; mediaType: string; index: ImageIndex } | { kind: "manifest"; mediaType: string; manifest: ImageManifest };

/** Manifests larger than this are refused (containerd and distribution use 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The annotation an OCI layout's index.json names a tag with. */
export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

/**
 * Parses a manifest or index. The type comes from the document's own `mediaType`, else from
 * `contentType` (the registry's Content-Type or the descriptor's), else from its shape; a
 * document whose `mediaType` contradicts `contentType` is refused, as the spec requires.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined, what: string): ParsedManifest {
  if (bytes.length > MAX_MANIFEST_BYTES) throw invalid(what, `${bytes.length} bytes is over the ${MAX_MANIFEST_BYTES}-byte limit`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (cause) {
    throw new OciError("MANIFEST_INVALID", `${what}: not JSON (${cause instanceof Error ? cause.message : "parse error"})`, { cause });
  }
  if (!isRecord(json)) throw invalid(what, "not a JSON object");
  if (json.schemaVersion !== 2) throw invalid(what, `schemaVersion ${JSON.stringify(json.schemaVersion)} is not supported (only 2; Docker schema 1 is deprecated)`);
  const declared = optionalString(json, "mediaType", what);
  const hinted = contentType?.split(";")[0]?.trim();
  if (declared !== undefined && hinted !== undefined && hinted !== "" && declared !== hinted && isKnown(hinted)) {
    throw invalid(what, `its mediaType ${declared} contradicts the declared ${hinted}`);
  }
  const mediaType = declared ?? (isKnown(hinted) ? hinted : undefined) ?? ("manifests" in json ? MediaType.ociIndex : MediaType.ociManifest);
  if (isIndexMediaType(mediaType)) {
    const manifests = json.manifests;
    if (!Array.isArray(manifests)) throw invalid(what, "an index without a manifests array");
    const index: ImageIndex = { schemaVersion: 2, ...common(json, what), manifests: manifests.map((d, i) => parseDescriptor(d, `${what} manifests[${i}]`)) };
    return { kind: "index", mediaType, index };
  }
  if (isImageManifestMediaType(mediaType)) {
    const layers = json.layers ?? [];
    if (!Array.isArray(layers)) throw invalid(what, "layers is not an array");
    const manifest: ImageManifest = {
      schemaVersion: 2,
      ...common(json, what),
      config: parseDescriptor(json.config, `${what} config`),
      layers: layers.map((d, i) => parseDescriptor(d, `${what} layers[${i}]`)),
    };
    return { kind: "manifest", mediaType, manifest };
  }
  throw new OciError("UNSUPPORTED", `${what}: media type ${mediaType} is not an image manifest or index`);
}

/** Validates one descriptor: a media type, a well-formed digest, a non-negative integer size. */
export function parseDescriptor(value: unknown, what: string): Descriptor {
  if (!isRecord(value)) throw invalid(what, "descriptor is not an object");
  const mediaType = value.mediaType;
  const digest = value.digest;
  const size = value.size;
  if (typeof mediaType !== "string" || mediaType === "") throw invalid(what, "descriptor without a mediaType");
  if (typeof digest !== "string") throw invalid(what, "descriptor without a digest");
  try {
    parseDigest(digest);
  } catch (cause) {
    throw new OciError("MANIFEST_INVALID", `${what}: ${cause instanceof Error ? cause.message : "bad digest"}`, { cause });
  }
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) throw invalid(what, `descriptor size ${JSON.stringify(size)} is not a non-negative integer`);
  const descriptor: Descriptor = { mediaType, digest, size };
  if (Array.isArray(value.urls)) descriptor.urls = value.urls.filter((u): u is string => typeof u === "string");
  if (isRecord(value.annotations)) descriptor.annotations = stringRecord(value.annotations);
  if (typeof value.artifactType === "string") descriptor.artifactType = value.artifactType;
  if (value.platform !== undefined) descriptor.platform = parsePlatformObject(value.platform, what);
  return descriptor;
}

function parsePlatformObject(value: unknown, what: string): Platform {
  if (!isRecord(value) || typeof value.os !== "string" || typeof value.architecture !== "string") throw invalid(what, "platform without os and architecture");
  const platform: Platform = { os: value.os, architecture: value.architecture };
  if (typeof value.variant === "string" && value.variant !== "") platform.variant = value.variant;
  if (typeof value["os.version"] === "string") platform["os.version"] = value["os.version"];
  if (Array.isArray(value["os.features"])) platform["os.features"] = value["os.features"].filter((f): f is string => typeof f === "string");
  return platform;
}

/** `linux/arm64/v8`. */
export function formatPlatform(platform: Pick<Platform, "os" | "architecture" | "variant">): string {
  return [platform.os, platform.architecture, platform.variant].filter((p) => p !== undefined && p !== "").join("/");
}

/** Parses `os/arch[/variant]`; throws REFERENCE_INVALID. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, ...extra] = text.split("/");
  if (!os || !architecture || extra.length > 0 || variant === "") {
    throw new OciError("REFERENCE_INVALID", `${JSON.stringify(text)} is not a platform; expected os/architecture[/variant], e.g. linux/amd64`);
  }
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** Whether a descriptor's platform matches the wanted one (a missing wanted variant matches any). */
export function platformMatches(have: Platform | undefined, want: Platform): boolean {
  if (have === undefined) return false;
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  return want.variant === undefined || have.variant === want.variant;
}

/** The fields manifests and indexes share; the original bytes stay the source of truth. */
function common(json: Record<string, unknown>, what: string): Pick<ImageIndex, "mediaType" | "artifactType" | "subject" | "annotations"> {
  const out: Pick<ImageIndex, "mediaType" | "artifactType" | "subject" | "annotations"> = {};
  const mediaType = optionalString(json, "mediaType", what);
  if (mediaType !== undefined) out.mediaType = mediaType;
  const artifactType = optionalString(json, "artifactType", what);
  if (artifactType !== undefined) out.artifactType = artifactType;
  if (json.subject !== undefined) out.subject = parseDescriptor(json.subject, `${what} subject`);
  if (isRecord(json.annotations)) out.annotations = stringRecord(json.annotations);
  return out;
}

function isKnown(mediaType: string | undefined): mediaType is string {
  return isIndexMediaType(mediaType) || isImageManifestMediaType(mediaType);
}

function optionalString(json: Record<string, unknown>, key: string, what: string): string | undefined {
  const value = json[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalid(what, `${key} is not a string`);
  return value;
}

function stringRecord(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(what: string, why: string): OciError {
  return new OciError("MANIFEST_INVALID", `${what}: ${why}`);
}
