import { PeptideError } from "./errors.js";

/**
 * One HTTP entry point for every library: `fetchWithRetry` on the global fetch (Node 20+).
 *
 * Retried: 408, 429, 5xx, rate-limit 403s, and connection errors (reset, refused, timed out).
 * Never retried: any other 4xx. Waits grow exponentially with jitter and are bounded by
 * `maxDelayMs`; a server's `Retry-After` (or GitHub's `x-ratelimit-reset`) is honoured when it
 * fits within that bound, and ends the retries when it does not.
 */

export type HttpErrorCode =
  /** No answer: DNS, refused or reset connection, timeout (after the retries). */
  | "NETWORK_UNREACHABLE"
  /** 401, or a 403 that is not a rate limit: the token is missing, expired or lacks access. */
  | "AUTH_FAILED"
  /** 429 or a rate-limit 403 that outlasted the retries or asked to wait too long. */
  | "RATE_LIMITED"
  /** 404. */
  | "NOT_FOUND"
  /** Any other non-2xx answer. */
  | "HTTP_ERROR";

export class HttpError extends PeptideError<HttpErrorCode> {
  constructor(
    code: HttpErrorCode,
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.name = "HttpError";
  }
}

export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** First backoff step. Default 500 ms. */
  baseDelayMs?: number;
  /** Upper bound of any single wait, backoff or Retry-After. Default 10 s. */
  maxDelayMs?: number;
  /** Per attempt, until the response headers arrive. Default 30 s. */
  timeoutMs?: number;
  /** The fetch to use; the global one by default. */
  fetch?: typeof globalThis.fetch;
  /** Environment variable that holds the token, named in AUTH_FAILED messages. */
  tokenEnv?: string;
  /** Called before each wait, e.g. to log `retrying in 2s`. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  /** `503`, `429`, `ECONNRESET`, `timeout`... */
  reason: string;
  url: string;
}

const DEFAULTS = { retries: 3, baseDelayMs: 500, maxDelayMs: 10_000, timeoutMs: 30_000 };

/** Connection-level failures worth another attempt. DNS `ENOTFOUND` and TLS errors are not. */
const RETRYABLE_ERRORS = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
  "timeout",
]);

/**
 * Fetches `url`, retrying transient failures. Resolves with the response when it is 2xx or 3xx;
 * throws an HttpError otherwise. The request body, if any, must be replayable (string or bytes).
 * Messages name the method and URL (without query or credentials) and never the token.
 */
export async function fetchWithRetry(url: string | URL, init: RequestInit = {}, options: RetryOptions = {}): Promise<Response> {
  const opts = { ...DEFAULTS, ...definedOnly(options) };
  const doFetch = options.fetch ?? globalThis.fetch;
  const method = (init.method ?? "GET").toUpperCase();
  const where = `${method} ${displayUrl(url)}`;
  const secrets = secretsOf(init.headers);
  for (let attempt = 0; ; attempt++) {
    const outcome = await attemptOnce(doFetch, url, init, opts.timeoutMs);
    const last = attempt >= opts.retries;
    if (outcome.kind === "error") {
      if (!outcome.retryable || last) throw networkError(where, outcome, attempt + 1, secrets);
      await wait(backoff(attempt, opts), outcome.reason, attempt, options.onRetry, url);
      continue;
    }
    const response = outcome.response;
    if (response.ok || (response.status >= 300 && response.status < 400)) return response;
    const limit = rateLimitWait(response);
    const retryable = response.status === 408 || response.status === 429 || response.status >= 500 || limit !== undefined;
    if (retryable && !last && (limit === undefined || limit <= opts.maxDelayMs)) {
      await response.body?.cancel().catch(() => undefined);
      await wait(limit ?? backoff(attempt, opts), String(response.status), attempt, options.onRetry, url);
      continue;
    }
    throw await statusError(where, response, { limit, maxDelayMs: opts.maxDelayMs, attempts: attempt + 1, secrets, tokenEnv: options.tokenEnv, sentToken: secrets.length > 0 });
  }
}

type Outcome = { kind: "response"; response: Response } | { kind: "error"; reason: string; retryable: boolean; cause: unknown };

async function attemptOnce(doFetch: typeof globalThis.fetch, url: string | URL, init: RequestInit, timeoutMs: number): Promise<Outcome> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new TimeoutSignal(timeoutMs)), timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
  try {
    return { kind: "response", response: await doFetch(url, { ...init, signal }) };
  } catch (cause) {
    // The caller's own abort is not ours to retry or to rename.
    if (init.signal?.aborted) throw cause;
    if (timeout.signal.aborted) return { kind: "error", reason: "timeout", retryable: true, cause };
    const code = errorCode(cause);
    return { kind: "error", reason: code ?? "fetch failed", retryable: code !== undefined && RETRYABLE_ERRORS.has(code), cause };
  } finally {
    clearTimeout(timer);
  }
}

