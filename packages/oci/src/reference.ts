/**
 * Image references as people write them: `host[:port]/repo[:tag][@sha256:hex]`, with Docker
 * Hub's defaults (`alpine` is `docker.io/library/alpine:latest`). Grammar and defaults follow
 * distribution's reference package:
 * https://github.com/distribution/reference/blob/v0.6.0/reference.go
 */
import { parseDigest } from "./digest.js";
import { OciError } from "./errors.js";

export interface Reference {
  /** Registry as named, port included, lower case: `ghcr.io`, `127.0.0.1:5000`; `docker.io` for Docker Hub. */
  registry: string;
  /** Repository path: `library/alpine`, `team/payments-api`. */
  repository: string;
  /** Tag, when given; `latest` when neither a tag nor a digest was given. */
  tag?: string;
  /** `sha256:<hex>`, when given. A reference with both names the digest; the tag is informative. */
  digest?: string;
}

export const DOCKER_HUB = "docker.io";
/** Where Docker Hub's Distribution API answers. */
export const DOCKER_HUB_API_HOST = "registry-1.docker.io";

const MAX_NAME_LENGTH = 255;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.]+\]$/;

/** Parses a reference; throws REFERENCE_INVALID with the reason and the expected shape. */
export function parseReference(text: string): Reference {
  const input = text.trim();
  const fail = (why: string): never => {
    throw new OciError("REFERENCE_INVALID", `${JSON.stringify(input.slice(0, 300))} is not an image reference: ${why}; expected host[:port]/repository[:tag][@sha256:<hex>]`);
  };
  if (input === "") fail("it is empty");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) fail("drop the URL scheme (http:// or https://)");

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    try {
      parseDigest(digest);
    } catch {
      fail(`${JSON.stringify(digest.slice(0, 140))} after @ is not a sha256:<64 hex> digest`);
    }
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) fail(`${JSON.stringify(tag.slice(0, 140))} is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -)`);
  }

  if (rest.length > MAX_NAME_LENGTH) fail(`the name is longer than ${MAX_NAME_LENGTH} characters`);
  const { registry, path } = splitRegistry(rest);
  if (registry !== undefined) validateHost(registry, fail);
  const canonicalRegistry = canonicalRegistryName(registry ?? DOCKER_HUB);
  let repository = path;
  if (repository === "") fail("the repository is empty");
  for (const component of repository.split("/")) {
    if (!PATH_COMPONENT.test(component)) {
      fail(component === "" ? "the repository has an empty path component" : `${JSON.stringify(component)} is not a valid repository component (lower-case letters, digits, separators . _ __ -)`);
    }
  }
  if (canonicalRegistry === DOCKER_HUB && !repository.includes("/")) repository = `library/${repository}`;

  const ref: Reference = { registry: canonicalRegistry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined) ref.tag = "latest";
  return ref;
}

/** `registry/repository[:tag][@digest]`, with Docker Hub spelled out. */
export function formatReference(ref: Reference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ""}${ref.digest !== undefined ? `@${ref.digest}` : ""}`;
}

/** `registry/repository`, the name an image's SBOM subject carries. */
export function repositoryName(ref: Pick<Reference, "registry" | "repository">): string {
  return `${ref.registry}/${ref.repository}`;
}

/** What to ask the registry for: the digest when there is one, else the tag. */
export function manifestReference(ref: Reference): string {
  const target = ref.digest ?? ref.tag;
  if (target === undefined) throw new OciError("REFERENCE_INVALID", `${formatReference(ref)} names neither a tag nor a digest`);
  return target;
}

/** The host that serves the Distribution API for a registry name (`docker.io` → `registry-1.docker.io`). */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/** `index.docker.io` and `registry-1.docker.io` are Docker Hub; hosts are case-insensitive. */
export function canonicalRegistryName(registry: string): string {
  const lower = registry.toLowerCase();
  if (lower === "index.docker.io" || lower === DOCKER_HUB_API_HOST) return DOCKER_HUB;
  return lower;
}

/**
 * The first component is a registry when it has a `.` or `:`, is `localhost`, or has upper-case
 * letters (distribution's rule); otherwise the name is a Docker Hub repository.
 */
function splitRegistry(name: string): { registry?: string; path: string } {
  const slash = name.indexOf("/");
  if (slash < 0) return { path: name };
  const first = name.slice(0, slash);
  if (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase()) {
    return { registry: first, path: name.slice(slash + 1) };
  }
  return { path: name };
}

function validateHost(host: string, fail: (why: string) => never): void {
  let hostname = host;
  const portMatch = /^(.*):([^:\]]*)$/.exec(host);
  if (portMatch && !host.endsWith("]")) {
    hostname = portMatch[1] ?? "";
    const port = portMatch[2] ?? "";
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535 || Number(port) === 0) fail(`${JSON.stringify(port)} is not a port number`);
  }
  if (IPV6_HOST.test(hostname)) return;
  if (hostname === "" || !hostname.split(".").every((c) => DOMAIN_COMPONENT.test(c))) fail(`${JSON.stringify(host)} is not a valid registry host`);
}
