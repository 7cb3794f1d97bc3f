import { listReferrers, type ImageStore, type ReferrersList } from "@peptide/oci";
import { SIGSTORE_BUNDLE_ARTIFACT_TYPE } from "./oci-bundle.js";

/**
 * The Sigstore bundle referrers of an image digest (for verify and trace): the referrers API's
 * answer or the `sha256-<hex>` tag's, filtered to the bundle artifact type unless `all`.
 */
export function listBundleReferrers(store: ImageStore, digest: string, options: { all?: boolean } = {}): Promise<ReferrersList> {
  return listReferrers(store, digest, options.all ? {} : { artifactType: SIGSTORE_BUNDLE_ARTIFACT_TYPE });
}
