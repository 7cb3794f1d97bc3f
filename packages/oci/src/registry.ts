/**
 * A Distribution API v2 client, minimal: manifests and indexes by GET/HEAD with every OCI and
 * Docker media type in `Accept`, blobs by HEAD and streamed GET, monolithic upload, manifest
 * PUT and tagging. Each repository is an ImageStore. Transport concerns (auth, retries, host
 * policy, redirects) live in transport.ts.
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md
 */
import { pipeline } from "node:stream";
import { Readable } from "node:stream";
import { HttpError, type RetryOptions } from "@peptide/core";
import { dockerCredentials, type CredentialProvider } from "./auth.js";
import { DigestVerifier, digestOf, parseDigest, verifyBytes } from "./digest.js";
import { OciError } from "./errors.js";
import { HostPolicy, type Lookup } from "./hosts.js";
import { MAX_MANIFEST_BYTES, parseManifest, type Descriptor } from "./manifest.js";
import { rawBodyOf } from "./node-http.js";
import { isManifestMediaType, MANIFEST_ACCEPT } from "./media-types.js";
import { canonicalRegistryName, registryApiHost, type Reference } from "./reference.js";
import type { BlobRef, BlobSource, ImageStore, ManifestContent } from "./store.js";
import { Authorizer } from "./token.js";
import { RegistryTransport, type RegistryRequest } from "./transport.js";

export interface RegistryClientOptions {
  /** Hosts (`host` or `host:port`) reachable over plain HTTP besides loopback ones. */
  insecure?: readonly string[];
  /** Where credentials come from; the docker config and GITHUB_TOKEN by default. */
  credentials?: CredentialProvider;
  /** Passed to fetchWithRetry (retries, timeouts, an injected fetch). */
  retry?: RetryOptions;
  /** DNS resolution for the link-local check (tests). */
  lookup?: Lookup;
  userAgent?: string;
}

const DEFAULT_USER_AGENT = "peptide-oci/0.1";

export class RegistryClient {
  readonly policy: HostPolicy;
  private readonly transport: RegistryTransport;

  constructor(options: RegistryClientOptions = {}) {
    this.policy = new HostPolicy({ insecure: options.insecure ?? [], ...(options.lookup ? { lookup: options.lookup } : {}) });
    const retry = options.retry ?? {};
    const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    const authorizer = new Authorizer({ credentials: options.credentials ?? dockerCredentials(), policy: this.policy, retry, userAgent });
    this.transport = new RegistryTransport(this.policy, authorizer, retry, userAgent);
  }

  /** The store for one repository of a registry. */
  repository(registry: string, repository: string): RegistryRepository {
    return new RegistryRepository(this.transport, this.policy, canonicalRegistryName(registry), repository);
  }

  /** The store a reference names (its tag or digest is not part of the store). */
  store(ref: Pick<Reference, "registry" | "repository">): RegistryRepository {
    return this.repository(ref.registry, ref.repository);
  }

  /** `GET /v2/`: whether the registry speaks the API, authenticating if it asks. */
  async ping(registry: string): Promise<void> {
    const name = canonicalRegistryName(registry);
    const url = new URL("/v2/", this.policy.baseUrl(registryApiHost(name)));
    const response = await this.transport.send({ registry: name, scope: "registry:catalog:*", method: "GET", url });
    await response.body?.cancel().catch(() => undefined);
  }
}

export class RegistryRepository implements ImageStore {
  readonly location: string;
  private readonly base: string;

  constructor(
    private readonly transport: RegistryTransport,
    policy: HostPolicy,
    readonly registry: string,
    readonly repository: string,
  ) {
    this.location = `${registry}/${repository}`;
    this.base = `${policy.baseUrl(registryApiHost(registry))}/v2/${repository}`;
  }

  async resolve(reference?: string): Promise<Descriptor> {
    const target = this.requireReference(reference);
    const response = await this.manifestRequest("HEAD", target);
    const digest = response.headers.get("docker-content-digest");
    const mediaType = mediaTypeOf(response);
    const size = Number(response.headers.get("content-length"));
    if (digest && isManifestMediaType(mediaType) && Number.isSafeInteger(size) && size > 0) {
      if (isDigestReference(target) && digest !== target) throw mismatch(this.location, target, digest);
      parseDigest(digest);
      return { mediaType, digest, size };
    }
    // Some registries omit the digest on HEAD: fetch the manifest and hash it.
    return (await this.getManifest(target)).descriptor;
  }

