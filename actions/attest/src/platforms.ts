import type { Subject } from "@peptide/attest";
import { isIndexMediaType, MediaType, parseManifest, parseReference, RegistryClient } from "@peptide/oci";
import { isImageSubject } from "@peptide/action-kit/attest";

/**
 * For an image subject that is a multi-platform index, its platform manifests as subjects too
 * (`<name>@sha256:<hex>`), so the attestations attached to each platform manifest name the
 * digest a consumer pulls. Other subjects give none.
 */
export async function platformSubjects(subjects: readonly Subject[], client = new RegistryClient()): Promise<Subject[]> {
  const out: Subject[] = [];
  for (const subject of subjects.filter(isImageSubject)) {
    const store = client.store(parseReference(subject.name));
    const digest = `sha256:${subject.digest.sha256}`;
    const { descriptor, bytes } = await store.getManifest(digest);
    if (!isIndexMediaType(descriptor.mediaType)) continue;
    const parsed = parseManifest(bytes, descriptor.mediaType, `${subject.name}@${digest}`);
    if (parsed.kind !== "index") continue;
    for (const child of parsed.index.manifests) {
      if (child.platform?.os === "unknown") continue;
      if (child.mediaType !== MediaType.ociManifest && child.mediaType !== MediaType.dockerManifest) continue;
      out.push({ name: `${subject.name}@${child.digest}`, digest: { sha256: child.digest.replace(/^sha256:/, "") } });
    }
  }
  return out;
}
