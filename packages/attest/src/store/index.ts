export { StoreError, type StoreErrorCode } from "./errors.js";
export {
  artifactManifest,
  attachBundle,
  fetchAttachedBundles,
  readAttachedBundles,
  MAX_BUNDLE_BYTES,
  OCI_EMPTY_DESCRIPTOR,
  OCI_EMPTY_JSON,
  predicateTypeOf,
  SIGSTORE_BUNDLE_ARTIFACT_TYPE,
  type AttachedBundle,
  type AttachOptions,
  type FoundBundle,
} from "./oci-bundle.js";
export { uploadToGitHub, type GitHubAttestationResult, type GitHubAttestationsOptions } from "./github-attestations.js";
export { listBundleReferrers } from "./referrers.js";
