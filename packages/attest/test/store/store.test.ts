import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaType, OciLayout, RegistryClient, parseManifest, referrersTag } from "@peptide/oci";
import { buildImage, buildIndex, startFakeAttestationsApi, startFaultProxy, startRegistry, writeImage, type LoopbackRegistry } from "@peptide/testkit";
import { attachBundle, fetchAttachedBundles, listBundleReferrers, OCI_EMPTY_DESCRIPTOR, SIGSTORE_BUNDLE_ARTIFACT_TYPE, uploadToGitHub, type SigstoreBundle } from "../../src/index.js";

const fast = { retries: 1, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 };

/** Shape is all the store looks at: it does not verify. */
function fakeBundle(predicateType: string, sha256: string): SigstoreBundle {
  const statement = { _type: "https://in-toto.io/Statement/v1", subject: [{ name: "app", digest: { sha256 } }], predicateType, predicate: {} };
  return {
    mediaType: SIGSTORE_BUNDLE_ARTIFACT_TYPE,
    verificationMaterial: { certificate: { rawBytes: "AA==" }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: Buffer.from(JSON.stringify(statement)).toString("base64"), payloadType: "application/vnd.in-toto+json", signatures: [{ sig: "AA==", keyid: "" }] },
  } as unknown as SigstoreBundle;
}

describe("bundles in an OCI registry (docker-registry: no referrers API, tag schema)", () => {
  let registry: LoopbackRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  }, 30_000);
  afterAll(async () => registry?.stop());

  it("attaches a bundle as an OCI 1.1 artifact manifest and lists it back through the sha256-<hex> tag", async () => {
    const store = new RegistryClient({ retry: fast }).repository(registry.host, "team/single");
    const image = await buildImage({ layers: [{ "app.txt": "one" }] });
    const subject = await writeImage(store, image, "v1");
    const hex = subject.digest.slice("sha256:".length);

    const first = await attachBundle(store, subject.digest, fakeBundle("https://slsa.dev/provenance/v1", hex));
    const second = await attachBundle(store, subject.digest, fakeBundle("https://cyclonedx.org/bom", hex));
    expect(first).toHaveLength(1);
    expect(first[0]?.method).toBe("referrers-tag");

    const { bytes } = await store.getManifest(first[0]!.manifest.digest);
    const manifest = JSON.parse(Buffer.from(bytes).toString("utf8"));
    expect(manifest.artifactType).toBe(SIGSTORE_BUNDLE_ARTIFACT_TYPE);
    expect(manifest.config).toEqual(OCI_EMPTY_DESCRIPTOR);
    expect(manifest.subject).toEqual({ mediaType: subject.mediaType, digest: subject.digest, size: subject.size });
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0].mediaType).toBe(SIGSTORE_BUNDLE_ARTIFACT_TYPE);
    expect(manifest.annotations["dev.sigstore.bundle.predicateType"]).toBe("https://slsa.dev/provenance/v1");

    const tagIndex = parseManifest((await store.getManifest(referrersTag(subject.digest))).bytes, undefined, "tag");
    expect(tagIndex.kind).toBe("index");
    const listed = await listBundleReferrers(store, subject.digest);
    expect(listed.method).toBe("referrers-tag");
    expect(listed.referrers.map((d) => d.digest)).toEqual([first[0]!.manifest.digest, second[0]!.manifest.digest]);
    expect(listed.referrers.every((d) => d.artifactType === SIGSTORE_BUNDLE_ARTIFACT_TYPE)).toBe(true);

    const bundles = await fetchAttachedBundles(store, subject.digest);
    expect(bundles).toHaveLength(2);
    const sboms = await fetchAttachedBundles(store, subject.digest, { predicateType: "https://cyclonedx.org/bom" });
    expect(sboms).toHaveLength(1);
    expect(sboms[0]?.bundle).toEqual(JSON.parse(JSON.stringify(fakeBundle("https://cyclonedx.org/bom", hex))));
  }, 30_000);

  it("attaches to a multi-platform index and to each platform manifest", async () => {
    const store = new RegistryClient({ retry: fast }).repository(registry.host, "team/multi");
    const amd = await buildImage({ layers: [{ "a.txt": "amd64" }] });
    const arm = await buildImage({ layers: [{ "a.txt": "arm64" }], platform: { os: "linux", architecture: "arm64" } });
    const index = buildIndex([amd, arm]);
    const subject = await writeImage(store, index, "v1");
    const attached = await attachBundle(store, subject.digest, fakeBundle("https://slsa.dev/provenance/v1", subject.digest.slice(7)));
    expect(attached.map((a) => a.subject.digest)).toEqual([subject.digest, amd.descriptor.digest, arm.descriptor.digest]);
    for (const digest of [subject.digest, amd.descriptor.digest, arm.descriptor.digest]) {
      expect((await listBundleReferrers(store, digest)).referrers).toHaveLength(1);
    }
    // The image still resolves as before: nothing was retagged.
    expect((await store.resolve("v1")).digest).toBe(subject.digest);
  }, 30_000);

  it("refuses a digest that is not in the repository", async () => {
    const store = new RegistryClient({ retry: fast }).repository(registry.host, "team/none");
    await expect(attachBundle(store, `sha256:${"0".repeat(64)}`, fakeBundle("x", "0".repeat(64)))).rejects.toMatchObject({ code: "STORE_INPUT" });
  });

  it("names a registry that cannot be read a registry failure, not a missing image", async () => {
    const failing = await startFaultProxy({ target: registry.url, error500Rate: 1, seed: 1 });
    try {
      const store = new RegistryClient({ retry: fast }).repository(failing.host, "team/app");
      await expect(attachBundle(store, `sha256:${"0".repeat(64)}`, fakeBundle("x", "0".repeat(64)))).rejects.toMatchObject({ code: "STORE_REGISTRY", message: expect.stringMatching(/cannot read image .* 500/) });
    } finally {
      await failing.close();
    }
  });
});

