/**
 * Bundles in an image's registry (or OCI layout), for `peptide sign` and `peptide verify` on image references:
 * attached to the image digest as OCI 1.1 artifact manifests (referrers API or the referrers tag
 * fallback), through @peptide/attest's store. Loaded only when an image is named: it brings the
 * registry client.
 */
import { attachBundle, fetchAttachedBundles, type SigstoreBundle, type Subject } from "@peptide/attest";
import { openImage, parseReference, RegistryClient, repositoryName } from "@peptide/oci";

export interface RegistryOptions {
  /** Hosts reachable over plain HTTP besides loopback ones. */
  insecure: readonly string[];
}

/** Attaches the bundle to each image subject; returns `registry/repository@<artifact manifest digest>` per manifest pushed. */
export async function attachToImages(images: readonly Subject[], bundle: SigstoreBundle, options: RegistryOptions): Promise<string[]> {
  const client = new RegistryClient({ insecure: options.insecure });
  const pushed: string[] = [];
  const done = new Set<string>();
  for (const image of images) {
    const key = `${image.name}@${image.digest.sha256}`;
    if (done.has(key)) continue;
    done.add(key);
    const reference = parseReference(`${image.name}@sha256:${image.digest.sha256}`);
    const attached = await attachBundle(client.store(reference), `sha256:${image.digest.sha256}`, bundle);
    for (const item of attached) pushed.push(`${repositoryName(reference)}@${item.manifest.digest}`);
  }
  return pushed;
}

/**
 * The bundles attached to the image `reference` (which names a digest: `host/repo@sha256:…`, or an
 * OCI layout `dir@sha256:…` / `oci:dir@sha256:…`), unverified.
 */
export async function bundlesOfImage(reference: string, digest: string, options: RegistryOptions & { cwd: string }): Promise<unknown[]> {
  const opened = await openImage(reference, { cwd: options.cwd, client: new RegistryClient({ insecure: options.insecure }) });
  const found = await fetchAttachedBundles(opened.store, `sha256:${digest}`);
  return found.map((item) => item.bundle);
}

/** A subject named like `host/repository` (a registry host has a dot, a port, or is localhost). */
export function isImageSubject(subject: Subject): boolean {
  const first = subject.name.split("/")[0] ?? "";
  return subject.name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
}
