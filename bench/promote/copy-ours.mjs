#!/usr/bin/env node
// One copy by our registry client, as a fresh process (what `peptide promote` does minus its
// gate and evidence): node bench/promote/copy-ours.mjs <host/repo@sha256:…> <host/repo:tag>
// Prints the CopyResult as JSON, with the copy's own time (`ms`, without Node's start).
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { copyImage, parseReference, RegistryClient } = await import(pathToFileURL(path.join(root, "packages/oci/dist/index.js")).href);

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error("usage: node bench/promote/copy-ours.mjs <host/repo@sha256:…> <host/repo:tag>");
  process.exit(2);
}
const source = parseReference(from);
const target = parseReference(to);
if (!source.digest) {
  console.error(`${from}: name the source by digest`);
  process.exit(2);
}
const client = new RegistryClient();
const started = performance.now();
const result = await copyImage({ from: { store: client.store(source), digest: source.digest }, to: { store: client.store(target), ...(target.tag ? { tag: target.tag } : {}) } });
console.log(JSON.stringify({ ...result, ms: performance.now() - started }));
