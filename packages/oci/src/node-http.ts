/**
 * The registry client's HTTP on `node:http`/`node:https` with keep-alive agents, behind the
 * `fetch` signature so `fetchWithRetry` keeps its retries, backoff and messages. Measured here,
 * the global fetch (undici) costs ~40 ms for its first request and 3–5 ms for each later one on
 * loopback, against 8 ms and 1.5 ms for node:http, and its web-stream bodies cost more CPU than
 * hashing when blobs of hundreds of megabytes flow through (copies, GC).
 *
 * Differences from fetch, on purpose: redirects are never followed here (the transport follows
 * them hop by hop); a body may also be a Node stream (sent as is, no web-stream round trip); a
 * response's body is read lazily, and `rawBodyOf(response)` hands the `IncomingMessage` itself to
 * a caller that pipes it (blob downloads) instead of reading through the web stream. A socket
 * idle for `idleTimeoutMs` before the answer, or `bodyTimeoutMs` after it, is destroyed: a
 * stalled stream fails with a retryable `ETIMEDOUT` instead of hanging.
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { Readable } from "node:stream";

/** fetch's init, with a Node stream also allowed as the body. */
export type NodeFetchInit = Omit<RequestInit, "body"> & {
  body?: RequestInit["body"] | Readable;
  /** Until the answer's headers, the longest the socket may sit idle (sending included). Default 30 s. */
  idleTimeoutMs?: number;
  /** After the headers, the longest the body may stall, its reader's pauses included. Default 300 s (undici's bodyTimeout). */
  bodyTimeoutMs?: number;
};

export type NodeFetch = (input: string | URL, init?: NodeFetchInit) => Promise<Response>;

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
};

const raw = new WeakMap<Response, IncomingMessage>();

/** The response's body as the Node stream it arrived on, when nobody read it through `body`. */
export function rawBodyOf(response: Response): IncomingMessage | undefined {
  const message = raw.get(response);
  raw.delete(response);
  return message;
}

const IDLE_TIMEOUT_MS = 30_000;
const BODY_TIMEOUT_MS = 300_000;

/** One request on node:http(s); resolves with a `Response` when the headers arrive. */
export const nodeFetch: NodeFetch = (input, init = {}) => {
  const url = new URL(String(input));
  const method = (init.method ?? "GET").toUpperCase();
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:") return Promise.reject(new TypeError(`nodeFetch: unsupported protocol ${url.protocol}`));
  const body = toNodeBody(init.body);
  const headers = headerRecord(init.headers);
  if (typeof body === "string" || body instanceof Uint8Array) headers["content-length"] ??= String(Buffer.byteLength(body));
  else if (body === undefined && method !== "GET" && method !== "HEAD") headers["content-length"] ??= "0";
  const idle = init.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const bodyIdle = init.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  return new Promise<Response>((resolve, reject) => {
    const signal = init.signal ?? undefined;
    const request = (secure ? https : http).request(url, { method, headers, agent: secure ? agents.https : agents.http });
    const fail = (error: unknown): void => {
      request.destroy(error instanceof Error ? error : new Error(String(error)));
    };
    const onAbort = (): void => fail(signal?.reason ?? new Error("aborted"));
    if (signal?.aborted) {
      onAbort();
    } else {
      signal?.addEventListener("abort", onAbort, { once: true });
    }
    request.setTimeout(idle, () => fail(Object.assign(new Error(`socket idle for ${idle} ms`), { code: "ETIMEDOUT" })));
    request.on("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    });
    request.on("response", (message) => {
      signal?.removeEventListener("abort", onAbort);
      // Past the headers, a stall in the body is the caller's stream error, not a hang.
      message.setTimeout(bodyIdle, () => message.destroy(Object.assign(new Error(`body idle for ${bodyIdle} ms`), { code: "ETIMEDOUT" })));
      try {
        resolve(toResponse(message, method));
      } catch (error) {
        message.destroy();
        reject(error);
      }
    });
    if (body instanceof Readable) {
      body.on("error", fail);
      body.pipe(request);
    } else {
      request.end(body);
    }
  });
};

function toNodeBody(body: NodeFetchInit["body"]): string | Uint8Array | Readable | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array || body instanceof Readable) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (typeof (body as ReadableStream).getReader === "function") return Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  throw new TypeError("nodeFetch: unsupported body type");
}

function headerRecord(headers: RequestInit["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  const entries: Iterable<[string, string]> = Array.isArray(headers) ? (headers as [string, string][]) : typeof (headers as Headers).forEach === "function" ? collect(headers as Headers) : Object.entries(headers as Record<string, string>);
  for (const [name, value] of entries) out[name.toLowerCase()] = value;
  return out;
}

function collect(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  headers.forEach((value, name) => out.push([name, value]));
  return out;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function toResponse(message: IncomingMessage, method: string): Response {
  const status = message.statusCode ?? 0;
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < message.rawHeaders.length; i += 2) pairs.push([message.rawHeaders[i] as string, message.rawHeaders[i + 1] as string]);
  const empty = method === "HEAD" || NULL_BODY.has(status);
  if (empty) message.resume();
  const response = new Response(empty ? null : lazyBody(message), { status, statusText: message.statusMessage ?? "", headers: pairs });
  if (!empty) raw.set(response, message);
  return response;
}

/**
 * A web stream over the message that touches it only when read or cancelled (high-water mark 0:
 * nothing is pulled ahead), so a caller may
 * take the message itself (rawBodyOf). Cancelling drains it, which keeps the socket reusable.
 */
function lazyBody(message: IncomingMessage): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Buffer> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      iterator ??= (message[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.length));
    },
    cancel() {
      if (iterator !== undefined) {
        void iterator.return?.();
      } else if (message.complete) {
        message.resume();
      } else {
        // Small bodies (errors, upload answers) are drained; a large one is cut.
        const length = Number(message.headers["content-length"]);
        if (Number.isFinite(length) && length <= 64 * 1024) message.resume();
        else message.destroy();
      }
    },
  }, { highWaterMark: 0 });
}
