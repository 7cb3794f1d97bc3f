/**
 * The JSON form of a bundle with every list present. `bundleToJSON` follows the protobuf JSON
 * mapping and leaves out empty lists and zero values (no `tlogEntries` key when there is no log
 * entry, no inclusion-proof `logIndex` when it is 0); readers that index into the document
 * without the protobuf defaults (scripts, JSON-schema checks, some verifiers) trip on that.
 * Writing the defaults out is valid protobuf JSON too.
 */
import { bundleToJSON, type Bundle, type SerializedBundle } from "@sigstore/bundle";

export function bundleToExplicitJSON(bundle: Bundle): SerializedBundle {
  const json = bundleToJSON(bundle);
  const material = json.verificationMaterial;
  material.tlogEntries = (material.tlogEntries ?? []).map((entry) =>
    entry.inclusionProof
      ? { ...entry, inclusionProof: { ...entry.inclusionProof, logIndex: entry.inclusionProof.logIndex ?? "0", hashes: entry.inclusionProof.hashes ?? [] } }
      : entry,
  );
  material.timestampVerificationData = { rfc3161Timestamps: material.timestampVerificationData?.rfc3161Timestamps ?? [] };
  return json;
}
