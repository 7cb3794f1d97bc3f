import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  copyImage,
  digestOf,
  listReferrers,
  MediaType,
  mountBlob,
  OciLayout,
  parseManifest,
  pushReferrer,
  RegistryClient,
  uploadBlobChunked,
  type CopyProgress,
  type Descriptor,
  type ImageStore,
} from "@peptide/oci";
import { buildImage, buildIndex, startRegistry, writeImage, type BuiltIndex, type LoopbackRegistry } from "@peptide/testkit";

const fast = { retries: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 };
const EMPTY = { mediaType: MediaType.ociEmpty, digest: digestOf("{}"), size: 2 };

/** Attaches a bundle-like referrer (one JSON layer) to `subject` in `store`. */
async function attach(store: ImageStore, subject: Descriptor, note: string): Promise<string> {
  const content = Buffer.from(JSON.stringify({ note }));
  const layer = { mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", digest: digestOf(content), size: content.length };
  await store.putBlob(EMPTY, Buffer.from("{}"));
  await store.putBlob(layer, content);
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, artifactType: layer.mediaType, config: EMPTY, layers: [layer], subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } }),
  );
  return (await pushReferrer(store, manifest, { settleMs: 0 })).descriptor.digest;
}

async function twoPlatforms(seed: string): Promise<BuiltIndex> {
  const amd = await buildImage({ layers: [{ "app/seed": seed, "app/big": randomBytes(40_000) }, { "etc/conf": "x" }] });
  const arm = await buildImage({ layers: [{ "app/seed": seed, "app/arm": "arm" }], platform: { os: "linux", architecture: "arm64" } });
  return buildIndex([amd, arm]);
}

/** Every manifest and blob the digest needs is in the store. */
async function assertComplete(store: ImageStore, digest: string): Promise<void> {
  const { bytes, descriptor } = await store.getManifest(digest);
  const parsed = parseManifest(bytes, descriptor.mediaType, digest);
  if (parsed.kind === "index") {
    for (const child of parsed.index.manifests) await assertComplete(store, child.digest);
    return;
  }
  for (const blob of [parsed.manifest.config, ...parsed.manifest.layers]) expect(await store.hasBlob(blob.digest), `${blob.digest} in ${store.location}`).toBe(true);
}