  async getManifest(reference?: string): Promise<ManifestContent> {
    const target = this.requireReference(reference);
    const response = await this.manifestRequest("GET", target);
    const what = `manifest ${target} of ${this.location}`;
    const bytes = await readLimited(response, MAX_MANIFEST_BYTES, what);
    const declared = response.headers.get("docker-content-digest");
    if (isDigestReference(target)) verifyBytes(bytes, target, what);
    else if (declared) verifyBytes(bytes, declared, what);
    const digest = isDigestReference(target) ? target : digestOf(bytes);
    const headerType = mediaTypeOf(response);
    const mediaType = isManifestMediaType(headerType) ? headerType : parseManifest(bytes, undefined, what).mediaType;
    return { descriptor: { mediaType, digest, size: bytes.length }, bytes };
  }

  async getBlob(blob: BlobRef): Promise<Readable> {
    const what = `blob ${blob.digest} of ${this.location}`;
    const response = await this.blobRequest("GET", blob.digest);
    const length = response.headers.get("content-length");
    if (blob.size !== undefined && length !== null && Number(length) !== blob.size) {
      await response.body?.cancel().catch(() => undefined);
      throw new OciError("SIZE_MISMATCH", `${what}: the registry sends ${length} bytes, its descriptor declares ${blob.size}`);
    }
    if (!response.body) throw new OciError("REGISTRY_ERROR", `${what}: empty response`);
    const verifier = new DigestVerifier(blob.digest, { what, ...(blob.size !== undefined ? { size: blob.size } : {}) });
    // On node:http the message itself flows into the verifier, with no web stream between.
    const body = rawBodyOf(response) ?? Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
    pipeline(body, verifier, () => undefined);
    return verifier;
  }

  async hasBlob(digest: string): Promise<boolean> {
    try {
      const response = await this.blobRequest("HEAD", digest);
      await response.body?.cancel().catch(() => undefined);
      return true;
    } catch (error) {
      if (error instanceof OciError && error.code === "BLOB_UNKNOWN") return false;
      throw error;
    }
  }

  async putBlob(blob: { digest: string; size: number }, content: BlobSource): Promise<void> {
    parseDigest(blob.digest);
    const what = `blob ${blob.digest} for ${this.location}`;
    if (content instanceof Uint8Array) {
      if (content.length !== blob.size) throw new OciError("SIZE_MISMATCH", `${what}: ${content.length} bytes given, ${blob.size} declared`);
      verifyBytes(content, blob.digest, what);
    }
    if (await this.hasBlob(blob.digest)) return;
    const started = await this.send("POST", new URL(`${this.base}/blobs/uploads/`), "pull,push", { "content-length": "0" });
    await started.body?.cancel().catch(() => undefined);
    const location = started.headers.get("location");
    if (started.status !== 202 || location === null) throw new OciError("REGISTRY_ERROR", `${what}: upload start answered ${started.status} without a Location`);
    const url = new URL(location, this.base);
    url.searchParams.set("digest", blob.digest);
    // The stream of the latest attempt, checked as it is sent: a mismatch aborts the upload.
    const attempt: { verifier?: DigestVerifier } = {};
    const body = content instanceof Uint8Array ? content : () => {
      const verifier = new DigestVerifier(blob.digest, { size: blob.size, what });
      attempt.verifier = verifier;
      return content().on("error", (error) => verifier.destroy(error)).pipe(verifier);
    };
    let done: Response;
    try {
      done = await this.send("PUT", url, "pull,push", { "content-type": "application/octet-stream", "content-length": String(blob.size) }, body);
    } catch (error) {
      if (attempt.verifier?.errored) throw attempt.verifier.errored;
      // A PUT whose answer was lost may have completed: its replay finds the session closed
      // (BLOB_UPLOAD_UNKNOWN). The blob being there, whole and under its digest, is success.
      if (await this.hasBlob(blob.digest).catch(() => false)) return;
      throw error;
    }
    await done.body?.cancel().catch(() => undefined);
    const stored = done.headers.get("docker-content-digest");
    if (stored !== null && stored !== blob.digest) throw mismatch(this.location, blob.digest, stored);
  }

  async putManifest(bytes: Uint8Array, mediaType: string, tag?: string): Promise<Descriptor> {
    const parsed = parseManifest(bytes, mediaType, `manifest for ${this.location}`);
    const digest = digestOf(bytes);
    const response = await this.send("PUT", new URL(`${this.base}/manifests/${tag ?? digest}`), "pull,push", { "content-type": parsed.mediaType }, bytes);
    await response.body?.cancel().catch(() => undefined);
    const stored = response.headers.get("docker-content-digest");
    if (stored !== null && stored !== digest) throw mismatch(this.location, digest, stored);
    return { mediaType: parsed.mediaType, digest, size: bytes.length };
  }

