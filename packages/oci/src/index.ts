/**
 * OCI images: references, digests, manifests, an OCI image layout directory and a Distribution
 * API v2 client, both behind one ImageStore interface.
 */
export * from "./auth.js";
export * from "./challenge.js";
export * from "./digest.js";
export * from "./errors.js";
export * from "./hosts.js";
export * from "./layout.js";
export * from "./manifest.js";
export * from "./media-types.js";
export * from "./open.js";
export * from "./reference.js";
export * from "./registry.js";
export * from "./store.js";
export * from "./referrers.js";
export * from "./build-image.js";
export * from "./mount.js";
export * from "./upload-chunked.js";
export * from "./copy.js";
export * from "./blob-stream.js";
export * from "./file-artifact.js";