describe("copyImage", () => {
  let one: LoopbackRegistry;
  let two: LoopbackRegistry;
  let dir: string;
  const client = new RegistryClient({ retry: fast });
  beforeAll(async () => {
    [one, two] = await Promise.all([startRegistry(), startRegistry()]);
    dir = await mkdtemp(path.join(os.tmpdir(), "peptide-copy-"));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("copies an index with its platforms, blobs and referrers from a layout to a registry, tag last; a re-run is a no-op", async () => {
    const layout = await OciLayout.create(path.join(dir, "src1"));
    const built = await twoPlatforms("one");
    const root = await writeImage(layout, built, "v1");
    const onIndex = await attach(layout, root, "signature of the index");
    const onArm = await attach(layout, built.images[1]!.descriptor, "sbom of arm64");
    const target = client.repository(one.host, "promo/api");
    const events: CopyProgress[] = [];
    const result = await copyImage({ from: { store: layout, digest: root.digest }, to: { store: target, tag: "v1" }, onProgress: (e) => events.push(e), referrerSettleMs: 0 });
    expect(result).toMatchObject({ digest: root.digest, mountedBlobs: 0, tagged: true, alreadyComplete: false });
    // 2+1 layers, 2 configs, then the referrers' empty config once (the second referrer finds it) and 2 bundle layers
    expect([result.copiedBlobs, result.skippedBlobs]).toEqual([8, 1]);
    expect(result.bytesUploaded).toBeGreaterThan(40_000);
    expect(result.referrers.map((r) => [r.digest, r.status]).sort()).toEqual([[onIndex, "copied"], [onArm, "copied"]].sort());
    expect(events.at(-1)).toEqual({ kind: "tag", tag: "v1", digest: root.digest, action: "tagged" });
    expect((await target.resolve("v1")).digest).toBe(root.digest);
    await assertComplete(target, root.digest);
    expect((await listReferrers(target, root.digest)).referrers.map((r) => r.digest)).toEqual([onIndex]);
    expect((await listReferrers(target, built.images[1]!.descriptor.digest)).referrers.map((r) => r.digest)).toEqual([onArm]);

    const again = await copyImage({ from: { store: layout, digest: root.digest }, to: { store: target, tag: "v1" } });
    expect(again).toMatchObject({ copiedBlobs: 0, mountedBlobs: 0, bytesUploaded: 0, tagged: false, alreadyComplete: true });
    expect(again.skippedBlobs).toBe(9);
    expect(again.referrers.every((r) => r.status === "present")).toBe(true);
  });

  it("mounts every blob between repositories of one registry: zero bytes uploaded", async () => {
    const source = client.repository(one.host, "dev/api");
    const built = await twoPlatforms("mount");
    const root = await writeImage(source, built, "build-1");
    const sig = await attach(source, root, "signature");
    const result = await copyImage({ from: { store: source, digest: root.digest }, to: { store: client.repository(one.host, "prod/api"), tag: "1.0.0" }, referrerSettleMs: 0 });
    expect(result).toMatchObject({ copiedBlobs: 0, bytesUploaded: 0, mountedBlobs: 7, tagged: true });
    expect(result.referrers.map((r) => r.digest)).toEqual([sig]);
    await assertComplete(client.repository(one.host, "prod/api"), root.digest);
  });

  it("streams between registries, large blobs in chunks, and onward to a layout and another layout", async () => {
    const source = client.repository(one.host, "dev/big");
    const image = await buildImage({ layers: [{ blob: randomBytes(300_000) }, { small: "s" }] });
    const root = await writeImage(source, image, "v1");
    await attach(source, root, "provenance");
    const across = client.repository(two.host, "mirror/big");
    const result = await copyImage({ from: { store: source, digest: root.digest }, to: { store: across, tag: "v1" }, chunkSize: 64 * 1024, referrerSettleMs: 0 });
    expect(result).toMatchObject({ mountedBlobs: 0, copiedBlobs: 5, tagged: true });
    expect(result.bytesUploaded).toBeGreaterThan(300_000);
    await assertComplete(across, root.digest);

    const layout = await OciLayout.create(path.join(dir, "from-registry"));
    const down = await copyImage({ from: { store: across, digest: root.digest }, to: { store: layout, tag: "v1" }, referrerSettleMs: 0 });
    expect(down).toMatchObject({ copiedBlobs: 5, tagged: true });
    expect((await layout.resolve("v1")).digest).toBe(root.digest);
    expect((await listReferrers(layout, root.digest)).referrers).toHaveLength(1);

    const other = await OciLayout.create(path.join(dir, "layout-copy"));
    const sideways = await copyImage({ from: { store: layout, digest: root.digest }, to: { store: other, tag: "v1" }, referrerSettleMs: 0 });
    expect(sideways).toMatchObject({ copiedBlobs: 5, tagged: true });
    await assertComplete(other, root.digest);
  });

  it("refuses to move an existing tag to another digest unless allowed, and copies nothing then", async () => {
    const source = client.repository(one.host, "dev/tagged");
    const first = await writeImage(source, await buildImage({ layers: [{ v: "1" }] }), "a");
    const secondImage = await buildImage({ layers: [{ v: "2" }] });
    const second = await writeImage(source, secondImage, "b");
    const target = client.repository(two.host, "prod/tagged");
    await copyImage({ from: { store: source, digest: first.digest }, to: { store: target, tag: "stable" } });
    const refused = copyImage({ from: { store: source, digest: second.digest }, to: { store: target, tag: "stable" } });
    await expect(refused).rejects.toMatchObject({ code: "TAG_IMMUTABLE" });
    expect(await target.hasBlob(secondImage.layers[0]!.descriptor.digest)).toBe(false);
    const moved = await copyImage({ from: { store: source, digest: second.digest }, to: { store: target, tag: "stable" }, allowOverwrite: true });
    expect(moved.tagged).toBe(true);
    expect((await target.resolve("stable")).digest).toBe(second.digest);
  });

  it("fails with a coded error when the source lacks the digest", async () => {
    const missing = `sha256:${"0".repeat(64)}`;
    await expect(copyImage({ from: { store: client.repository(one.host, "dev/api"), digest: missing }, to: { store: client.repository(two.host, "x/y") } })).rejects.toMatchObject({ code: "MANIFEST_UNKNOWN" });
  });
});

describe("mount and chunked upload", () => {
  let registry: LoopbackRegistry;
  const client = new RegistryClient({ retry: fast });
  beforeAll(async () => {
    registry = await startRegistry();
  }, 30_000);
  afterAll(async () => registry?.stop());

  it("mountBlob answers false when the source repository lacks the blob, true when it has it", async () => {
    const content = randomBytes(1000);
    const blob = { digest: digestOf(content), size: content.length };
    const target = client.repository(registry.host, "m/target");
    expect(await mountBlob(target, blob.digest, "m/source")).toBe(false);
    await client.repository(registry.host, "m/source").putBlob(blob, content);
    expect(await mountBlob(target, blob.digest, "m/source")).toBe(true);
    expect(await target.hasBlob(blob.digest)).toBe(true);
  });

  it("uploads in chunks, and refuses content that is not the blob without committing it", async () => {
    const content = randomBytes(100_000);
    const blob = { digest: digestOf(content), size: content.length };
    const target = client.repository(registry.host, "c/target");
    const sent = await uploadBlobChunked(target, blob, () => Readable.from([content.subarray(0, 33_333), content.subarray(33_333)]), { chunkSize: 30_000 });
    expect(sent).toBe(100_000);
    expect(await target.hasBlob(blob.digest)).toBe(true);

    const tampered = Buffer.from(content);
    tampered[5] = (tampered[5] ?? 0) ^ 1;
    const claimed = { digest: digestOf(randomBytes(8)), size: tampered.length };
    await expect(uploadBlobChunked(target, claimed, () => Readable.from([tampered]), { chunkSize: 30_000 })).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    expect(await target.hasBlob(claimed.digest)).toBe(false);
    await expect(uploadBlobChunked(target, { digest: blob.digest, size: 99_999 }, () => Readable.from([content]), { chunkSize: 30_000 })).rejects.toMatchObject({ code: "SIZE_MISMATCH" });
  });
});
