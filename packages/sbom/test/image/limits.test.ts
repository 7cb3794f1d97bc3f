import zlib, { gzipSync } from "node:zlib";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MediaType } from "@peptide/oci";
import { buildImage, layerTar } from "@peptide/testkit";
import { readImage } from "../../src/image/index.js";
import { imageWithLayer, layoutWith, pkg, sbomOf } from "./image-fixture.js";

describe("limits and hostile layers", () => {
  it("refuses a layer over the compressed size limit before fetching it, naming the layer", async () => {
    const image = await buildImage({ layers: [{ "big.bin": Buffer.alloc(4096, 7) }] });
    const { layout } = await layoutWith(image);
    const digest = image.layers[0]!.descriptor.digest;
    await expect(readImage(layout, { limits: { maxLayerBytes: 100 } })).rejects.toMatchObject({ code: "LAYER_TOO_LARGE", message: expect.stringContaining(`layer ${digest}`) });
  });

  it("refuses a gzip bomb by its decompressed size", async () => {
    const image = await buildImage({ layers: [{ "zeros.bin": Buffer.alloc(2 * 1024 * 1024) }] });
    const { layout } = await layoutWith(image);
    await expect(readImage(layout, { limits: { maxUncompressedLayerBytes: 1024 * 1024 } })).rejects.toMatchObject({
      code: "LAYER_TOO_LARGE",
      message: expect.stringMatching(new RegExp(`layer ${image.layers[0]!.descriptor.digest} decompresses to more than 1 MiB`)),
    });
  });

  it("refuses a gzip bomb by its expansion ratio", async () => {
    const image = await buildImage({ layers: [{ "zeros.bin": Buffer.alloc(4 * 1024 * 1024) }] });
    const { layout } = await layoutWith(image);
    await expect(readImage(layout, { limits: { ratioFloorBytes: 64 * 1024, maxCompressionRatio: 50 } })).rejects.toMatchObject({ code: "LAYER_TOO_LARGE", message: expect.stringMatching(/expands more than 50×.*gzip bomb/) });
  });

  it("skips a package file over the per-file limit with a warning", async () => {
    const { purls, warnings } = await sbomOf([{ "a/node_modules/x/package.json": pkg("x", "1.0.0", { description: "x".repeat(5000) }), "a/node_modules/y/package.json": pkg("y") }], { limits: { maxFileBytes: 1000 } });
    expect(purls).toEqual(["pkg:npm/y@1.0.0"]);
    expect(warnings).toEqual([expect.stringMatching(/\/a\/node_modules\/x\/package.json is \d+ bytes, over the 1000 bytes per-file limit; skipped/)]);
  });

  it("keeps entries with .. inside the virtual root and never follows a link out of it", async () => {
    const { purls, warnings } = await sbomOf([
      {
        "../../../var/lib/dpkg/status": "Package: sneaky\nStatus: install ok installed\nVersion: 1\n",
        "/abs/node_modules/a/package.json": pkg("a"),
        "etc/os-release": { symlink: "../../../../../etc/os-release-host" },
        "x/node_modules/evil/package.json": { symlink: "/../../../../etc/passwd" },
      },
    ]);
    // `../../../var/lib/dpkg/status` is where a container runtime would put it: /var/lib/dpkg/status.
    expect(purls).toEqual(["pkg:deb/debian/sneaky@1", "pkg:npm/a@1.0.0"]);
    expect(warnings).toEqual([expect.stringMatching(/climbs above the root; read as \/var\/lib\/dpkg\/status/)]);
  });

  it("refuses a layer whose bytes do not match its digest", async () => {
    const image = await buildImage({ layers: [{ "a/node_modules/x/package.json": pkg("x") }] });
    const { layout, dir } = await layoutWith(image);
    const layer = image.layers[0]!.descriptor;
    const tampered = gzipSync(await layerTar({ "a/node_modules/x/package.json": pkg("x", "6.6.6") }));
    await writeFile(path.join(dir, "blobs", "sha256", layer.digest.slice(7)), tampered.subarray(0, layer.size));
    await expect(readImage(layout)).rejects.toMatchObject({ code: expect.stringMatching(/DIGEST_MISMATCH|SIZE_MISMATCH/) });
  });

  it("says which layer is not a tar or is truncated", async () => {
    const notTar = await imageWithLayer(gzipSync(Buffer.from("this is not a tar archive at all, just text padded out ".repeat(20))));
    const { layout } = await layoutWith(notTar);
    await expect(readImage(layout)).rejects.toMatchObject({ code: "IMAGE_INVALID", message: expect.stringContaining(`layer ${notTar.layers[0]!.descriptor.digest} is not a readable tar archive`) });
    const full = gzipSync(await layerTar({ "a/node_modules/x/package.json": pkg("x", "1.0.0", { pad: "p".repeat(3000) }) }));
    const truncated = await imageWithLayer(full.subarray(0, Math.floor(full.length / 2)));
    const second = await layoutWith(truncated);
    await expect(readImage(second.layout)).rejects.toThrow(new RegExp(truncated.layers[0]!.descriptor.digest.slice(7, 20)));
  });

  it("reads a layer whose media type says gzip but whose bytes are a plain tar", async () => {
    const image = await imageWithLayer(await layerTar({ "a/node_modules/x/package.json": pkg("x") }));
    const { layout } = await layoutWith(image);
    const [sbom] = (await readImage(layout)).images;
    expect(sbom?.components.map((c) => c.purl)).toEqual(["pkg:npm/x@1.0.0"]);
  });

  it("skips non-filesystem layers with a warning", async () => {
    const image = await imageWithLayer(Buffer.from("{}"), "application/vnd.in-toto+json");
    const { layout } = await layoutWith(image);
    const [sbom] = (await readImage(layout)).images;
    expect(sbom?.warnings).toEqual([expect.stringMatching(/application\/vnd.in-toto\+json is not a filesystem layer; skipped/)]);
  });
});

describe("zstd layers", () => {
  const zstd: unknown = Reflect.get(zlib, "zstdCompressSync");

  // One test for either kind of Node: read where node:zlib has zstd (22.15+), refused by name elsewhere.
  it("are read on a Node that has zstd, and refused naming the Node version on one that has not", async () => {
    const tar = await layerTar({ "a/node_modules/x/package.json": pkg("x") });
    if (typeof zstd === "function") {
      const compressed = Buffer.from(Reflect.apply(zstd as (b: Buffer) => Buffer, zlib, [tar]) as Buffer);
      const { layout } = await layoutWith(await imageWithLayer(compressed, MediaType.ociLayerZstd));
      expect((await readImage(layout)).images[0]?.components.map((c) => c.purl)).toEqual(["pkg:npm/x@1.0.0"]);
    } else {
      const { layout } = await layoutWith(await imageWithLayer(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]), MediaType.ociLayerZstd));
      await expect(readImage(layout)).rejects.toMatchObject({ code: "IMAGE_INVALID", message: expect.stringMatching(/zstd-compressed, which needs Node 22.15 or later/) });
    }
  });
});
