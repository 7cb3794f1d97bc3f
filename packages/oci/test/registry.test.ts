import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { digestOf, MANIFEST_ACCEPT, MediaType, RegistryClient, staticCredentials, type Credential } from "@peptide/oci";
import { buildImage, buildIndex, REGISTRY_TEST_CREDENTIALS, startRegistry, writeImage, type LoopbackRegistry } from "@peptide/testkit";

const fast = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 };

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
}

/**
 * A Distribution API stand-in with token auth: every /v2/ request without `Bearer tok:<scope>`
 * gets a 401 Bearer challenge; /token checks basic credentials and hands out the token. Blob
 * GETs redirect to a second server (another origin), as registries redirect to storage.
 */
class FakeRegistry {
  readonly seen: Seen[] = [];
  readonly tokenRequests: Array<{ authorization?: string; scopes: string[] }> = [];
  manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: digestOf("{}"), size: 2 }, layers: [] }));
  blob = Buffer.from("layer bytes");
  realm?: string;
  failures = 0;
  tamper = false;
  storage!: Server;
  server!: Server;
  host = "";
  storageUrl = "";

  constructor(private readonly credential?: Credential) {}

  async start(): Promise<void> {
    this.storage = await listen((req, res) => {
      this.seen.push(record(req));
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(this.blob.length) }).end(this.blob);
    });
    this.storageUrl = `http://localhost:${(this.storage.address() as AddressInfo).port}`;
    this.server = await listen((req, res) => this.handle(req, res));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of [this.server, this.storage]) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", `http://${this.host}`);
    if (url.pathname === "/token") {
      const scopes = url.searchParams.getAll("scope");
      const entry: { authorization?: string; scopes: string[] } = { scopes };
      if (req.headers.authorization) entry.authorization = req.headers.authorization;
      this.tokenRequests.push(entry);
      const expected = this.credential?.username ? `Basic ${Buffer.from(`${this.credential.username}:${this.credential.password}`).toString("base64")}` : undefined;
      if (expected && req.headers.authorization !== expected) return void res.writeHead(401, { "content-type": "application/json" }).end('{"details":"incorrect username or password"}');
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `tok:${scopes.join(" ")}`, expires_in: 300 }));
    }
    this.seen.push(record(req));
    const repo = /^\/v2\/([^]+?)\/(manifests|blobs)\//.exec(url.pathname)?.[1] ?? "";
    const scope = `repository:${repo}:pull`;
    if (req.headers.authorization !== `Bearer tok:${scope}`) {
      const realm = this.realm ?? `http://${this.host}/token`;
      return void res.writeHead(401, { "www-authenticate": `Bearer realm="${realm}",service="fake",scope="${scope}"`, "content-type": "application/json" }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    }
    if (this.failures > 0) {
      this.failures--;
      return void res.writeHead(503).end("try again");
    }
    if (url.pathname.includes("/manifests/")) {
      const body = this.tamper ? Buffer.from(this.manifest.toString().replace("[]", "[ ]")) : this.manifest;
      const headers = { "content-type": MediaType.ociManifest, "docker-content-digest": digestOf(this.manifest), "content-length": String(body.length) };
      return void res.writeHead(200, headers).end(req.method === "HEAD" ? undefined : body);
    }
    if (url.pathname.includes("/blobs/")) return void res.writeHead(307, { location: `${this.storageUrl}/storage/blob?sig=x` }).end();
    res.writeHead(404).end();
  }
}

