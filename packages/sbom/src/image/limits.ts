/**
 * Bounds on what reading an image may cost, so a hostile image cannot exhaust disk, memory or
 * time: a layer's compressed size, its decompressed size and ratio (gzip bombs), and how much
 * file content is kept in memory.
 */

export interface ImageLimits {
  /** A layer whose compressed size is over this is refused before it is fetched. Default 2 GiB. */
  maxLayerBytes: number;
  /** A layer that decompresses to more than this is refused. Default 8 GiB. */
  maxUncompressedLayerBytes: number;
  /** Past `ratioFloorBytes` decompressed, a layer expanding more than this many times is refused. Default 100. */
  maxCompressionRatio: number;
  /** Decompressed bytes before the ratio is checked (small layers compress well legitimately). Default 256 MiB. */
  ratioFloorBytes: number;
  /** A file read for packages (status db, package.json, METADATA, lockfile) over this is skipped with a warning. Default 64 MiB. */
  maxFileBytes: number;
  /** All file content kept for one image; past it, further files are skipped with a warning. Default 512 MiB. */
  maxCollectedBytes: number;
  /** Images with more layers are refused. Default 1000. */
  maxLayers: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = Object.freeze({
  maxLayerBytes: 2 * GiB,
  maxUncompressedLayerBytes: 8 * GiB,
  maxCompressionRatio: 100,
  ratioFloorBytes: 256 * MiB,
  maxFileBytes: 64 * MiB,
  maxCollectedBytes: 512 * MiB,
  maxLayers: 1000,
});

export function resolveLimits(overrides: Partial<ImageLimits> = {}): ImageLimits {
  const limits: ImageLimits = { ...DEFAULT_IMAGE_LIMITS };
  for (const key of Object.keys(limits) as Array<keyof ImageLimits>) {
    const value = overrides[key];
    if (value !== undefined && Number.isFinite(value) && value > 0) limits[key] = value;
  }
  return limits;
}

/** `2 GiB`, `512 MiB`, `1234 bytes`, for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= GiB && bytes % GiB === 0) return `${bytes / GiB} GiB`;
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}
