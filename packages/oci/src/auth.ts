/**
 * Registry credentials, looked up the way the docker CLI does: `credHelpers[registry]`, else
 * `credsStore`, else `auths[registry]` in `$DOCKER_CONFIG/config.json` (`~/.docker/config.json`);
 * helpers run as `docker-credential-<name> get` with the server on stdin. For ghcr.io with
 * nothing configured, `GITHUB_TOKEN` is used, as `docker login ghcr.io` in a workflow would.
 * https://github.com/docker/cli/blob/v27.0.3/cli/config/configfile/file.go
 * https://github.com/docker/docker-credential-helpers#development
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { OciError } from "./errors.js";
import { isRecord } from "./manifest.js";
import { DOCKER_HUB } from "./reference.js";

export interface Credential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken` in the docker config), exchanged at the token realm. */
  identityToken?: string;
  /** A ready bearer token for the registry itself (`registrytoken`). */
  registryToken?: string;
}

/** Credentials for a registry (`ghcr.io`, `127.0.0.1:5000`, `docker.io`), or undefined for anonymous. */
export type CredentialProvider = (registry: string) => Promise<Credential | undefined>;

/** Runs `docker-credential-<helper> get` with `server` on stdin and returns its stdout. */
export type HelperRunner = (helper: string, server: string) => Promise<string>;

export interface DockerCredentialsOptions {
  /** Directory of config.json; `$DOCKER_CONFIG`, else `~/.docker`. */
  configDir?: string;
  env?: NodeJS.ProcessEnv;
  runHelper?: HelperRunner;
}

/** The server key Docker Hub credentials are stored under. */
const DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

/** Credentials from the docker config, its helpers and GITHUB_TOKEN, in that order. Reads the config once per call. */
export function dockerCredentials(options: DockerCredentialsOptions = {}): CredentialProvider {
  const env = options.env ?? process.env;
  const configDir = options.configDir ?? env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), ".docker");
  const runHelper = options.runHelper ?? runCredentialHelper;
  return async (registry) => {
    const config = await readDockerConfig(path.join(configDir, "config.json"));
    const fromConfig = config ? await fromDockerConfig(config, registry, runHelper) : undefined;
    if (fromConfig) return fromConfig;
    if (registry === "ghcr.io" && env.GITHUB_TOKEN) return { username: env.GITHUB_ACTOR || "x-access-token", password: env.GITHUB_TOKEN };
    return undefined;
  };
}

/** Fixed credentials per registry (tests, or flags given on the command line). */
export function staticCredentials(byRegistry: Record<string, Credential>): CredentialProvider {
  return async (registry) => byRegistry[registry];
}

interface DockerConfig {
  auths: Record<string, unknown>;
  credHelpers: Record<string, unknown>;
  credsStore?: string;
}

async function readDockerConfig(file: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    if (isRecord(cause) && cause.code === "ENOENT") return undefined;
    throw new OciError("CREDENTIALS_UNAVAILABLE", `${file}: cannot be read; fix its permissions or set DOCKER_CONFIG`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new OciError("CREDENTIALS_UNAVAILABLE", `${file}: not valid JSON; fix it or set DOCKER_CONFIG to another directory`, { cause });
  }
  if (!isRecord(json)) return undefined;
  const config: DockerConfig = {
    auths: isRecord(json.auths) ? json.auths : {},
    credHelpers: isRecord(json.credHelpers) ? json.credHelpers : {},
  };
  if (typeof json.credsStore === "string" && json.credsStore !== "") config.credsStore = json.credsStore;
  return config;
}

async function fromDockerConfig(config: DockerConfig, registry: string, runHelper: HelperRunner): Promise<Credential | undefined> {
  const server = registry === DOCKER_HUB ? DOCKER_HUB_SERVER : registry;
  const helper = lookup(config.credHelpers, registry);
  if (typeof helper === "string" && helper !== "") return fromHelper(helper, server, runHelper);
  const entry = lookup(config.auths, registry);
  if (config.credsStore) {
    const stored = await fromHelper(config.credsStore, server, runHelper);
    if (stored) return stored;
  }
  return isRecord(entry) ? fromAuthEntry(entry, registry) : undefined;
}

/** The value under the key naming `registry`; keys may carry a scheme and path (`https://index.docker.io/v1/`). */
function lookup(map: Record<string, unknown>, registry: string): unknown {
  if (registry in map) return map[registry];
  for (const [key, value] of Object.entries(map)) if (normalizeServerKey(key) === registry) return value;
  return undefined;
}

/** `https://index.docker.io/v1/` → `docker.io`; `http://localhost:5000/v2/` → `localhost:5000`. */
export function normalizeServerKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").split("/")[0]?.toLowerCase() ?? "";
  return host === "index.docker.io" || host === "registry-1.docker.io" ? DOCKER_HUB : host;
}

function fromAuthEntry(entry: Record<string, unknown>, registry: string): Credential | undefined {
  const credential: Credential = {};
  if (typeof entry.auth === "string" && entry.auth !== "") {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new OciError("CREDENTIALS_UNAVAILABLE", `docker config auths entry for ${registry}: auth is not base64 of user:password; run docker login ${registry} again`);
    credential.username = decoded.slice(0, colon);
    credential.password = decoded.slice(colon + 1);
  } else {
    if (typeof entry.username === "string") credential.username = entry.username;
    if (typeof entry.password === "string") credential.password = entry.password;
  }
  if (typeof entry.identitytoken === "string" && entry.identitytoken !== "") credential.identityToken = entry.identitytoken;
  if (typeof entry.registrytoken === "string" && entry.registrytoken !== "") credential.registryToken = entry.registrytoken;
  return Object.keys(credential).length > 0 ? credential : undefined;
}

async function fromHelper(helper: string, server: string, runHelper: HelperRunner): Promise<Credential | undefined> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(helper)) {
    throw new OciError("CREDENTIALS_UNAVAILABLE", `credential helper name ${JSON.stringify(helper)} in the docker config is not a plain name`);
  }
  let output: string;
  try {
    output = await runHelper(helper, server);
  } catch (cause) {
    const text = cause instanceof Error ? cause.message : String(cause);
    // The helpers' own words for "nothing stored": anonymous access, not an error.
    if (/credentials not found|not found in native keychain|no credentials/i.test(text)) return undefined;
    throw new OciError("CREDENTIALS_UNAVAILABLE", `docker-credential-${helper} get failed for ${server}: ${text.split("\n")[0]}; check the helper is installed and logged in`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(output);
  } catch (cause) {
    throw new OciError("CREDENTIALS_UNAVAILABLE", `docker-credential-${helper} get printed something other than JSON for ${server}`, { cause });
  }
  if (!isRecord(json) || typeof json.Secret !== "string" || json.Secret === "") return undefined;
  const username = typeof json.Username === "string" ? json.Username : "";
  // A helper returns an identity token with the user name "<token>".
  return username === "<token>" ? { identityToken: json.Secret } : { username, password: json.Secret };
}

const HELPER_TIMEOUT_MS = 30_000;

/** Runs the helper from PATH, server on stdin; rejects with its stderr/stdout on failure. */
export function runCredentialHelper(helper: string, server: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ["get"], { timeout: HELPER_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${String(stdout).trim() || String(stderr).trim() || error.message}`));
      else resolve(String(stdout));
    });
    child.stdin?.end(server);
  });
}
