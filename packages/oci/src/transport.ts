/**
 * Authenticated requests to one registry: every request passes the host policy, goes through
 * `fetchWithRetry` (retries on 408/429/5xx and resets), answers a 401 challenge once with the
 * Authorizer and repeats, and follows redirects itself so each hop is checked and credentials
 * never leave the registry's origin.
 */
import type { Readable } from "node:stream";
import { Readable as NodeReadable } from "node:stream";
import { fetchWithRetry, HttpError, type RetryOptions } from "@peptide/core";
import { parseChallenges } from "./challenge.js";
import { OciError } from "./errors.js";
import type { HostPolicy } from "./hosts.js";
import { nodeFetch, type NodeFetchInit } from "./node-http.js";
import type { Authorizer } from "./token.js";

export interface RegistryRequest {
  /** Registry name as credentials are keyed (`docker.io`, `127.0.0.1:5000`). */
  registry: string;
  /** Token scope the request needs: `repository:team/app:pull` or `…:pull,push`. */
  scope: string;
  method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  url: URL;
  headers?: Record<string, string>;
  /** A replayable body: bytes, text, or a factory of fresh streams (one per attempt). */
  body?: Uint8Array | string | (() => Readable);
  /** Follow 3xx answers of a GET or HEAD (blob downloads redirect to storage). Default: true. */
  followRedirects?: boolean;
  /** Retries for this request instead of the client's (0 for a body that cannot be sent twice). */
  retries?: number;
  /**
   * Until the answer's headers, instead of the client's timeoutMs: a streamed upload of a large
   * blob is answered only after its last byte. The socket's idle timeout still applies.
   */
  timeoutMs?: number;
}

const MAX_REDIRECTS = 5;

export class RegistryTransport {
  /** Repositories (`registry/name`) known to have (true) or lack (false) the referrers API, asked once per client. */
  readonly referrersApi = new Map<string, boolean>();

  constructor(
    private readonly policy: HostPolicy,
    private readonly authorizer: Authorizer,
    private readonly retry: RetryOptions,
    private readonly userAgent: string,
  ) {}

  /** Sends the request; resolves with a 2xx response, or throws (HttpError, OciError). */
  async send(request: RegistryRequest): Promise<Response> {
    await this.policy.assertAllowed(request.url, `registry ${request.registry}`);
    let authorization = this.authorizer.cached(request.registry, request.scope);
    let answered = false;
    for (;;) {
      const challenge: { header?: string } = {};
      try {
        const response = await this.fetchOnce(request, request.url, authorization, challenge);
        const follows = request.followRedirects !== false && (request.method === "GET" || request.method === "HEAD");
        return follows ? await this.follow(request, response) : response;
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 401 || answered) throw this.explain(error, request, authorization !== undefined);
        if (authorization !== undefined) this.authorizer.forget(request.registry, request.scope);
        const challenges = parseChallenges(challenge.header ?? "");
        if (challenges.length === 0) throw new OciError("AUTH_FAILED", `${request.registry} answered 401 to ${request.method} ${request.url.pathname} without a WWW-Authenticate challenge`, { cause: error });
        authorization = await this.authorizer.authorize(request.registry, request.scope, challenges);
        answered = true;
      }
    }
  }

  private async fetchOnce(request: RegistryRequest, url: URL, authorization: string | undefined, challenge: { header?: string }): Promise<Response> {
    const headers: Record<string, string> = { "user-agent": this.userAgent, ...request.headers };
    if (authorization !== undefined) headers.authorization = authorization;
    const body = request.body;
    const init: RequestInit & { duplex?: "half" } = { method: request.method, headers, redirect: "manual" };
    if (typeof body === "string" || body instanceof Uint8Array) init.body = body;
    const injected = this.retry.fetch;
    const idleTimeoutMs = this.retry.timeoutMs;
    const fetchAttempt: typeof globalThis.fetch = async (input, attemptInit) => {
      let response: Response;
      if (injected === undefined) {
        // node:http takes a Node stream as it is.
        const withBody: NodeFetchInit = { ...(attemptInit as NodeFetchInit) };
        if (typeof body === "function") withBody.body = body();
        if (idleTimeoutMs !== undefined) withBody.idleTimeoutMs = idleTimeoutMs;
        response = await nodeFetch(input instanceof URL ? input : String(input), withBody);
      } else {
        const withBody: RequestInit & { duplex?: "half" } = { ...attemptInit };
        if (typeof body === "function") {
          withBody.body = NodeReadable.toWeb(body()) as ReadableStream<Uint8Array>;
          withBody.duplex = "half";
        }
        response = await injected(input, withBody);
      }
      if (response.status === 401) challenge.header = response.headers.get("www-authenticate") ?? "";
      return response;
    };
    const options: RetryOptions = { ...this.retry, fetch: fetchAttempt };
    if (request.retries !== undefined) options.retries = request.retries;
    if (request.timeoutMs !== undefined) options.timeoutMs = request.timeoutMs;
    return fetchWithRetry(url, init, options);
  }

  /** Follows redirects hop by hop; the registry's Authorization goes only to its own origin. */
  private async follow(request: RegistryRequest, first: Response): Promise<Response> {
    let response = first;
    let url = request.url;
    for (let hop = 0; response.status >= 300 && response.status < 400; hop++) {
      const location = response.headers.get("location");
      await response.body?.cancel().catch(() => undefined);
      if (location === null || hop >= MAX_REDIRECTS) {
        throw new OciError("REGISTRY_ERROR", `${request.method} ${request.url.pathname} on ${request.registry}: ${location === null ? `${response.status} without a Location` : `more than ${MAX_REDIRECTS} redirects`}`);
      }
      const next = new URL(location, url);
      await this.policy.assertAllowed(next, `redirect from ${request.registry}`);
      const sameOrigin = next.origin === request.url.origin;
      const method = request.method === "HEAD" ? "HEAD" : "GET";
      const authorization = sameOrigin ? this.authorizer.cached(request.registry, request.scope) : undefined;
      response = await this.fetchOnce({ ...request, method, body: undefined, headers: sameOrigin ? request.headers : {} }, next, authorization, {});
      url = next;
    }
    return response;
  }

  /** Rewords 401/403 for a registry: who to log in to. Other errors pass through. */
  private explain(error: unknown, request: RegistryRequest, sentCredentials: boolean): unknown {
    if (!(error instanceof HttpError) || (error.status !== 401 && error.status !== 403)) return error;
    const action = request.scope.endsWith(",push") ? "push to" : "pull from";
    const repository = scopeRepository(request.scope);
    const hint = sentCredentials
      ? `the token for ${request.registry} lacks access to ${action} ${repository}; run docker login ${request.registry} with an account that has it`
      : `no credentials for ${request.registry}; run docker login ${request.registry}`;
    return new OciError("AUTH_FAILED", `${request.method} ${request.url.pathname} on ${request.registry}: ${error.status}; ${hint}`, { cause: error });
  }
}

function scopeRepository(scope: string): string {
  return scope.split(":")[1] ?? scope;
}
