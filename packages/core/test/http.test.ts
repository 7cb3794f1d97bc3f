import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HttpError, fetchWithRetry, parseRetryAfter, rateLimitWait, type RetryInfo } from "@peptide/core";

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A loopback server answering request n (0-based) with handlers[n], or the last handler. */
async function serve(...handlers: Handler[]): Promise<{ url: string; hits: () => number; server: Server }> {
  let n = 0;
  const server = createServer((req, res) => {
    const handler = handlers[Math.min(n, handlers.length - 1)]!;
    handler(req, res, n++);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/thing?secret=q`, hits: () => n, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const status =
  (code: number, body: unknown = { message: "x" }, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(code, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
const ok = status(200, { ok: true });
const reset: Handler = (req) => req.socket.destroy();

const fast = { baseDelayMs: 1, maxDelayMs: 20, timeoutMs: 2000 };

async function caught(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error("expected an HttpError");
}

describe("fetchWithRetry", () => {
  it("returns a 2xx response untouched", async () => {
    const s = await serve(ok);
    const res = await fetchWithRetry(s.url, {}, fast);
    expect(await res.json()).toEqual({ ok: true });
    expect(s.hits()).toBe(1);
  });

  it.each([408, 429, 500, 502, 503, 504])("retries %i, then succeeds", async (code) => {
    const s = await serve(status(code), status(code), ok);
    const retries: RetryInfo[] = [];
    const res = await fetchWithRetry(s.url, {}, { ...fast, onRetry: (i) => retries.push(i) });
    expect(res.status).toBe(200);
    expect(s.hits()).toBe(3);
    expect(retries.map((r) => r.reason)).toEqual([String(code), String(code)]);
    expect(retries[0]!.url).not.toContain("secret");
  });

  it.each([400, 404, 409, 422])("never retries %i", async (code) => {
    const s = await serve(status(code, { message: "Nope" }), ok);
    const err = await caught(fetchWithRetry(s.url, {}, fast));
    expect(s.hits()).toBe(1);
    expect(err.status).toBe(code);
    expect(err.code).toBe(code === 404 ? "NOT_FOUND" : "HTTP_ERROR");
    expect(err.message).toMatch(new RegExp(`^GET http://127\\.0\\.0\\.1:\\d+/thing: ${code} Nope$`));
  });

  it("gives up after the bound with HTTP_ERROR naming the attempts", async () => {
    const s = await serve(status(503, { message: "Service Unavailable" }));
    const err = await caught(fetchWithRetry(s.url, {}, { ...fast, retries: 2 }));
    expect(s.hits()).toBe(3);
    expect(err.code).toBe("HTTP_ERROR");
    expect(err.status).toBe(503);
    expect(err.message).toContain("503 Service Unavailable after 3 attempts");
  });

  it("honours Retry-After in seconds", async () => {
    const s = await serve(status(429, { message: "slow down" }, { "retry-after": "0" }), ok);
    const retries: RetryInfo[] = [];
    await fetchWithRetry(s.url, {}, { ...fast, baseDelayMs: 5_000, maxDelayMs: 10_000, onRetry: (i) => retries.push(i) });
    expect(retries).toEqual([expect.objectContaining({ delayMs: 0, reason: "429" })]);
  });

  it("stops at once when Retry-After is over the bound", async () => {
    const s = await serve(status(429, { message: "slow down" }, { "retry-after": "3600" }), ok);
    const err = await caught(fetchWithRetry(s.url, {}, fast));
    expect(s.hits()).toBe(1);
    expect(err.code).toBe("RATE_LIMITED");
    expect(err.message).toContain("asks to wait 3600s");
  });

  it("treats GitHub's 403 with x-ratelimit-remaining: 0 as a rate limit, not an auth failure", async () => {
    const resetAt = String(Math.floor(Date.now() / 1000));
    const limited = status(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": resetAt });
    const s = await serve(limited, ok);
    const res = await fetchWithRetry(s.url, {}, { ...fast, maxDelayMs: 2000 });
    expect(res.status).toBe(200);
    expect(s.hits()).toBe(2);
  });

  it("retries a connection reset, then succeeds", async () => {
    const s = await serve(reset, ok);
    const retries: RetryInfo[] = [];
    const res = await fetchWithRetry(s.url, {}, { ...fast, onRetry: (i) => retries.push(i) });
    expect(res.status).toBe(200);
    expect(retries[0]?.reason).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it("retries a timeout, then reports NETWORK_UNREACHABLE", async () => {
    const s = await serve(() => undefined); // never answers
    const err = await caught(fetchWithRetry(s.url, {}, { ...fast, retries: 1, timeoutMs: 50 }));
    expect(s.hits()).toBe(2);
    expect(err.code).toBe("NETWORK_UNREACHABLE");
    expect(err.message).toMatch(/no response in time after 2 attempts/);
  });

  it("reports a refused connection as NETWORK_UNREACHABLE", async () => {
    const s = await serve(ok);
    const url = s.url;
    s.server.close();
    await new Promise((r) => setTimeout(r, 10));
    const err = await caught(fetchWithRetry(url, {}, { ...fast, retries: 1 }));
    expect(err.code).toBe("NETWORK_UNREACHABLE");
    expect(err.message).toContain("ECONNREFUSED after 2 attempts");
    expect(err.message).not.toContain("secret");
  });

  it("does not retry or rename the caller's own abort", async () => {
    const s = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(fetchWithRetry(s.url, { signal: controller.signal }, fast)).rejects.not.toBeInstanceOf(HttpError);
    expect(s.hits()).toBe(1);
  });

  describe("auth failures", () => {
    const token = "ghp_SuperSecretToken1234567890";

    it("401 with a token: says it was rejected, names the variable, never the token", async () => {
      const s = await serve((req, res) => {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `Bad credentials for ${req.headers.authorization ?? ""}` }));
      });
      const err = await caught(fetchWithRetry(s.url, { headers: { authorization: `Bearer ${token}` } }, { ...fast, tokenEnv: "GITHUB_TOKEN" }));
      expect(s.hits()).toBe(1);
      expect(err.code).toBe("AUTH_FAILED");
      expect(err.status).toBe(401);
      expect(err.message).toContain("token was rejected (expired, revoked or mistyped); set GITHUB_TOKEN to a valid token");
      expect(err.message).not.toContain(token);
      expect(JSON.stringify(err)).not.toContain(token);
    });

    it("401 without a token: says none was sent", async () => {
      const s = await serve(status(401, { message: "Requires authentication" }));
      const err = await caught(fetchWithRetry(s.url, {}, { ...fast, tokenEnv: "GH_TOKEN" }));
      expect(err.code).toBe("AUTH_FAILED");
      expect(err.message).toContain("no token was sent; set GH_TOKEN");
    });

    it("403 without rate-limit headers: lacks access", async () => {
      const s = await serve(status(403, { message: "Resource not accessible by integration" }));
      const err = await caught(fetchWithRetry(s.url, { headers: { authorization: `token ${token}` } }, fast));
      expect(s.hits()).toBe(1);
      expect(err.code).toBe("AUTH_FAILED");
      expect(err.message).toContain("403 Resource not accessible by integration; the token lacks access");
    });
  });

  it("replays a string body on retry", async () => {
    const bodies: string[] = [];
    const record: (next: Handler) => Handler = (next) => (req, res, n) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        bodies.push(body);
        next(req, res, n);
      });
    };
    const s = await serve(record(status(500)), record(ok));
    await fetchWithRetry(s.url, { method: "POST", body: "payload" }, fast);
    expect(bodies).toEqual(["payload", "payload"]);
  });
});

describe("rate-limit parsing", () => {
  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });

  it("reads x-ratelimit-reset only when the remaining count is 0", () => {
    const now = 1_000_000_000;
    const res = (h: Record<string, string>, code = 403) => new Response(null, { status: code, headers: h });
    expect(rateLimitWait(res({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1000030" }), now)).toBe(30_000);
    expect(rateLimitWait(res({ "x-ratelimit-remaining": "12" }), now)).toBeUndefined();
    expect(rateLimitWait(res({ "retry-after": "2" }, 503), now)).toBe(2000);
  });
});
