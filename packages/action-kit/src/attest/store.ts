/**
 * Where the signed bundles go, as the inputs say: bundle files, the image's registry (an OCI 1.1
 * referrer of the image digest), the GitHub attestations API. Each destination is reported.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { log } from "../index.js";
import { attachBundle, uploadToGitHub, writeBundles, type SignedBundle, type SigstoreBundle, type Subject } from "@peptide/attest";
import { InputError } from "@peptide/core";
import { parseReference, RegistryClient } from "@peptide/oci";
import type { StorageInputs } from "./signing-inputs.js";

export interface BundleToStore {
  bundle: SigstoreBundle;
  subjects: Subject[];
  /** Appended to each subject name for its bundle file (`.sbom` → `app.tgz.sbom.sigstore.json`). */
  fileSuffix?: string;
}

export interface StoredBundles {
  bundlePaths: string[];
  attestationDigests: string[];
  registryManifests: string[];
  attestationIds: string[];
  notes: string[];
}

export async function storeBundles(items: readonly BundleToStore[], storage: StorageInputs, workspace: string, env: NodeJS.ProcessEnv): Promise<StoredBundles> {
  const out: StoredBundles = { bundlePaths: [], attestationDigests: [], registryManifests: [], attestationIds: [], notes: [] };
  for (const item of items) out.attestationDigests.push(`sha256:${createHash("sha256").update(JSON.stringify(item.bundle)).digest("hex")}`);

  if (storage.bundleDir !== undefined) {
    const dir = path.resolve(workspace, storage.bundleDir);
    const signed: SignedBundle[] = items.map((item) => ({ bundle: item.bundle, subjects: item.subjects.map((s) => `${s.name}${item.fileSuffix ?? ""}`) }));
    out.bundlePaths.push(...(await writeBundles(signed, { dir, layout: storage.bundleLayout })));
    out.notes.push(`${out.bundlePaths.length} bundle file(s) in ${path.relative(workspace, dir) || "."}`);
  }

  if (storage.pushToRegistry) {
    const client = new RegistryClient();
    for (const item of items) {
      // An index's platform manifests get the bundle with the index: attach once per digest.
      const done = new Set<string>();
      for (const subject of item.subjects.filter(isImageSubject)) {
        if (done.has(subject.digest.sha256)) continue;
        const reference = parseReference(subject.name);
        const store = client.store(reference);
        const attached = await attachBundle(store, `sha256:${subject.digest.sha256}`, item.bundle);
        for (const a of attached) {
          out.registryManifests.push(a.manifest.digest);
          done.add(a.subject.digest.replace(/^sha256:/, ""));
        }
        out.notes.push(`attached to ${store.location}@sha256:${subject.digest.sha256} (${attached.length} manifest(s), ${attached[0]?.method ?? "none"})`);
      }
    }
    if (out.registryManifests.length === 0) {
      throw new InputError("INPUT_INVALID", 'input "push-to-registry" needs an image subject: "subject-name" as registry/repository (e.g. ghcr.io/acme/app) with "subject-digest"');
    }
  }

  if (storage.githubAttestations) {
    const repository = env.GITHUB_REPOSITORY;
    if (!repository || !storage.githubToken) throw new InputError("INPUT_INVALID", 'input "github-attestations" needs GITHUB_REPOSITORY and "github-token"');
    for (const item of items) {
      const result = await uploadToGitHub(item.bundle, { apiUrl: env.GITHUB_API_URL, repository, token: storage.githubToken });
      if (result.status === "stored") out.attestationIds.push(String(result.id));
      else {
        log.warning(`github-attestations skipped: ${result.reason}`);
        out.notes.push(`GitHub attestations skipped: ${result.reason}`);
        break;
      }
    }
    if (out.attestationIds.length > 0) out.notes.push(`${out.attestationIds.length} attestation(s) stored in ${repository}'s GitHub attestations`);
  }
  return out;
}

/** A subject named like `host/repository` (a registry host: a dot, a port, or localhost). */
export function isImageSubject(subject: Subject): boolean {
  const first = subject.name.split("/")[0] ?? "";
  return subject.name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
}
