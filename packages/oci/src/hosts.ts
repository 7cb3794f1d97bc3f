/**
 * Which hosts the registry client may talk to, and how. Plain HTTP only to loopback hosts or
 * hosts the user named as insecure; never to link-local or cloud metadata addresses
 * (169.254.0.0/16, fe80::/10, AWS's fd00:ec2::254), whether a URL names them literally, in
 * another notation (`http://2852039166/`, `::ffff:a9fe:a9fe`) or through a DNS name that
 * resolves to them. Token realms and blob redirects come from the registry, so they are
 * checked too.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { OciError } from "./errors.js";

/** Resolves a host name to its addresses (injectable for tests). */
export type Lookup = (hostname: string) => Promise<string[]>;

const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet("169.254.0.0", 16, "ipv4");
FORBIDDEN.addSubnet("fe80::", 10, "ipv6");
FORBIDDEN.addAddress("fd00:ec2::254", "ipv6");

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Names of metadata services that resolve only inside a cloud; refused without asking DNS. */
const METADATA_NAMES = new Set(["metadata", "metadata.google.internal", "metadata.goog", "metadata.azure.internal", "instance-data", "instance-data.ec2.internal"]);

/** `hostname` without brackets or a trailing dot, lower case. */
export function bareHostname(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
}

/** Whether a host (`127.0.0.1:5000`, `localhost`, `[::1]:5000`) is the machine itself. */
export function isLoopbackHost(host: string): boolean {
  const name = bareHostname(hostnameOf(host));
  if (name === "localhost") return true;
  const family = isIP(name);
  return family !== 0 && LOOPBACK.check(name, family === 4 ? "ipv4" : "ipv6");
}

/** Whether an IP address literal is link-local or a metadata address. */
export function isForbiddenAddress(address: string): boolean {
  const name = bareHostname(address);
  const family = isIP(name);
  return family !== 0 && FORBIDDEN.check(name, family === 4 ? "ipv4" : "ipv6");
}

/** The host part of `host[:port]`, brackets kept for IPv6. */
export function hostnameOf(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon >= 0 && host.indexOf(":") === colon ? host.slice(0, colon) : host;
}

export interface HostPolicyOptions {
  /** Hosts (`host` or `host:port`) that may be reached over plain HTTP, as `--insecure-registry` names them. */
  insecure?: readonly string[];
  /** DNS resolution used to catch names that point at forbidden addresses. */
  lookup?: Lookup;
}

const DNS_CACHE_MS = 60_000;

export class HostPolicy {
  private readonly insecure: Set<string>;
  private readonly lookup: Lookup;
  private readonly resolved = new Map<string, { at: number; addresses: Promise<string[]> }>();

  constructor(options: HostPolicyOptions = {}) {
    this.insecure = new Set((options.insecure ?? []).map((h) => h.toLowerCase()));
    this.lookup = options.lookup ?? defaultLookup;
  }

  /** Whether plain HTTP is allowed to this host (`host:port`). */
  allowsPlainHttp(host: string): boolean {
    const lower = host.toLowerCase();
    return isLoopbackHost(lower) || this.insecure.has(lower) || this.insecure.has(hostnameOf(lower));
  }

  /** `http://host` for loopback and insecure hosts, `https://host` otherwise. */
  baseUrl(host: string): string {
    return `${this.allowsPlainHttp(host) ? "http" : "https"}://${host}`;
  }

  /** Throws HOST_REFUSED unless a request to `url` is allowed. `why` says who asked for it (realm, redirect). */
  async assertAllowed(url: URL, why: string): Promise<void> {
    const where = `${url.protocol}//${url.host}`;
    if (url.protocol !== "https:" && url.protocol !== "http:") throw refused(`${why} ${where}: only http and https are spoken`);
    if (url.username !== "" || url.password !== "") throw refused(`${why} ${where}: credentials in URLs are not sent`);
    if (url.protocol === "http:" && !this.allowsPlainHttp(url.host)) {
      throw refused(`${why} ${where}: plain HTTP is used only for loopback registries or hosts named as insecure (--insecure-registry ${url.host})`);
    }
    const name = bareHostname(url.hostname);
    if (isForbiddenAddress(name) || METADATA_NAMES.has(name)) throw refused(`${why} ${where}: link-local and cloud metadata addresses are never requested`);
    if (isIP(name) !== 0 || name === "localhost") return;
    const addresses = await this.resolve(name);
    const bad = addresses.find(isForbiddenAddress);
    if (bad !== undefined) throw refused(`${why} ${where}: ${name} resolves to ${bad}, a link-local or metadata address, never requested`);
  }

  private resolve(name: string): Promise<string[]> {
    const now = Date.now();
    const cached = this.resolved.get(name);
    if (cached && now - cached.at < DNS_CACHE_MS) return cached.addresses;
    // An unresolvable name is left to fetch, which reports it with its retries and message.
    const addresses = this.lookup(name).catch(() => []);
    this.resolved.set(name, { at: now, addresses });
    return addresses;
  }
}

async function defaultLookup(hostname: string): Promise<string[]> {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

function refused(message: string): OciError {
  return new OciError("HOST_REFUSED", `refusing request to ${message}`);
}
