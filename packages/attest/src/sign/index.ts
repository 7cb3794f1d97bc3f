export { DEFAULT_JSONL_NAME, BUNDLE_FILE_SUFFIX, bundleFileName, writeBundles, type SignedBundle, type WriteBundlesOptions } from "./bundle-files.js";
export type { CachingSignerOptions, SignerStats } from "./caching-signer.js";
export { SignError, type SignErrorCode } from "./errors.js";
export { SIGSTORE_AUDIENCE, identityProviderFrom, type IdentityOptions } from "./identity.js";
export { INSTANCES, resolveEndpoints, type EndpointOptions, type Endpoints, type InstanceName, type TlogEndpoint } from "./instances.js";
export { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, type SigstoreRetry } from "./retry.js";
export { SIGNING_CONFIG_MEDIA_TYPE, signingConfigEndpoints } from "./signing-config.js";
export {
  BUNDLE_V03_MEDIA_TYPE,
  createSigningSession,
  signBlob,
  signStatements,
  type SigningOptions,
  type SigningSession,
  type SigningStats,
  type SigstoreBundle,
} from "./session.js";
