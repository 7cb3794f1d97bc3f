import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { digestOf, MediaType, OciLayout, openImage, REF_NAME_ANNOTATION } from "@peptide/oci";
import { buildImage, buildIndex, writeImage } from "@peptide/testkit";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-layout-"));
  dirs.push(dir);
  return dir;
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

describe("OCI image layout", () => {
  it("creates a layout, stores an image under a tag and resolves it by tag, digest or alone", async () => {
    const dir = await tempDir();
    const layout = await OciLayout.create(dir);
    expect(JSON.parse(await readFile(path.join(dir, "oci-layout"), "utf8"))).toEqual({ imageLayoutVersion: "1.0.0" });
    const image = await buildImage({ layers: [{ "hello.txt": "hi" }] });
    const descriptor = await writeImage(layout, image, "v1");
    expect(descriptor.digest).toBe(image.descriptor.digest);
    expect((await layout.resolve("v1")).digest).toBe(image.descriptor.digest);
    expect((await layout.resolve()).digest).toBe(image.descriptor.digest);
    expect((await layout.resolve(image.descriptor.digest)).mediaType).toBe(MediaType.ociManifest);
    expect((await layout.getManifest("v1")).bytes).toEqual(image.manifest);
    const config = image.config.descriptor;
    expect(JSON.parse(await text(await layout.getBlob(config)))).toMatchObject({ os: "linux", architecture: "amd64" });
    const index = JSON.parse(await readFile(path.join(dir, "index.json"), "utf8"));
    expect(index.manifests).toEqual([{ mediaType: MediaType.ociManifest, digest: image.descriptor.digest, size: image.descriptor.size, annotations: { [REF_NAME_ANNOTATION]: "v1" } }]);
  });

  it("moves a tag, keeps other tags, and names the tags when one is unknown", async () => {
    const layout = await OciLayout.create(await tempDir());
    const one = await buildImage({ layers: [{ a: "1" }] });
    const two = await buildImage({ layers: [{ a: "2" }] });
    await writeImage(layout, one, "stable");
    await writeImage(layout, two, "next");
    await layout.tag("stable", two.descriptor.digest);
    expect(await layout.tags()).toEqual(["stable", "next"]);
    expect((await layout.resolve("stable")).digest).toBe(two.descriptor.digest);
    await expect(layout.resolve("prod")).rejects.toThrow(/no image tagged "prod" \(tags: stable, next\)/);
    await expect(layout.resolve()).rejects.toThrow(/holds 2 images; name one by tag/);
    await expect(layout.tag("bad tag", two.descriptor.digest)).rejects.toMatchObject({ code: "REFERENCE_INVALID" });
  });

  it("resolves platform manifests of an index that index.json does not list", async () => {
    const layout = await OciLayout.create(await tempDir());
    const amd = await buildImage({ layers: [{ a: "amd" }] });
    const arm = await buildImage({ layers: [{ a: "arm" }], platform: { os: "linux", architecture: "arm64" } });
    const index = buildIndex([amd, arm]);
    await writeImage(layout, index, "multi");
    expect((await layout.resolve("multi")).mediaType).toBe(MediaType.ociIndex);
    expect((await layout.getManifest(arm.descriptor.digest)).descriptor).toMatchObject({ digest: arm.descriptor.digest, mediaType: MediaType.ociManifest });
    await expect(layout.getManifest(digestOf("nothing"))).rejects.toMatchObject({ code: "MANIFEST_UNKNOWN" });
  });

  it("refuses blobs whose content does not match their digest, on write and on read", async () => {
    const dir = await tempDir();
    const layout = await OciLayout.create(dir);
    const good = Buffer.from("good content");
    const digest = digestOf(good);
    await expect(layout.putBlob({ digest, size: good.length }, Buffer.from("evil content"))).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    await expect(layout.putBlob({ digest, size: good.length }, () => Readable.from([Buffer.from("evil content")]))).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    expect(await layout.hasBlob(digest)).toBe(false);
    await layout.putBlob({ digest, size: good.length }, () => Readable.from([good.subarray(0, 4), good.subarray(4)]));
    expect(await layout.hasBlob(digest)).toBe(true);
    // Tampered on disk after the fact.
    await writeFile(path.join(dir, "blobs", "sha256", digest.slice(7)), "evil content");
    await expect(text(await layout.getBlob({ digest, size: good.length }))).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    await expect(layout.getBlob({ digest, size: 5 })).rejects.toMatchObject({ code: "SIZE_MISMATCH" });
    await expect(layout.getBlob({ digest: digestOf("absent") })).rejects.toMatchObject({ code: "BLOB_UNKNOWN" });
  });

  it("refuses a directory that is not a layout", async () => {
    await expect(OciLayout.open(await tempDir())).rejects.toMatchObject({ code: "LAYOUT_INVALID" });
  });

  it("opens a layout from what a person types", async () => {
    const dir = await tempDir();
    const layout = await OciLayout.create(path.join(dir, "img"));
    await writeImage(layout, await buildImage({ layers: [{ a: "1" }] }), "v1");
    expect(await openImage("img", { cwd: dir })).toMatchObject({ name: "img" });
    expect(await openImage("img:v1", { cwd: dir })).toMatchObject({ name: "img", reference: "v1" });
    expect(await openImage(`oci:${path.join(dir, "img")}:v1`)).toMatchObject({ reference: "v1" });
    const remote = await openImage("ghcr.io/acme/app:v2", { cwd: dir });
    expect(remote).toMatchObject({ name: "ghcr.io/acme/app", reference: "v2", store: { location: "ghcr.io/acme/app" } });
  });

  it("never takes a registry name for a directory of that name in the working tree", async () => {
    const dir = await tempDir();
    // A checkout could carry a layout at ghcr.io/acme/app to stand in for the registry.
    const planted = await OciLayout.create(path.join(dir, "ghcr.io/acme/app"));
    await writeImage(planted, await buildImage({ layers: [{ a: "planted" }] }), "v2");
    const opened = await openImage("ghcr.io/acme/app:v2", { cwd: dir });
    expect(opened.ref?.registry).toBe("ghcr.io");
    expect(opened.store).not.toBeInstanceOf(OciLayout);
    // Written as a path, or with oci:, it is the directory.
    expect((await openImage("./ghcr.io/acme/app:v2", { cwd: dir })).store).toBeInstanceOf(OciLayout);
    expect((await openImage("oci:ghcr.io/acme/app:v2", { cwd: dir })).store).toBeInstanceOf(OciLayout);
  });
});