  async tag(tag: string, digest: string): Promise<void> {
    const { descriptor, bytes } = await this.getManifest(digest);
    await this.putManifest(bytes, descriptor.mediaType, tag);
  }

  /**
   * One authenticated GET or HEAD of a path under `/v2/<repository>/`, for API calls kept in
   * their own files (referrers.ts). Resolves with a 2xx response or throws as every call does.
   */
  apiRequest(method: "GET" | "HEAD", apiPath: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(method, new URL(`${this.base}/${apiPath}`), "pull", headers);
  }

  /**
   * One authenticated request with push access, for the upload protocols kept in their own files
   * (mount.ts, upload-chunked.ts). `target` is a path under `/v2/<repository>/` or an upload
   * `Location` already resolved with uploadUrl; `extraScope` is another scope the token must
   * carry (the source repository of a cross-repository mount); `options` bound this request's
   * retries and wait for an answer (a streamed body is sent once). Resolves with a 2xx or throws.
   */
  uploadRequest(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", target: string | URL, headers: Record<string, string> = {}, body?: RegistryRequest["body"], extraScope?: string, options: Pick<RegistryRequest, "retries" | "timeoutMs"> = {}): Promise<Response> {
    const url = typeof target === "string" ? new URL(`${this.base}/${target}`) : target;
    const scope = `repository:${this.repository}:pull,push${extraScope === undefined ? "" : ` ${extraScope}`}`;
    const request: RegistryRequest = { registry: this.registry, scope, method, url, headers, followRedirects: false, ...options };
    if (body !== undefined) request.body = body;
    return this.transport.send(request);
  }

  /**
   * Whether the referrers API answers for this repository, when a request of this client found
   * out (a registry that has it never answers 404 on the route), else undefined. Kept per
   * repository: a registry may answer 404 for a repository that does not exist yet.
   */
  get referrersApi(): boolean | undefined {
    return this.transport.referrersApi.get(this.location);
  }

  /** Records what a referrers request found (referrers.ts). */
  noteReferrersApi(present: boolean): void {
    this.transport.referrersApi.set(this.location, present);
  }

  /** An upload session's `Location` header as an absolute URL (it may be relative to the API base). */
  uploadUrl(location: string): URL {
    return new URL(location, `${this.base}/`);
  }

  private requireReference(reference: string | undefined): string {
    if (reference === undefined || reference === "") throw new OciError("REFERENCE_INVALID", `${this.location}: name a tag or a digest`);
    if (!isDigestReference(reference) && !/^[\w][\w.-]{0,127}$/.test(reference)) throw new OciError("REFERENCE_INVALID", `${JSON.stringify(reference)} is neither a tag nor a digest`);
    return reference;
  }

  private async manifestRequest(method: "GET" | "HEAD", reference: string): Promise<Response> {
    try {
      return await this.send(method, new URL(`${this.base}/manifests/${reference}`), "pull", { accept: MANIFEST_ACCEPT });
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) throw new OciError("MANIFEST_UNKNOWN", `${this.location}: no manifest ${reference}`, { cause: error });
      throw error;
    }
  }

  private async blobRequest(method: "GET" | "HEAD", digest: string): Promise<Response> {
    parseDigest(digest);
    try {
      return await this.send(method, new URL(`${this.base}/blobs/${digest}`), "pull");
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) throw new OciError("BLOB_UNKNOWN", `${this.location}: no blob ${digest}`, { cause: error });
      throw error;
    }
  }

  private send(method: RegistryRequest["method"], url: URL, actions: "pull" | "pull,push", headers: Record<string, string> = {}, body?: RegistryRequest["body"]): Promise<Response> {
    const request: RegistryRequest = { registry: this.registry, scope: `repository:${this.repository}:${actions}`, method, url, headers };
    if (body !== undefined) request.body = body;
    return this.transport.send(request);
  }
}

function isDigestReference(reference: string): boolean {
  return /^sha(256|512):/.test(reference);
}

function mediaTypeOf(response: Response): string {
  return (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
}

function mismatch(location: string, expected: string, actual: string): OciError {
  return new OciError("DIGEST_MISMATCH", `${location}: the registry reports digest ${actual}, expected ${expected}`);
}

/** The body, refusing more than `max` bytes (a hostile registry cannot exhaust memory). */
async function readLimited(response: Response, max: number, what: string): Promise<Buffer> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw new OciError("MANIFEST_INVALID", `${what}: ${declared} bytes is over the ${max}-byte limit`);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new OciError("MANIFEST_INVALID", `${what}: over the ${max}-byte limit`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}
