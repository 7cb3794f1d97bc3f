import { describe, expect, it } from "vitest";
import { digestOf, MediaType } from "@peptide/oci";
import { buildImage, buildIndex, type BuiltImage } from "@peptide/testkit";
import { readImage } from "../../src/image/index.js";
import { layoutWith, pkg } from "./image-fixture.js";

const amd64 = { os: "linux", architecture: "amd64" };
const arm64 = { os: "linux", architecture: "arm64", variant: "v8" };

/** A BuildKit-style attestation manifest: platform unknown/unknown, in-toto layer. */
async function attestationFor(image: BuiltImage): Promise<BuiltImage> {
  const built = await buildImage({ layers: [{ "statement.json": "{}" }], platform: { os: "unknown", architecture: "unknown" } });
  return { ...built, descriptor: { ...built.descriptor, annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": image.descriptor.digest } } };
}

describe("multi-platform images", () => {
  it("reads each platform, leaves attestation manifests out, filters by platform and combines on request", async () => {
    const a = await buildImage({ layers: [{ "n/node_modules/common/package.json": pkg("common"), "n/node_modules/amd-only/package.json": pkg("amd-only") }], platform: amd64 });
    const b = await buildImage({ layers: [{ "n/node_modules/common/package.json": pkg("common") }], platform: arm64 });
    const index = buildIndex([a, b, await attestationFor(a)]);
    const { layout } = await layoutWith(index, "v2");
    const all = await readImage(layout, { reference: "v2" });
    expect(all.digest).toBe(index.descriptor.digest);
    expect(all.mediaType).toBe(MediaType.ociIndex);
    expect(all.images.map((i) => [i.platform, i.subject.digest, i.components.length])).toEqual([
      [amd64, a.descriptor.digest, 2],
      [arm64, b.descriptor.digest, 1],
    ]);
    expect(all.images[1]?.subject.purl).toContain("arch=arm64%2Fv8");
    expect((await readImage(layout, { platform: "linux/arm64" })).images.map((i) => i.subject.digest)).toEqual([b.descriptor.digest]);
    const combined = await readImage(layout, { combine: true });
    expect(combined.images.map((i) => [i.subject.digest, i.components.map((c) => c.name).sort(), i.platform])).toEqual([[index.descriptor.digest, ["amd-only", "common"], undefined]]);
  });

  it("names the platforms there are when the one asked for is not", async () => {
    const index = buildIndex([await buildImage({ layers: [{}], platform: amd64 })]);
    const { layout } = await layoutWith(index);
    await expect(readImage(layout, { platform: "linux/s390x" })).rejects.toMatchObject({ code: "IMAGE_INVALID", message: expect.stringMatching(/no image for platform linux\/s390x \(platforms: linux\/amd64\)/) });
    await expect(readImage(layout, { platform: "linux" })).rejects.toMatchObject({ code: "REFERENCE_INVALID" });
  });

  it("refuses an artifact that is not a container image", async () => {
    const built = await buildImage({ layers: [{}] });
    const config = Buffer.from("{}");
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, artifactType: "application/vnd.cncf.helm.chart", config: { mediaType: "application/vnd.cncf.helm.config.v1+json", digest: digestOf(config), size: 2 }, layers: [] }));
    const artifact: BuiltImage = { ...built, config: { descriptor: { mediaType: "application/vnd.cncf.helm.config.v1+json", digest: digestOf(config), size: 2 }, bytes: config }, layers: [], manifest, descriptor: { mediaType: MediaType.ociManifest, digest: digestOf(manifest), size: manifest.length } };
    const { layout } = await layoutWith(artifact);
    await expect(readImage(layout)).rejects.toMatchObject({ code: "IMAGE_INVALID", message: expect.stringMatching(/no container image/) });
  });
});
