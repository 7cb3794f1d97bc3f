/**
 * Answers a registry's 401 challenge with an `Authorization` header: for `Bearer`, a token
 * from the challenge's realm for the scopes the request needs (anonymous, basic credentials, or
 * an identity token exchanged by OAuth2 refresh); for `Basic`, the credentials themselves.
 * Tokens are cached per registry and scope until shortly before they expire.
 * https://distribution.github.io/distribution/spec/auth/token/
 * https://distribution.github.io/distribution/spec/auth/oauth/
 */
import { fetchWithRetry, HttpError, type RetryOptions } from "@peptide/core";
import type { Credential, CredentialProvider } from "./auth.js";
import type { Challenge } from "./challenge.js";
import { OciError } from "./errors.js";
import type { HostPolicy } from "./hosts.js";
import { isRecord } from "./manifest.js";

export interface AuthorizerOptions {
  credentials: CredentialProvider;
  policy: HostPolicy;
  retry: RetryOptions;
  userAgent: string;
}

/** Seconds a token lives when the token service does not say (the spec's default). */
const DEFAULT_EXPIRES_IN = 60;
/** Renew this long before expiry, so a token never expires in flight. */
const EXPIRY_MARGIN_MS = 10_000;
const CLIENT_ID = "peptide";

export class Authorizer {
  private readonly cache = new Map<string, { header: string; expiresAt: number }>();

  constructor(private readonly options: AuthorizerOptions) {}

  /** A cached `Authorization` value for the registry and scope, if still fresh. */
  cached(registry: string, scope: string): string | undefined {
    const hit = this.cache.get(`${registry} ${scope}`);
    if (hit && hit.expiresAt > Date.now()) return hit.header;
    return undefined;
  }

  /** Answers the challenges of a 401 for `scope` (`repository:team/app:pull,push`). */
  async authorize(registry: string, scope: string, challenges: Challenge[]): Promise<string> {
    const bearer = challenges.find((c) => c.scheme === "bearer");
    const basic = challenges.find((c) => c.scheme === "basic");
    const credential = await this.options.credentials(registry);
    let header: string;
    let expiresAt = Number.POSITIVE_INFINITY;
    if (bearer) {
      const token = await this.fetchToken(registry, scope, bearer, credential);
      header = `Bearer ${token.token}`;
      expiresAt = Date.now() + token.expiresIn * 1000 - EXPIRY_MARGIN_MS;
    } else if (basic) {
      if (credential?.username === undefined || credential.password === undefined) throw loginNeeded(registry, "basic");
      header = basicHeader(credential.username, credential.password);
    } else {
      const schemes = challenges.map((c) => c.scheme).join(", ") || "none";
      throw new OciError("UNSUPPORTED", `${registry} asks for authentication with ${schemes}; only Bearer and Basic are supported`);
    }
    this.cache.set(`${registry} ${scope}`, { header, expiresAt });
    return header;
  }

  /** Forgets what is cached for a registry and scope (after a rejected token). */
  forget(registry: string, scope: string): void {
    this.cache.delete(`${registry} ${scope}`);
  }

  private async fetchToken(registry: string, scope: string, challenge: Challenge, credential: Credential | undefined): Promise<{ token: string; expiresIn: number }> {
    if (credential?.registryToken) return { token: credential.registryToken, expiresIn: DEFAULT_EXPIRES_IN };
    const realm = challenge.params.realm;
    if (!realm) throw new OciError("REGISTRY_ERROR", `${registry} sent a Bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch (cause) {
      throw new OciError("REGISTRY_ERROR", `${registry} sent a Bearer realm that is not a URL: ${JSON.stringify(realm.slice(0, 200))}`, { cause });
    }
    await this.options.policy.assertAllowed(url, `token realm of ${registry}`);
    const scopes = [...new Set([scope, ...(challenge.params.scope ?? "").split(" ").filter((s) => s !== "")])];
    const service = challenge.params.service;
    const headers: Record<string, string> = { "user-agent": this.options.userAgent, accept: "application/json" };
    let init: RequestInit;
    if (credential?.identityToken) {
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: credential.identityToken, client_id: CLIENT_ID });
      if (service) form.set("service", service);
      form.set("scope", scopes.join(" "));
      init = { method: "POST", headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body: form.toString() };
    } else {
      if (service) url.searchParams.set("service", service);
      for (const s of scopes) url.searchParams.append("scope", s);
      if (credential?.username !== undefined && credential.password !== undefined) headers.authorization = basicHeader(credential.username, credential.password);
      init = { method: "GET", headers };
    }
    let response: Response;
    try {
      response = await fetchWithRetry(url, { ...init, redirect: "error" }, this.options.retry);
    } catch (cause) {
      if (cause instanceof HttpError && cause.code === "AUTH_FAILED") {
        throw credential ? new OciError("AUTH_FAILED", `the token service of ${registry} rejected the credentials for ${scope}; run docker login ${registry} again`, { cause }) : loginNeeded(registry, "bearer", cause);
      }
      throw cause;
    }
    return parseTokenResponse(await response.text(), registry);
  }
}

function parseTokenResponse(text: string, registry: string): { token: string; expiresIn: number } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new OciError("REGISTRY_ERROR", `the token service of ${registry} answered something other than JSON`, { cause });
  }
  const token = isRecord(json) ? (typeof json.token === "string" && json.token !== "" ? json.token : json.access_token) : undefined;
  if (typeof token !== "string" || token === "") throw new OciError("REGISTRY_ERROR", `the token service of ${registry} answered without a token`);
  const expires = isRecord(json) ? json.expires_in : undefined;
  const expiresIn = typeof expires === "number" && expires > 0 ? expires : DEFAULT_EXPIRES_IN;
  return { token, expiresIn };
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

function loginNeeded(registry: string, scheme: string, cause?: unknown): OciError {
  const ghcr = registry === "ghcr.io" ? " or set GITHUB_TOKEN" : "";
  return new OciError("AUTH_FAILED", `${registry} requires credentials (${scheme}) and none were found; run docker login ${registry}${ghcr}`, { cause });
}
