/**
 * What makes two runs give the same bytes: with SOURCE_DATE_EPOCH the timestamp comes from it and
 * the document's UUID (CycloneDX serialNumber, SPDX namespace) is a UUIDv5 of the content; without
 * it the timestamp is now and the UUID random, as both specs ask of distinct documents.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Component, Sbom } from "../model.js";

export interface WriteOptions {
  /** Seconds since the Unix epoch (SOURCE_DATE_EPOCH); makes the output byte-reproducible. */
  sourceDateEpoch?: number;
  /** Version of peptide recorded as the tool; omitted when not given. */
  toolVersion?: string;
}

export interface DocumentIdentity {
  timestamp: Date;
  uuid: string;
}

/** Reads SOURCE_DATE_EPOCH from an environment; undefined when unset or not a whole number. */
export function sourceDateEpochFrom(env: Record<string, string | undefined>): number | undefined {
  const raw = env.SOURCE_DATE_EPOCH?.trim();
  if (raw === undefined || !/^\d{1,12}$/.test(raw)) return undefined;
  return Number(raw);
}

export function documentIdentity(sbom: Sbom, format: string, options: WriteOptions): DocumentIdentity {
  if (options.sourceDateEpoch === undefined) return { timestamp: wholeSeconds(new Date()), uuid: randomUUID() };
  return { timestamp: new Date(options.sourceDateEpoch * 1000), uuid: uuidV5(contentDigest(sbom, format)) };
}

/** Components in a stable order: by purl, then source. */
export function sortedComponents(components: readonly Component[]): Component[] {
  return [...components].sort((a, b) => compare(a.purl, b.purl) || compare(a.source, b.source));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** SHA-256 over everything the document says, in a canonical order. */
function contentDigest(sbom: Sbom, format: string): string {
  const hash = createHash("sha256");
  const s = sbom.subject;
  hash.update(`${format}\0${s.name}\0${s.version ?? ""}\0${s.purl ?? ""}\0${s.digest ?? ""}\n`);
  hash.update(`${[...sbom.rootDependsOn].sort().join(" ")}\n`);
  for (const c of sortedComponents(sbom.components)) {
    const hashes = c.hashes.map((h) => `${h.alg}:${h.content}`).sort().join(",");
    hash.update(`${c.purl}\0${c.scope}\0${c.license ?? ""}\0${hashes}\0${[...c.dependsOn].sort().join(" ")}\n`);
  }
  return hash.digest("hex");
}

/** RFC 4122 version-5 UUID of `name` in a fixed namespace (the URL namespace). */
function uuidV5(name: string): string {
  const namespace = Buffer.from("6ba7b8119dad11d180b400c04fd430c8", "hex");
  const bytes = createHash("sha1").update(namespace).update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
