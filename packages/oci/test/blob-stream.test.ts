import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeptideError } from "@peptide/core";
import { copyImage, digestOf, MediaType, OciError, parseManifest, pushReferrer, RegistryClient, staticCredentials, streamBlob, type Descriptor, type ImageStore } from "@peptide/oci";
import { buildImage, startFaultProxy, startRegistry, writeImage, type FaultProxy, type LoopbackRegistry } from "@peptide/testkit";
import { nodeFetch, rawBodyOf } from "../src/node-http.js";

const fast = { retries: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 };
const EMPTY = { mediaType: MediaType.ociEmpty, digest: digestOf("{}"), size: 2 };

async function attach(store: ImageStore, subject: Descriptor): Promise<string> {
  const content = Buffer.from(JSON.stringify({ signature: "stand-in" }));
  const layer = { mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", digest: digestOf(content), size: content.length };
  await store.putBlob(EMPTY, Buffer.from("{}"));
  await store.putBlob(layer, content);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, artifactType: layer.mediaType, config: EMPTY, layers: [layer], subject }));
  return (await pushReferrer(store, manifest, { settleMs: 0 })).descriptor.digest;
}

/** Where docker-registry (distribution 2.8, filesystem driver) keeps a blob's bytes. */
function blobFile(registry: LoopbackRegistry, digest: string): string {
  const hex = digest.slice("sha256:".length);
  return path.join(registry.storageDir, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data");
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function absent(store: ImageStore, reference: string): Promise<boolean> {
  try {
    await store.resolve(reference);
    return false;
  } catch (error) {
    if (error instanceof OciError && error.code === "MANIFEST_UNKNOWN") return true;
    throw error;
  }
}

describe("blobs streamed between registries", () => {
  let one: LoopbackRegistry;
  let two: LoopbackRegistry;
  const client = new RegistryClient({ retry: fast });
  beforeAll(async () => {
    [one, two] = await Promise.all([startRegistry(), startRegistry()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it("streams a large layer in one upload and the copy is complete", async () => {
    const image = await buildImage({ layers: [{ big: randomBytes(500_000) }, { small: "s" }] });
    const source = client.repository(one.host, "s/app");
    const root = await writeImage(source, image, "v1");
    const target = client.repository(two.host, "t/app");
    const result = await copyImage({ from: { store: source, digest: root.digest }, to: { store: target, tag: "v1" }, chunkSize: 64 * 1024 });
    expect(result).toMatchObject({ copiedBlobs: 3, mountedBlobs: 0, tagged: true });
    for (const layer of image.layers) expect(await target.hasBlob(layer.descriptor.digest)).toBe(true);
    expect((await target.resolve("v1")).digest).toBe(root.digest);
  });

  it("sends nothing for a large blob the target has already (asked beside the upload's start)", async () => {
    const image = await buildImage({ layers: [{ big: randomBytes(400_000) }, { other: randomBytes(300_000) }] });
    const source = client.repository(one.host, "s/partial");
    const root = await writeImage(source, image, "v1");
    const target = client.repository(two.host, "t/partial");
    const first = image.layers[0]!.descriptor;
    expect(await streamBlob(source, target, first)).toBe(first.size);
    const result = await copyImage({ from: { store: source, digest: root.digest }, to: { store: target, tag: "v1" }, chunkSize: 64 * 1024 });
    expect(result).toMatchObject({ copiedBlobs: 2, skippedBlobs: 1, tagged: true });
    expect(result.bytesUploaded).toBe(image.layers[1]!.descriptor.size + image.config.descriptor.size);
    expect(await streamBlob(source, target, first, { present: target.hasBlob(first.digest) })).toBe(0);
  });

  it("refuses a source blob whose bytes are not its digest: nothing committed, no manifest, no tag", async () => {
    const image = await buildImage({ layers: [{ big: randomBytes(300_000) }] });
    const source = client.repository(one.host, "s/tampered");
    const root = await writeImage(source, image, "v1");
    const layer = image.layers[0]!.descriptor;
    // Same size, one byte flipped: only the digest check can tell.
    const file = blobFile(one, layer.digest);
    const bytes = await readFile(file);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    await writeFile(file, bytes);

    const target = client.repository(two.host, "t/tampered");
    await expect(copyImage({ from: { store: source, digest: root.digest }, to: { store: target, tag: "v1" }, chunkSize: 64 * 1024 })).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    expect(await target.hasBlob(layer.digest)).toBe(false);
    expect(await absent(target, root.digest)).toBe(true);
    expect(await absent(target, "v1")).toBe(true);
    // streamBlob on its own: the same refusal, not retried as a network failure.
    await expect(streamBlob(source, target, layer)).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    expect(await target.hasBlob(layer.digest)).toBe(false);
  });

  it("checks a stream that is not a verifying one, and refuses a short one", async () => {
    const content = randomBytes(200_000);
    const blob = { digest: digestOf(content), size: content.length };
    const target = client.repository(two.host, "t/plain");
    const plain = (bytes: Buffer): ImageStore => ({ getBlob: async () => Readable.from([bytes]) }) as unknown as ImageStore;
    await expect(streamBlob(plain(content.subarray(0, 150_000)), target, blob)).rejects.toMatchObject({ code: "SIZE_MISMATCH" });
    const flipped = Buffer.from(content);
    flipped[7] = (flipped[7] ?? 0) ^ 1;
    await expect(streamBlob(plain(flipped), target, blob)).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    expect(await target.hasBlob(blob.digest)).toBe(false);
    expect(await streamBlob(plain(content), target, blob)).toBe(content.length);
    expect(await target.hasBlob(blob.digest)).toBe(true);
  });
});

describe("a streamed blob behind a token-auth registry that redirects downloads to storage", () => {
  const blob = randomBytes(100_000);
  const digest = digestOf(blob);
  const seen: Array<{ server: string; method: string; url: string; authorization?: string }> = [];
  let storage: Server;
  let registry: Server;
  let target: LoopbackRegistry;
  let host = "";
  let redirectTo = "";
  beforeAll(async () => {
    target = await startRegistry();
    storage = await listen((req, res) => {
      seen.push({ server: "storage", method: req.method ?? "", url: req.url ?? "", ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(blob.length) }).end(blob);
    });
    registry = await listen((req, res) => {
      seen.push({ server: "registry", method: req.method ?? "", url: req.url ?? "", ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      const url = new URL(req.url ?? "/", `http://${host}`);
      if (url.pathname === "/token") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: "tok", expires_in: 300 }));
      if (req.headers.authorization !== "Bearer tok") {
        return void res.writeHead(401, { "www-authenticate": `Bearer realm="http://${host}/token",service="fake"`, "content-type": "application/json" }).end("{}");
      }
      res.writeHead(307, { location: redirectTo }).end();
    });
    host = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await Promise.all([close(storage), close(registry), target?.stop()]);
  });

  it("follows the redirect without the registry's Authorization and verifies what it sent", async () => {
    redirectTo = `http://localhost:${(storage.address() as AddressInfo).port}/blob?sig=x`;
    const client = new RegistryClient({ credentials: staticCredentials({}), retry: fast });
    const to = client.repository(target.host, "t/redirected");
    expect(await streamBlob(client.repository(host, "team/app"), to, { digest, size: blob.length })).toBe(blob.length);
    expect(await to.hasBlob(digest)).toBe(true);
    const download = seen.filter((s) => s.server === "storage");
    expect(download).toHaveLength(1);
    expect(download[0]?.authorization).toBeUndefined();
    expect(seen.some((s) => s.server === "registry" && s.authorization === "Bearer tok")).toBe(true);
  });

  it("never follows a redirect to a link-local (metadata) address", async () => {
    redirectTo = "http://169.254.169.254/latest/meta-data/";
    seen.length = 0;
    const client = new RegistryClient({ credentials: staticCredentials({}), retry: fast });
    const to = client.repository(target.host, "t/metadata");
    const other = randomBytes(10);
    await expect(streamBlob(client.repository(host, "team/app"), to, { digest: digestOf(other), size: other.length })).rejects.toMatchObject({ code: "HOST_REFUSED" });
    expect(seen.filter((s) => s.server === "storage")).toEqual([]);
    expect(await to.hasBlob(digestOf(other))).toBe(false);
  });
});

describe("nodeFetch", () => {
  let server: Server;
  let base = "";
  beforeAll(async () => {
    server = await listen((req, res) => {
      if (req.url === "/stall") return void res.writeHead(200, { "content-length": "10" }).write("12345");
      if (req.url === "/hang") return;
      if (req.url === "/echo") {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => res.writeHead(201, { "x-length": String(Buffer.concat(chunks).length) }).end("ok"));
        return;
      }
      res.writeHead(200, { "content-type": "text/plain", "set-cookie": ["a=1", "b=2"] }).end("hello");
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => close(server));

  it("answers like fetch: status, headers, a body read through the web stream or taken raw", async () => {
    const response = await nodeFetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(await response.text()).toBe("hello");
    const raw = rawBodyOf(await nodeFetch(`${base}/`));
    expect(raw).toBeDefined();
    let text = "";
    for await (const chunk of raw!) text += String(chunk);
    expect(text).toBe("hello");
    const head = await nodeFetch(`${base}/`, { method: "HEAD" });
    expect(head.body).toBeNull();
  });

  it("sends bytes, strings and Node streams", async () => {
    for (const body of [Buffer.alloc(3000, 1), "x".repeat(3000), Readable.from([Buffer.alloc(1000), Buffer.alloc(2000)])]) {
      const response = await nodeFetch(`${base}/echo`, { method: "PUT", body, ...(body instanceof Readable ? { headers: { "content-length": "3000" } } : {}) });
      expect(response.status).toBe(201);
      expect(response.headers.get("x-length")).toBe("3000");
      await response.body?.cancel();
    }
  });

  it("fails a stalled body with a retryable code instead of hanging", async () => {
    const response = await nodeFetch(`${base}/stall`, { bodyTimeoutMs: 100 });
    await expect(response.text()).rejects.toThrow();
    const raw = rawBodyOf(await nodeFetch(`${base}/stall`, { bodyTimeoutMs: 100 }));
    const error = await new Promise<unknown>((resolve) => raw!.on("error", resolve).resume());
    expect(error).toMatchObject({ code: "ETIMEDOUT" });
    await expect(nodeFetch(`${base}/hang`, { idleTimeoutMs: 100 })).rejects.toMatchObject({ code: "ETIMEDOUT" });
  });
});

describe("streamed copies through a faulty network", () => {
  let one: LoopbackRegistry;
  let two: LoopbackRegistry;
  let proxyOne: FaultProxy;
  let proxyTwo: FaultProxy;
  beforeAll(async () => {
    [one, two] = await Promise.all([startRegistry(), startRegistry()]);
    const faults = { dropRate: 0.06, error500Rate: 0.06, error429Rate: 0.05, stallRate: 0.01, stallMs: 500 };
    proxyOne = await startFaultProxy({ target: one.url, ...faults, seed: 7 });
    proxyTwo = await startFaultProxy({ target: two.url, ...faults, seed: 11 });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([proxyOne?.close(), proxyTwo?.close()]);
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it("each copy completes or fails with a coded error, no tag names an incomplete image, re-runs finish", async () => {
    const direct = new RegistryClient({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 } });
    const faulty = new RegistryClient({ retry: { retries: 2, baseDelayMs: 2, maxDelayMs: 20, timeoutMs: 400 } });
    const image = await buildImage({ layers: [{ "app/bin": randomBytes(60_000) }, { "app/lib": randomBytes(30_000) }] });
    const root = await writeImage(direct.repository(one.host, "dev/app"), image, "build");
    await attach(direct.repository(one.host, "dev/app"), root);
    const copies = 20;
    const copy = (i: number) =>
      copyImage({ from: { store: faulty.repository(proxyOne.host, "dev/app"), digest: root.digest }, to: { store: faulty.repository(proxyTwo.host, `prod/app${i}`), tag: "v1" }, chunkSize: 4096, referrerSettleMs: 0 });
    const checkTag = async (i: number): Promise<void> => {
      const target = direct.repository(two.host, `prod/app${i}`);
      if (await absent(target, "v1")) return;
      expect((await target.resolve("v1")).digest).toBe(root.digest);
      const { bytes, descriptor } = await target.getManifest(root.digest);
      const parsed = parseManifest(bytes, descriptor.mediaType, root.digest);
      if (parsed.kind !== "manifest") throw new Error("expected a manifest");
      for (const blob of [parsed.manifest.config, ...parsed.manifest.layers]) expect(await target.hasBlob(blob.digest), `${blob.digest} in prod/app${i}`).toBe(true);
    };
    let pending: number[] = [];
    for (let i = 0; i < copies; i++) {
      try {
        await copy(i);
      } catch (error) {
        expect(error).toBeInstanceOf(PeptideError);
        expect(["NETWORK_UNREACHABLE", "HTTP_ERROR", "RATE_LIMITED", "NOT_FOUND", "REGISTRY_ERROR", "BLOB_UNKNOWN", "MANIFEST_UNKNOWN"], (error as Error).message).toContain((error as PeptideError).code);
        pending.push(i);
      }
      await checkTag(i);
    }
    expect(proxyOne.stats.droppedBefore + proxyOne.stats.droppedAfter + proxyTwo.stats.droppedBefore + proxyTwo.stats.droppedAfter).toBeGreaterThan(0);
    console.log(`faults: source ${JSON.stringify(proxyOne.stats)}, target ${JSON.stringify(proxyTwo.stats)}; ${pending.length} of ${copies} copies failed first`);
    for (let round = 0; round < 5 && pending.length > 0; round++) {
      const still: number[] = [];
      for (const i of pending) {
        await copy(i).catch(() => still.push(i));
        await checkTag(i);
      }
      pending = still;
    }
    expect(pending).toEqual([]);
    proxyOne.setRates({});
    proxyTwo.setRates({});
    for (let i = 0; i < copies; i++) expect((await copy(i)).alreadyComplete, `prod/app${i}`).toBe(true);
  }, 180_000);
});
