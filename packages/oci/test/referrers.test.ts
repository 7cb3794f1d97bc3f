import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestOf, listReferrers, MediaType, pushReferrer, pushReferrers, referrersTag, RegistryClient, type Descriptor } from "@peptide/oci";
import { buildImage, startRegistry, writeImage, type LoopbackRegistry } from "@peptide/testkit";

const fast = { retries: 1, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 };
const EMPTY = { mediaType: MediaType.ociEmpty, digest: digestOf("{}"), size: 2 };

function referrer(subject: Descriptor, n: number): Buffer {
  return Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, artifactType: "application/vnd.example+json", config: EMPTY, layers: [EMPTY], subject, annotations: { n: String(n) } }),
  );
}

describe("referrers tag schema against docker-registry (no referrers API)", () => {
  let registry: LoopbackRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  }, 30_000);
  afterAll(async () => registry?.stop());

  it("keeps every referrer when several are pushed at once", async () => {
    const store = new RegistryClient({ retry: fast }).repository(registry.host, "team/busy");
    const subject = await writeImage(store, await buildImage({ layers: [{ f: "x" }] }), "v1");
    await store.putBlob(EMPTY, Buffer.from("{}"));
    const pushed = await Promise.all([1, 2, 3, 4].map((n) => pushReferrer(store, referrer(subject, n), { attempts: 6 })));
    expect(pushed.every((p) => p.method === "referrers-tag")).toBe(true);
    const listed = await listReferrers(store, subject.digest);
    expect(listed.referrers.map((r) => r.digest).sort()).toEqual(pushed.map((p) => p.descriptor.digest).sort());
    expect(listed.referrers.every((r) => r.artifactType === "application/vnd.example+json")).toBe(true);
    expect((await listReferrers(store, subject.digest, { artifactType: "application/other" })).referrers).toEqual([]);
  }, 30_000);

  it("pushes several referrers with one update of the subject's index, in order, beside a concurrent single push", async () => {
    const store = new RegistryClient({ retry: fast }).repository(registry.host, "team/batch");
    const subject = await writeImage(store, await buildImage({ layers: [{ f: "y" }] }), "v1");
    const other = await writeImage(store, await buildImage({ layers: [{ f: "z" }] }), "v2");
    await store.putBlob(EMPTY, Buffer.from("{}"));
    const [batch, single] = await Promise.all([pushReferrers(store, [referrer(subject, 1), referrer(other, 2), referrer(subject, 3)], { settleMs: 0 }), pushReferrer(store, referrer(subject, 4), { settleMs: 0 })]);
    expect(batch.map((p) => p.method)).toEqual(["referrers-tag", "referrers-tag", "referrers-tag"]);
    const listed = (await listReferrers(store, subject.digest)).referrers.map((r) => r.digest);
    expect(listed.sort()).toEqual([batch[0]!.descriptor.digest, batch[2]!.descriptor.digest, single.descriptor.digest].sort());
    expect((await listReferrers(store, other.digest)).referrers.map((r) => r.digest)).toEqual([batch[1]!.descriptor.digest]);
    // One batch alone keeps the order it was given.
    const third = await writeImage(store, await buildImage({ layers: [{ f: "w" }] }), "v3");
    const ordered = await pushReferrers(store, [5, 6, 7].map((n) => referrer(third, n)), { settleMs: 0 });
    expect((await listReferrers(store, third.digest)).referrers.map((r) => r.digest)).toEqual(ordered.map((p) => p.descriptor.digest));
    await expect(pushReferrers(store, [Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: EMPTY, layers: [] }))])).rejects.toMatchObject({ code: "MANIFEST_INVALID" });
  }, 30_000);

  it("lists nothing for a digest without referrers, and names the tag sha256-<hex>", async () => {
    const store = new RegistryClient({ retry: fast }).repository(registry.host, "team/quiet");
    const digest = `sha256:${"ab".repeat(32)}`;
    expect(referrersTag(digest)).toBe(`sha256-${"ab".repeat(32)}`);
    expect(await listReferrers(store, digest)).toEqual({ method: "referrers-tag", referrers: [] });
  });
});

/** A registry that has the referrers API: manifests in memory, `GET /v2/<name>/referrers/<digest>` from their subjects. */
describe("referrers API", () => {
  let server: Server;
  let host = "";
  const manifests = new Map<string, { type: string; body: Buffer }>();
  const tagged: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        let m = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
        if (m && req.method === "GET") {
          const list = [...manifests.entries()]
            .map(([digest, { type, body: b }]) => ({ digest, type, json: JSON.parse(b.toString()) }))
            .filter((e) => e.json.subject?.digest === m![2])
            .map((e) => ({ mediaType: e.type, digest: e.digest, size: manifests.get(e.digest)!.body.length, artifactType: e.json.artifactType, annotations: e.json.annotations }));
          res.writeHead(200, { "content-type": MediaType.ociIndex });
          res.end(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: list }));
          return;
        }
        m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url.pathname);
        if (m && req.method === "PUT") {
          const digest = digestOf(body);
          manifests.set(digest, { type: String(req.headers["content-type"]), body });
          if (!m[2]!.startsWith("sha256:")) tagged.push(m[2]!);
          res.writeHead(201, { "docker-content-digest": digest, location: url.pathname });
          res.end();
          return;
        }
        if (m && (req.method === "GET" || req.method === "HEAD")) {
          const found = manifests.get(m[2]!);
          if (!found) {
            res.writeHead(404, { "content-type": "application/json" });
            res.end(JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN" }] }));
            return;
          }
          res.writeHead(200, { "content-type": found.type, "docker-content-digest": m[2]!, "content-length": String(found.body.length) });
          res.end(req.method === "GET" ? found.body : undefined);
          return;
        }
        res.writeHead(404);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("is used to list and push, and no referrers tag is written", async () => {
    const store = new RegistryClient({ retry: fast }).repository(host, "team/app");
    const subject: Descriptor = { mediaType: MediaType.ociManifest, digest: `sha256:${"cd".repeat(32)}`, size: 10 };
    const pushed = await pushReferrer(store, referrer(subject, 1));
    expect(pushed.method).toBe("referrers-api");
    expect(tagged).toEqual([]);
    const listed = await listReferrers(store, subject.digest);
    expect(listed).toEqual({ method: "referrers-api", referrers: [{ ...pushed.descriptor }] });
  });
});
