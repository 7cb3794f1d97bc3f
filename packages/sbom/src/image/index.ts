/** Container images as SBOM input: layers streamed, whiteouts applied, packages cataloged. */
export { readImage, type ImageInspection, type ImageSbom, type ReadImageOptions } from "./read-image.js";
export { imageToSbom } from "./to-sbom.js";
export { DEFAULT_IMAGE_LIMITS, resolveLimits, type ImageLimits } from "./limits.js";
export { DEFAULT_IMAGE_LOCKFILE_READERS, LOCKFILE_SIBLINGS } from "./lockfiles.js";
export type { Distro } from "./os-release.js";
