#!/usr/bin/env node
// One side of bench/digest: hash a file with @peptide/attest's streamed sha256 (the built dist)
// and print `{"digest", "hashMs"}` as JSON. Run by run.mjs in its own process under
// /usr/bin/time, so that its peak RSS is measured the way sha256sum's is.
//
//   node bench/digest/hash-ours.mjs FILE [HIGH_WATER_MARK_BYTES] [--stream]
//
// --stream hashes through fs.createReadStream + sha256Stream instead (the alternative that
// sha256File's reused buffer is measured against in --tune).
import { createReadStream } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const stream = process.argv.includes("--stream");
const [file, hwm] = process.argv.slice(2).filter((a) => a !== "--stream");
if (!file) {
  process.stderr.write("usage: node bench/digest/hash-ours.mjs FILE [HIGH_WATER_MARK_BYTES]\n");
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { sha256File, sha256Stream } = await import(pathToFileURL(path.join(root, "packages/attest/dist/subjects/digest.js")).href);
const started = performance.now();
const digest = stream
  ? await sha256Stream(createReadStream(file, hwm ? { highWaterMark: Number(hwm) } : {}))
  : await sha256File(file, hwm ? { highWaterMark: Number(hwm) } : {});
process.stdout.write(`${JSON.stringify({ digest, hashMs: performance.now() - started })}\n`);