function record(req: IncomingMessage): Seen {
  const seen: Seen = { method: req.method ?? "", url: req.url ?? "" };
  if (req.headers.authorization) seen.authorization = req.headers.authorization;
  if (req.headers.accept) seen.accept = req.headers.accept;
  return seen;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

describe("registry client against a token-auth registry", () => {
  const credential = { username: "ci", password: "s3cret" };
  let fake: FakeRegistry;
  beforeAll(async () => {
    fake = new FakeRegistry(credential);
    await fake.start();
  });
  afterAll(() => fake.stop());
  afterEach(() => {
    fake.seen.length = 0;
    fake.tokenRequests.length = 0;
    fake.realm = undefined;
    fake.tamper = false;
  });

  it("answers the Bearer challenge with basic credentials, caches the token, and sends every manifest type in Accept", async () => {
    const client = new RegistryClient({ credentials: staticCredentials({ [fake.host]: credential }), retry: fast });
    const store = client.repository(fake.host, "team/app");
    const manifest = await store.getManifest("v1");
    expect(manifest.descriptor).toEqual({ mediaType: MediaType.ociManifest, digest: digestOf(fake.manifest), size: fake.manifest.length });
    expect((await store.resolve("v1")).digest).toBe(digestOf(fake.manifest));
    expect(fake.tokenRequests).toEqual([{ authorization: `Basic ${Buffer.from("ci:s3cret").toString("base64")}`, scopes: ["repository:team/app:pull"] }]);
    const manifestRequests = fake.seen.filter((s) => s.url.includes("/manifests/"));
    expect(manifestRequests.map((s) => [s.method, s.authorization ?? "none"])).toEqual([
      ["GET", "none"],
      ["GET", "Bearer tok:repository:team/app:pull"],
      ["HEAD", "Bearer tok:repository:team/app:pull"],
    ]);
    for (const s of manifestRequests) expect(s.accept).toBe(MANIFEST_ACCEPT);
    for (const type of [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest]) expect(MANIFEST_ACCEPT).toContain(type);
  });

  it("follows a blob redirect to storage without sending the registry's token there, and verifies the blob", async () => {
    const client = new RegistryClient({ credentials: staticCredentials({ [fake.host]: credential }), retry: fast });
    const store = client.repository(fake.host, "team/app");
    expect(await text(await store.getBlob({ digest: digestOf(fake.blob), size: fake.blob.length }))).toBe("layer bytes");
    const storage = fake.seen.find((s) => s.url.startsWith("/storage/"));
    expect(storage).toBeDefined();
    expect(storage?.authorization).toBeUndefined();
    await expect(text(await store.getBlob({ digest: digestOf("other bytes") }))).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    await expect(store.getBlob({ digest: digestOf(fake.blob), size: 3 })).rejects.toMatchObject({ code: "SIZE_MISMATCH" });
  });

  it("refuses a manifest whose bytes do not match the digest the registry declares", async () => {
    fake.tamper = true;
    const store = new RegistryClient({ credentials: staticCredentials({ [fake.host]: credential }), retry: fast }).repository(fake.host, "team/app");
    await expect(store.getManifest("v1")).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    await expect(store.getManifest(digestOf(fake.manifest))).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
  });

  it("retries 503 answers", async () => {
    fake.failures = 2;
    const store = new RegistryClient({ credentials: staticCredentials({ [fake.host]: credential }), retry: fast }).repository(fake.host, "team/app");
    expect((await store.getManifest("v1")).descriptor.digest).toBe(digestOf(fake.manifest));
  });

  it("says when the token service rejects the credentials", async () => {
    const store = new RegistryClient({ credentials: staticCredentials({ [fake.host]: { username: "ci", password: "wrong" } }), retry: fast }).repository(fake.host, "team/app");
    await expect(store.getManifest("v1")).rejects.toMatchObject({ code: "AUTH_FAILED", message: expect.stringMatching(/rejected the credentials.*docker login/) });
  });

  it("never sends credentials to a token realm on a metadata address", async () => {
    fake.realm = "http://169.254.169.254/latest/meta-data/token";
    const store = new RegistryClient({ credentials: staticCredentials({ [fake.host]: credential }), retry: fast }).repository(fake.host, "team/app");
    await expect(store.getManifest("v1")).rejects.toMatchObject({ code: "HOST_REFUSED" });
    expect(fake.tokenRequests).toEqual([]);
  });

  it("refuses plain HTTP to a registry that is neither loopback nor named insecure, before any request", async () => {
    const requests: string[] = [];
    const fetchSpy: typeof fetch = async (input) => {
      requests.push(String(input));
      throw new Error("no network in tests");
    };
    const client = new RegistryClient({ credentials: staticCredentials({}), retry: { ...fast, retries: 0, fetch: fetchSpy }, lookup: async () => ["10.1.2.3"] });
    await expect(client.repository("registry.lan:5000", "app").getManifest("v1")).rejects.toMatchObject({ code: "NETWORK_UNREACHABLE" });
    expect(requests).toEqual(["https://registry.lan:5000/v2/app/manifests/v1"]);
    const insecure = new RegistryClient({ insecure: ["registry.lan:5000"], credentials: staticCredentials({}), retry: { ...fast, retries: 0, fetch: fetchSpy }, lookup: async () => ["10.1.2.3"] });
    await expect(insecure.repository("registry.lan:5000", "app").getManifest("v1")).rejects.toThrow();
    expect(requests[1]).toBe("http://registry.lan:5000/v2/app/manifests/v1");
  });
});

describe("registry client against the loopback docker-registry", () => {
  let registry: LoopbackRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry?.stop());

  it("pushes blobs (bytes and streams) and manifests, tags last, and reads them back", async () => {
    const store = new RegistryClient({ credentials: staticCredentials({}), retry: fast }).repository(registry.host, "peptide/roundtrip");
    const image = await buildImage({ layers: [{ "etc/hostname": "peptide\n" }] });
    const [layer] = image.layers;
    expect(await store.hasBlob(layer!.descriptor.digest)).toBe(false);
    await store.putBlob(layer!.descriptor, () => Readable.from([Buffer.from(layer!.bytes)]));
    expect(await store.hasBlob(layer!.descriptor.digest)).toBe(true);
    await store.putBlob(image.config.descriptor, image.config.bytes);
    const pushed = await store.putManifest(image.manifest, image.descriptor.mediaType);
    expect(pushed.digest).toBe(image.descriptor.digest);
    await expect(store.resolve("v1")).rejects.toMatchObject({ code: "MANIFEST_UNKNOWN" });
    await store.tag("v1", pushed.digest);
    expect(await store.resolve("v1")).toEqual({ mediaType: MediaType.ociManifest, digest: image.descriptor.digest, size: image.manifest.length });
    expect(Buffer.from((await store.getManifest("v1")).bytes)).toEqual(Buffer.from(image.manifest));
    const config = await text(await store.getBlob(image.config.descriptor));
    expect(JSON.parse(config)).toMatchObject({ os: "linux" });
  });

  it("stores OCI indexes and Docker manifest lists byte-identical", async () => {
    const store = new RegistryClient({ credentials: staticCredentials({}), retry: fast }).repository(registry.host, "peptide/multi");
    const amd = await buildImage({ layers: [{ a: "1" }], docker: true });
    const arm = await buildImage({ layers: [{ a: "2" }], docker: true, platform: { os: "linux", architecture: "arm64" } });
    const list = buildIndex([amd, arm], { docker: true });
    await writeImage(store, list, "list");
    const got = await store.getManifest("list");
    expect(got.descriptor).toMatchObject({ mediaType: MediaType.dockerManifestList, digest: list.descriptor.digest });
  });

  it("refuses an upload whose stream does not match its digest", async () => {
    const store = new RegistryClient({ credentials: staticCredentials({}), retry: { ...fast, retries: 0 } }).repository(registry.host, "peptide/tamper");
    const good = Buffer.from("the tested bytes");
    await expect(store.putBlob({ digest: digestOf(good), size: good.length }, () => Readable.from([Buffer.from("the shipped bytes")]))).rejects.toMatchObject({ code: expect.stringMatching(/DIGEST_MISMATCH|SIZE_MISMATCH/) });
    expect(await store.hasBlob(digestOf(good))).toBe(false);
  });

  it("authenticates with basic credentials, and says to log in without them", async () => {
    const secured = await startRegistry({ basicAuth: true });
    try {
      const image = await buildImage({ layers: [{ a: "secret" }] });
      const anonymous = new RegistryClient({ credentials: staticCredentials({}), retry: fast }).repository(secured.host, "team/app");
      await expect(writeImage(anonymous, image, "v1")).rejects.toMatchObject({ code: "AUTH_FAILED", message: expect.stringMatching(/docker login/) });
      const authed = new RegistryClient({ credentials: staticCredentials({ [secured.host]: REGISTRY_TEST_CREDENTIALS }), retry: fast }).repository(secured.host, "team/app");
      expect((await writeImage(authed, image, "v1")).digest).toBe(image.descriptor.digest);
      expect((await authed.resolve("v1")).digest).toBe(image.descriptor.digest);
    } finally {
      await secured.stop();
    }
  });
});
