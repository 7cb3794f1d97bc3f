import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeptideError } from "@peptide/core";
import { copyImage, digestOf, listReferrers, MediaType, OciLayout, OciError, parseManifest, pushReferrer, RegistryClient, type Descriptor, type ImageStore } from "@peptide/oci";
import { buildImage, startFaultProxy, startRegistry, writeImage, type FaultProxy, type LoopbackRegistry } from "@peptide/testkit";

const EMPTY = { mediaType: MediaType.ociEmpty, digest: digestOf("{}"), size: 2 };
const COPIES = 50;
/** Codes a copy through a faulty network may end with; anything else (or no code) is a bug. */
const EXPECTED_CODES = new Set(["NETWORK_UNREACHABLE", "HTTP_ERROR", "RATE_LIMITED", "NOT_FOUND", "REGISTRY_ERROR", "BLOB_UNKNOWN", "MANIFEST_UNKNOWN"]);

async function attach(store: ImageStore, subject: Descriptor): Promise<string> {
  const content = Buffer.from(JSON.stringify({ signature: "stand-in" }));
  const layer = { mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", digest: digestOf(content), size: content.length };
  await store.putBlob(EMPTY, Buffer.from("{}"));
  await store.putBlob(layer, content);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, artifactType: layer.mediaType, config: EMPTY, layers: [layer], subject }));
  return (await pushReferrer(store, manifest, { settleMs: 0 })).descriptor.digest;
}

/** Reading straight from the registry (no proxy): everything `digest` needs is there. */
async function missingParts(store: ImageStore, digest: string): Promise<string[]> {
  let content;
  try {
    content = await store.getManifest(digest);
  } catch (error) {
    if (error instanceof OciError && error.code === "MANIFEST_UNKNOWN") return [digest];
    throw error;
  }
  const parsed = parseManifest(content.bytes, content.descriptor.mediaType, digest);
  if (parsed.kind === "index") return (await Promise.all(parsed.index.manifests.map((m) => missingParts(store, m.digest)))).flat();
  const blobs = [parsed.manifest.config, ...parsed.manifest.layers];
  const present = await Promise.all(blobs.map((b) => store.hasBlob(b.digest)));
  return blobs.filter((_, i) => !present[i]).map((b) => b.digest);
}

describe("copies through a faulty network", () => {
  let registry: LoopbackRegistry;
  let proxy: FaultProxy;
  let dir: string;
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy({ target: registry.url, dropRate: 0.06, error500Rate: 0.06, error429Rate: 0.05, stallRate: 0.01, stallMs: 500, seed: 20261123 });
    dir = await mkdtemp(path.join(os.tmpdir(), "peptide-faults-"));
  }, 30_000);
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("each copy completes or fails with a coded error, no tag ever names an incomplete image, and re-runs finish the failed ones", async () => {
    const direct = new RegistryClient({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 } });
    // Bounded: 2 retries, short waits, and a per-attempt timeout under the proxy's stall.
    const faulty = new RegistryClient({ retry: { retries: 2, baseDelayMs: 2, maxDelayMs: 20, timeoutMs: 400 } });

    const image = await buildImage({ layers: [{ "app/bin": randomBytes(6000) }, { "etc/app.conf": "mode=prod\n" }] });
    const layout = await OciLayout.create(path.join(dir, "build"));
    const root = await writeImage(layout, image, "build");
    await attach(layout, root);
    const source = direct.repository(registry.host, "dev/app");
    await writeImage(source, image, "build");
    await attach(source, root);

    const copy = (i: number) =>
      copyImage({
        // Even: uploads from a layout, the large layer in chunks; odd: mounts within the registry.
        from: i % 2 === 0 ? { store: layout, digest: root.digest } : { store: faulty.repository(proxy.host, "dev/app"), digest: root.digest },
        to: { store: faulty.repository(proxy.host, `prod/app${i}`), tag: "v1" },
        chunkSize: 2048,
        referrerSettleMs: 0,
      });
    const checkTag = async (i: number): Promise<void> => {
      const target = direct.repository(registry.host, `prod/app${i}`);
      let tagged: string | undefined;
      try {
        tagged = (await target.resolve("v1")).digest;
      } catch (error) {
        if (!(error instanceof OciError && error.code === "MANIFEST_UNKNOWN")) throw error;
      }
      if (tagged === undefined) return;
      expect(tagged).toBe(root.digest);
      expect(await missingParts(target, tagged), `prod/app${i}:v1`).toEqual([]);
    };

    const failed: number[] = [];
    const codes: string[] = [];
    for (let i = 0; i < COPIES; i++) {
      try {
        const result = await copy(i);
        expect(result.tagged).toBe(true);
        expect(result.referrers).toHaveLength(1);
      } catch (error) {
        expect(error).toBeInstanceOf(PeptideError);
        const code = (error as PeptideError).code;
        expect(EXPECTED_CODES, `${code}: ${(error as Error).message}`).toContain(code);
        codes.push(code);
        failed.push(i);
      }
      await checkTag(i);
    }
    const { stats } = proxy;
    expect(stats.droppedBefore + stats.droppedAfter).toBeGreaterThan(0);
    expect(stats.error500 + stats.error429 + stats.stalled).toBeGreaterThan(0);
    console.log(`faults: ${JSON.stringify(stats)}; ${failed.length} of ${COPIES} copies failed first (${codes.join(", ") || "none"})`);

    // Re-runs through the same faulty proxy: bounded rounds until every copy is done.
    let pending = failed;
    for (let round = 0; round < 5 && pending.length > 0; round++) {
      const still: number[] = [];
      for (const i of pending) {
        await copy(i).catch(() => still.push(i));
        await checkTag(i);
      }
      pending = still;
    }
    expect(pending).toEqual([]);

    proxy.setRates({});
    for (let i = 0; i < COPIES; i++) {
      const again = await copy(i);
      expect(again.alreadyComplete, `prod/app${i}`).toBe(true);
      expect((await listReferrers(direct.repository(registry.host, `prod/app${i}`), root.digest)).referrers).toHaveLength(1);
    }
  }, 180_000);
});