describe("bundles in an OCI layout (tag schema)", () => {
  it("attaches and lists back", async () => {
    const layout = await OciLayout.create(await mkdtemp(path.join(os.tmpdir(), "peptide-store-layout-")));
    const image = await buildImage({ layers: [{ "x": "y" }] });
    const subject = await writeImage(layout, image, "latest");
    await attachBundle(layout, subject.digest, fakeBundle("https://slsa.dev/provenance/v1", subject.digest.slice(7)));
    const listed = await listBundleReferrers(layout, subject.digest);
    expect(listed.referrers).toHaveLength(1);
    expect(listed.referrers[0]?.mediaType).toBe(MediaType.ociManifest);
  });
});

describe("the GitHub attestations API", () => {
  it("stores a bundle, skips where the plan lacks the feature, fails on a missing permission", async () => {
    const api = await startFakeAttestationsApi({
      repos: { "acme/public": {}, "acme/private": { unavailable: 404 }, "acme/private403": { unavailable: 403 } },
      token: "ghs_good",
      readOnlyToken: "ghs_readonly",
    });
    try {
      const bundle = fakeBundle("https://slsa.dev/provenance/v1", "a".repeat(64));
      const stored = await uploadToGitHub(bundle, { apiUrl: api.url, repository: "acme/public", token: "ghs_good", retry: fast });
      expect(stored).toMatchObject({ status: "stored", id: 1000 });
      expect(api.attestations[0]?.subjectDigests).toEqual([`sha256:${"a".repeat(64)}`]);

      const skipped = await uploadToGitHub(bundle, { apiUrl: api.url, repository: "acme/private", token: "ghs_good", retry: fast });
      expect(skipped.status).toBe("skipped");
      expect(skipped.status === "skipped" && skipped.reason).toMatch(/not available for acme\/private/);
      const skipped403 = await uploadToGitHub(bundle, { apiUrl: api.url, repository: "acme/private403", token: "ghs_good", retry: fast });
      expect(skipped403.status === "skipped" && skipped403.reason).toMatch(/Feature not available/);

      await expect(uploadToGitHub(bundle, { apiUrl: api.url, repository: "acme/public", token: "ghs_readonly", retry: fast })).rejects.toThrow(/attestations: write/);
      const bad = uploadToGitHub(bundle, { apiUrl: api.url, repository: "acme/public", token: "ghs_wrong", retry: fast });
      await expect(bad).rejects.toMatchObject({ code: "STORE_GITHUB" });
      await expect(bad).rejects.not.toThrow(/ghs_wrong/);
    } finally {
      await api.close();
    }
  });
});