class TimeoutSignal extends Error {
  constructor(ms: number) {
    super(`no response within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** Full-jitter exponential backoff, bounded: a random wait in [step/2, step]. */
export function backoff(attempt: number, opts: { baseDelayMs: number; maxDelayMs: number }): number {
  const step = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/**
 * How long the server asks us to wait, in ms, or undefined when it is not a rate limit.
 * `Retry-After` (seconds or an HTTP date) on any status; GitHub's `x-ratelimit-remaining: 0`
 * with `x-ratelimit-reset` (epoch seconds) on 403/429.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
export function rateLimitWait(response: Response, now = Date.now()): number | undefined {
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter !== null && (response.status === 429 || response.status === 403 || response.status === 503)) {
    const parsed = parseRetryAfter(retryAfter, now);
    if (parsed !== undefined) return parsed;
  }
  if ((response.status === 403 || response.status === 429) && response.headers.get("x-ratelimit-remaining") === "0") {
    const reset = Number(response.headers.get("x-ratelimit-reset"));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
    return 60_000;
  }
  return undefined;
}

export function parseRetryAfter(value: string, now = Date.now()): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function wait(ms: number, reason: string, attempt: number, onRetry: RetryOptions["onRetry"], url: string | URL): Promise<void> {
  onRetry?.({ attempt: attempt + 1, delayMs: ms, reason, url: displayUrl(url) });
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function networkError(where: string, outcome: Extract<Outcome, { kind: "error" }>, attempts: number, secrets: string[]): HttpError {
  const what = outcome.reason === "timeout" ? "no response in time" : outcome.reason === "ENOTFOUND" ? "host not found" : outcome.reason;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  const message = `${where}: ${what}${tries}; check the URL and the network (proxy, firewall)`;
  return new HttpError("NETWORK_UNREACHABLE", redact(message, secrets), undefined, { cause: outcome.cause });
}

interface StatusContext {
  limit: number | undefined;
  maxDelayMs: number;
  attempts: number;
  secrets: string[];
  tokenEnv: string | undefined;
  sentToken: boolean;
}

async function statusError(where: string, response: Response, ctx: StatusContext): Promise<HttpError> {
  const status = response.status;
  const detail = await serverMessage(response);
  const said = `${status}${detail ? ` ${detail}` : ""}`;
  const tries = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : "";
  let code: HttpErrorCode;
  let message: string;
  const asked = ctx.limit !== undefined && ctx.limit > ctx.maxDelayMs ? `; the server asks to wait ${Math.ceil(ctx.limit / 1000)}s, over the ${ctx.maxDelayMs} ms bound` : "";
  if (status === 429 || (status === 403 && ctx.limit !== undefined)) {
    code = "RATE_LIMITED";
    const hint = ctx.sentToken ? "try again later" : `set ${ctx.tokenEnv ?? "a token"} to raise the limit`;
    message = `${where}: rate limited (${said})${tries}${asked}; ${hint}`;
  } else if (status === 401 || status === 403) {
    code = "AUTH_FAILED";
    message = `${where}: ${said}; ${authHint(status, ctx)}`;
  } else if (status === 404) {
    code = "NOT_FOUND";
    message = `${where}: ${said}`;
  } else {
    code = "HTTP_ERROR";
    message = `${where}: ${said}${tries}${asked}`;
  }
  return new HttpError(code, redact(message, ctx.secrets), status);
}

function authHint(status: number, ctx: StatusContext): string {
  const variable = ctx.tokenEnv ?? "the token variable";
  if (!ctx.sentToken) return `no token was sent; set ${variable} to a token with access`;
  if (status === 401) return `the token was rejected (expired, revoked or mistyped); set ${variable} to a valid token`;
  return `the token lacks access to this resource; set ${variable} to a token with the needed scope`;
}

/** The server's own words: GitHub-style `{"message": ...}` or the first line of a text body, shortened. */
async function serverMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  let message = text;
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === "object" && json !== null && "message" in json && typeof json.message === "string") message = json.message;
  } catch {
    // not JSON: keep the text
  }
  const line = (message.split(/\r?\n/)[0] ?? "").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Secrets the request carries in its headers, to keep them out of any message. */
function secretsOf(headers: RequestInit["headers"]): string[] {
  if (headers === undefined) return [];
  const auth = new Headers(headers).get("authorization");
  if (!auth) return [];
  const token = auth.replace(/^\s*(bearer|token|basic)\s+/i, "").trim();
  return token ? [token, auth] : [auth];
}

function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("***");
  return out;
}

/** The URL without query string or userinfo, which may hold credentials. */
export function displayUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return String(url).replace(/[?#].*$/, "");
  }
}

/** The `code` of a fetch failure: undici puts it on `cause` (sometimes one level deeper). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    if ("code" in current && typeof current.code === "string") return current.code;
    if (current instanceof AggregateError && current.errors.length > 0) {
      current = current.errors[0];
      continue;
    }
    current = "cause" in current ? current.cause : undefined;
  }
  return undefined;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
