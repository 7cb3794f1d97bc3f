/**
 * Which Sigstore services a run uses: a named instance, explicit URLs, or a SigningConfig.
 *
 * - `public-good`: Fulcio + Rekor of the Sigstore project; every signature is in a public log.
 * - `github`: GitHub's Fulcio + timestamp authority and no log, so names of private
 *   repositories do not leak into a public log.
 * - custom: `fulcioURL` with `rekorURL` and/or `tsaURL` (self-hosted Sigstore, tests), or a
 *   signing-config file (sigstore's SigningConfig v0.2 JSON).
 */
import { readFile } from "node:fs/promises";
import { signingConfigEndpoints } from "./signing-config.js";
import { SignError } from "./errors.js";

export type InstanceName = "public-good" | "github";

export interface TlogEndpoint {
  url: string;
  /** Rekor API major version: 1 (entries API) or 2 (rekor-tiles). */
  majorApiVersion: number;
}

/** The services one run signs with. */
export interface Endpoints {
  fulcioURL: string;
  tlogs: TlogEndpoint[];
  tsaURLs: string[];
}

export const INSTANCES: Record<InstanceName, Endpoints> = {
  "public-good": {
    fulcioURL: "https://fulcio.sigstore.dev",
    tlogs: [{ url: "https://rekor.sigstore.dev", majorApiVersion: 1 }],
    tsaURLs: [],
  },
  github: {
    fulcioURL: "https://fulcio.githubapp.com",
    tlogs: [],
    tsaURLs: ["https://timestamp.githubapp.com"],
  },
};

export interface EndpointOptions {
  /** A named instance; explicit URLs below override its parts. */
  instance?: InstanceName;
  fulcioURL?: string;
  rekorURL?: string;
  tsaURL?: string;
  /** A SigningConfig JSON document, or the path of a file holding one. */
  signingConfig?: string | Record<string, unknown>;
  /** Log every signature in the transparency log. Default: whether the instance has a log. */
  tlog?: boolean;
  /** Get an RFC 3161 timestamp for every signature. Default: whether the instance has a TSA. */
  tsa?: boolean;
}

export async function resolveEndpoints(options: EndpointOptions, now: Date = new Date()): Promise<Endpoints> {
  let base: Endpoints;
  if (options.signingConfig !== undefined) {
    const document = typeof options.signingConfig === "string" ? await readConfig(options.signingConfig) : options.signingConfig;
    base = signingConfigEndpoints(document, now);
  } else if (options.instance !== undefined) {
    const named = INSTANCES[options.instance];
    if (!named) throw new SignError("SIGN_CONFIG", `unknown sigstore instance "${String(options.instance)}": use public-good, github, or custom URLs`);
    base = named;
  } else if (options.fulcioURL !== undefined) {
    base = { fulcioURL: options.fulcioURL, tlogs: [], tsaURLs: [] };
  } else {
    base = INSTANCES["public-good"];
  }

  const fulcioURL = checkURL("fulcio-url", options.fulcioURL ?? base.fulcioURL);
  let tlogs = options.rekorURL !== undefined ? [{ url: checkURL("rekor-url", options.rekorURL), majorApiVersion: 1 }] : base.tlogs;
  let tsaURLs = options.tsaURL !== undefined ? [checkURL("tsa-url", options.tsaURL)] : base.tsaURLs;

  if (options.tlog === false) tlogs = [];
  else if (options.tlog === true && tlogs.length === 0) {
    throw new SignError("SIGN_CONFIG", "tlog is on but no transparency log is configured: give a rekor-url, or turn tlog off and use a tsa-url");
  }
  if (options.tsa === false) tsaURLs = [];
  else if (options.tsa === true && tsaURLs.length === 0) {
    throw new SignError("SIGN_CONFIG", "tsa is on but no timestamp authority is configured: give a tsa-url");
  }
  if (tlogs.length === 0 && tsaURLs.length === 0) {
    throw new SignError(
      "SIGN_CONFIG",
      "a keyless signature needs a transparency log entry or a signed timestamp to be verifiable: give a rekor-url or a tsa-url",
    );
  }
  return { fulcioURL, tlogs, tsaURLs };
}

async function readConfig(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new SignError("SIGN_CONFIG", `cannot read the signing config ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
    return parsed as Record<string, unknown>;
  } catch (cause) {
    throw new SignError("SIGN_CONFIG", `the signing config ${file} is not a JSON object: ${(cause as Error).message}`, { cause });
  }
}

function checkURL(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SignError("SIGN_CONFIG", `${name} "${value}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new SignError("SIGN_CONFIG", `${name} "${value}" must be an http(s) URL`);
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new SignError("SIGN_CONFIG", `${name} "${value}" must use https (plain http is only accepted on loopback)`);
  }
  return value.replace(/\/+$/, "");
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127\./.test(hostname);
}
