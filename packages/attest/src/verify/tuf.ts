/**
 * The trusted root through TUF: Sigstore's public-good repository (its root.json is embedded in
 * @sigstore/tuf) or a private mirror with an initial root.json of its own. Loaded lazily by
 * trusted-root.ts so verifying against a file never loads the TUF client.
 */
import { readFile } from "node:fs/promises";
import { InputError, PeptideError } from "@peptide/core";
import { DEFAULT_MIRROR_URL, getTrustedRoot, TUFError } from "@sigstore/tuf";
import { TrustedRoot as TrustedRootMessage } from "@sigstore/protobuf-specs";
import { defaultTufCacheDir } from "./tuf-cache.js";

export { DEFAULT_MIRROR_URL };

export interface TufOptions {
  /** The repository's base URL; default Sigstore's public-good CDN. */
  mirrorUrl?: string | undefined;
  /** Where metadata and targets are cached; default defaultTufCacheDir(). */
  cacheDir?: string | undefined;
  /** The initial root.json, trusted on first use of the mirror (needed for any mirror but public-good). */
  rootPath?: string | undefined;
  /** Use the cached metadata while it has not expired, without asking the mirror. */
  forceCache?: boolean | undefined;
}

/** Network failures, as Node and make-fetch-happen report them. */
const NETWORK_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "FETCH_ERROR"];
const NETWORK_TEXT = new RegExp(`${NETWORK_CODES.join("|")}|network timeout|request to \\S+ failed`);

/**
 * Fetches trusted_root.json through TUF, as JSON (the caller checks it as any trusted root).
 * When the mirror cannot be reached, falls back to the cached metadata if it is still fresh
 * (TUF's expiry rules apply); otherwise throws NETWORK_UNREACHABLE.
 */
export async function fetchTrustedRootJSON(options: TufOptions = {}): Promise<{ json: unknown; name: string }> {
  const mirrorURL = (options.mirrorUrl ?? DEFAULT_MIRROR_URL).replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(mirrorURL);
  } catch (cause) {
    throw new InputError("INPUT_INVALID", `${mirrorURL}: not a TUF mirror URL (expected https://host/path)`, { cause });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new InputError("INPUT_INVALID", `${mirrorURL}: a TUF mirror URL must be http(s)`);
  const cachePath = options.cacheDir ?? defaultTufCacheDir();
  if (options.rootPath !== undefined) await checkInitialRoot(options.rootPath);
  const fetchOnce = async (forceCache: boolean): Promise<TrustedRootMessage> =>
    getTrustedRoot({ mirrorURL, cachePath, rootPath: options.rootPath, forceCache, retry: { retries: 2, minTimeout: 100, maxTimeout: 1000 }, timeout: 5000 });

  let root: TrustedRootMessage;
  let cached = options.forceCache === true;
  try {
    root = await fetchOnce(cached);
  } catch (first) {
    if (!cached && isNetworkError(first)) {
      cached = true;
      try {
        root = await fetchOnce(true);
      } catch {
        throw unreachable(mirrorURL, cachePath, first);
      }
    } else {
      throw tufFailure(mirrorURL, options, cachePath, first);
    }
  }
  return { json: TrustedRootMessage.toJSON(root), name: `trusted root from TUF ${mirrorURL}${cached ? " (cached)" : ""}` };
}

/** The initial root must at least look like one, so a wrong file is named rather than reported as a TUF failure. */
async function checkInitialRoot(rootPath: string): Promise<void> {
  const text = await readFile(rootPath, "utf8").catch((cause: unknown) => {
    throw new InputError("INPUT_NOT_FOUND", `${rootPath}: initial TUF root.json cannot be read; check the --tuf-root path`, { cause });
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InputError("INPUT_INVALID", `${rootPath}: initial TUF root.json is not valid JSON`, { cause });
  }
  const signed = typeof json === "object" && json !== null ? (json as { signed?: unknown }).signed : undefined;
  if (typeof signed !== "object" || signed === null || (signed as { _type?: unknown })._type !== "root") {
    throw new InputError("INPUT_INVALID", `${rootPath}: not a TUF root.json (expected signed._type "root"); a Sigstore trusted_root.json goes to --trusted-root`);
  }
}

function unreachable(mirrorURL: string, cachePath: string, cause: unknown): PeptideError {
  const code = networkCode(cause);
  return new InputError(
    "NETWORK_UNREACHABLE",
    `cannot reach the TUF mirror ${mirrorURL}${code ? ` (${code})` : ""} and no fresh cached metadata in ${cachePath}; for air-gapped use pass --trusted-root FILE`,
    { cause },
  );
}

function tufFailure(mirrorURL: string, options: TufOptions, cachePath: string, cause: unknown): PeptideError {
  if (isNetworkError(cause)) return unreachable(mirrorURL, cachePath, cause);
  if (cause instanceof TUFError && cause.code === "TUF_INIT_CACHE_ERROR") {
    return new InputError("INPUT_INVALID", `no initial root.json is known for the TUF mirror ${mirrorURL}; pass --tuf-root FILE with the mirror's root.json`, { cause });
  }
  const status = statusOf(cause);
  if (status !== undefined) {
    return new PeptideError("TRUSTED_ROOT_TUF_FAILED", `the TUF mirror ${mirrorURL} answered HTTP ${status}${status === 404 ? " (is it a TUF repository?)" : ""}`, { cause });
  }
  const from = options.rootPath !== undefined ? ` (initial root ${options.rootPath})` : "";
  return new PeptideError("TRUSTED_ROOT_TUF_FAILED", `the TUF repository ${mirrorURL}${from} was refused: ${innermostMessage(cause)}`, { cause });
}

/** The chain of causes, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < 10; current = (current as { cause?: unknown }).cause) chain.push(current);
  return chain;
}

function networkCode(error: unknown): string | undefined {
  for (const link of causes(error)) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.includes(code) && code !== "FETCH_ERROR") return code;
    const text = link instanceof Error ? link.message : String(link);
    const match = NETWORK_CODES.find((c) => c !== "FETCH_ERROR" && text.includes(c));
    if (match) return match;
  }
  return undefined;
}

function isNetworkError(error: unknown): boolean {
  return causes(error).some((link) => {
    const code = (link as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.includes(code)) return true;
    if ((link as { name?: unknown }).name === "FetchError") return true;
    return NETWORK_TEXT.test(link instanceof Error ? link.message : String(link));
  });
}

function statusOf(error: unknown): number | undefined {
  for (const link of causes(error)) {
    const status = (link as { statusCode?: unknown }).statusCode;
    if (typeof status === "number") return status;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  const chain = causes(error);
  const last = chain[chain.length - 1];
  const text = last instanceof Error ? last.message : String(last);
  // tuf-js wraps some failures as text ("Unable to load targets error UnsignedMetadataError: …").
  return text.replace(/^Unable to load \w+ (?:metadata )?error /, "").replace(/\s+/g, " ").trim();
}
