#!/usr/bin/env node
// Our registry copy (packages/oci copyImage, the promotion's copy step) against Debian's
// `skopeo copy`, side by side in one run, on an image of at least 200 MB built by the testkit's
// image builder (random, incompressible layers) into an OCI layout and pushed to a loopback
// docker-registry, with one attached referrer (a signature stand-in):
//
//   one registry   A/bench/src@digest -> A/bench/<tool>-<n>:v1  (ours mounts: 0 bytes uploaded)
//   two registries A/bench/src@digest -> B/bench/<tool>:v1      (a fresh registry B per copy, so
//                                                                neither tool can mount from an
//                                                                earlier copy; bytes stream)
//
// Each copy is a fresh process timed spawn to exit (ours: bench/promote/copy-ours.mjs on the
// built dist/; skopeo with --preserve-digests), the tools interleaved and their order alternated,
// after one untimed warm-up copy each (which also fills skopeo's blob-info cache, its best setup:
// it mounts only blobs it has seen). Every copy is checked: the target tag names the source digest.
// Ours also copies the referrer; skopeo does not copy referrers.
//
//   node bench/promote/run.mjs [--runs N] [--size MB] [--json]
//
// Exit 0 whatever the numbers, 2 when skopeo or docker-registry is missing and cannot be installed
// (skopeo is installed with apt-get when missing and running as root) or dist/ is not built.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(option("--runs", process.env.PEPTIDE_BENCH_REPS ?? 5));
const sizeMb = Number(option("--size", 208));
const json = args.includes("--json");
if (!Number.isInteger(runs) || runs < 1) fail("--runs: expected a positive integer", 2);
if (!(sizeMb >= 1)) fail("--size: expected megabytes", 2);

ensureSkopeo();
for (const pkg of ["oci", "testkit"]) {
  if (!existsSync(path.join(root, "packages", pkg, "dist", "index.js"))) fail(`packages/${pkg}/dist is not built; run npm run build (or npm run bench:promote)`, 2);
}
const oci = await import(pathToFileURL(path.join(root, "packages/oci/dist/index.js")).href);
const testkit = await import(pathToFileURL(path.join(root, "packages/testkit/dist/index.js")).href);

const work = mkdtempSync(path.join(tmpdir(), "peptide-bench-promote-"));
const registries = [];
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const log = (line) => {
  if (!json) console.error(line);
};

try {
  const a = await startRegistry();
  const client = new oci.RegistryClient();

  log(`building a ${sizeMb} MB image (4 random layers) into an OCI layout...`);
  const per = Math.ceil((sizeMb * 1024 * 1024) / 4);
  const image = await testkit.buildImage({ layers: [0, 1, 2, 3].map((i) => ({ [`data/layer-${i}.bin`]: randomBytes(per) })) });
  const layout = await oci.OciLayout.create(path.join(work, "layout"));
  const subject = await testkit.writeImage(layout, image, "bench");
  const imageBytes = image.layers.reduce((n, l) => n + l.descriptor.size, image.config.descriptor.size + image.manifest.length);
  await attachSignature(layout, subject);
  const seeded = await timed(() => oci.copyImage({ from: { store: layout, digest: subject.digest }, to: { store: client.repository(a.host, "bench/src"), tag: "src" } }));
  log(`pushed ${(imageBytes / 1e6).toFixed(1)} MB to ${a.host}/bench/src in ${seeded.ms.toFixed(0)} ms (layout -> registry, ours)`);
  const src = `${a.host}/bench/src@${subject.digest}`;

  const samples = { same: { ours: [], skopeo: [] }, cross: { ours: [], skopeo: [] } };
  const oursResults = { same: [], cross: [] };
  const runOurs = async (kind, to, n) => {
    const run = await exec(process.execPath, [path.join(here, "copy-ours.mjs"), src, to]);
    const result = JSON.parse(run.stdout.trim().split("\n").pop());
    if (n >= 0) {
      samples[kind].ours.push(run.ms);
      oursResults[kind].push(result);
    }
    if (result.referrers.length !== 1) fail(`ours: expected 1 referrer copied to ${to}, got ${result.referrers.length}`, 1);
  };
  const runSkopeo = async (kind, to, n) => {
    const run = await exec("skopeo", ["copy", "--quiet", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${src}`, `docker://${to}`]);
    if (n >= 0) samples[kind].skopeo.push(run.ms);
  };
  const check = async (to) => {
    const ref = oci.parseReference(to);
    const got = (await client.store(ref).resolve(ref.tag)).digest;
    if (got !== subject.digest) fail(`${to} names ${got}, expected ${subject.digest}`, 1);
  };

  for (let n = -1; n < runs; n++) {
    const label = n < 0 ? "warm-up" : `run ${n + 1}/${runs}`;
    const order = n % 2 === 0 ? ["ours", "skopeo"] : ["skopeo", "ours"];
    for (const tool of order) {
      const to = `${a.host}/bench/${tool}-${n + 1}:v1`;
      await (tool === "ours" ? runOurs : runSkopeo)("same", to, n);
      await check(to);
    }
    for (const tool of order) {
      const b = await startRegistry();
      const to = `${b.host}/bench/${tool}:v1`;
      await (tool === "ours" ? runOurs : runSkopeo)("cross", to, n);
      await check(to);
      await stopRegistry(b);
    }
    log(`${label}: done`);
  }

  const report = {
    imageBytes,
    layers: image.layers.length,
    runs,
    cpus: cpus().length,
    loadavg: loadavg()[0],
    skopeo: skopeoVersion(),
    cases: Object.fromEntries(
      Object.entries(samples).map(([kind, s]) => [
        kind,
        {
          ours: { medianMs: median(s.ours), minMs: Math.min(...s.ours), maxMs: Math.max(...s.ours), bytesUploaded: median(oursResults[kind].map((r) => r.bytesUploaded)), mountedBlobs: median(oursResults[kind].map((r) => r.mountedBlobs)), referrers: 1 },
          skopeo: { medianMs: median(s.skopeo), minMs: Math.min(...s.skopeo), maxMs: Math.max(...s.skopeo), referrers: 0 },
          ratio: median(s.ours) / median(s.skopeo),
        },
      ]),
    ),
  };
  if (json) console.log(JSON.stringify(report, null, 2));
  else printTable(report);
} finally {
  for (const r of [...registries]) await stopRegistry(r);
}

function printTable(report) {
  const mb = (report.imageBytes / 1e6).toFixed(1);
  console.log(`\npromote copy: ${mb} MB image, ${report.layers} layers + config, 1 referrer; ${report.runs} runs; ${report.cpus} cpus, load ${report.loadavg.toFixed(2)}; ${report.skopeo}`);
  console.log("case            tool      median ms   min ms   max ms  bytes uploaded  referrers");
  const names = { same: "one registry", cross: "two registries" };
  for (const [kind, c] of Object.entries(report.cases)) {
    console.log(`${names[kind].padEnd(16)}ours     ${fmt(c.ours.medianMs)} ${fmt(c.ours.minMs, 8)} ${fmt(c.ours.maxMs, 8)}  ${String(c.ours.bytesUploaded).padStart(14)}  ${String(c.ours.referrers).padStart(9)}`);
    console.log(`${"".padEnd(16)}skopeo   ${fmt(c.skopeo.medianMs)} ${fmt(c.skopeo.minMs, 8)} ${fmt(c.skopeo.maxMs, 8)}  ${"n/a".padStart(14)}  ${String(c.skopeo.referrers).padStart(9)}`);
  }
  const same = report.cases.same;
  const cross = report.cases.cross;
  console.log(`\none registry:   ours / skopeo = ${same.ratio.toFixed(2)}x (goal: within 4x, 0 bytes uploaded: ${same.ours.bytesUploaded === 0 ? "yes" : "NO"}; mounted ${same.ours.mountedBlobs} blobs)`);
  console.log(`two registries: ours / skopeo = ${cross.ratio.toFixed(2)}x (goal: at most 1x)`);
  console.log("ours also copies the referrer (signatures, SBOM, provenance) of the digest; skopeo copies the image only.");
  console.log("not yet in ours: the promotion gate's verification (peptide verify) before the copy.");
  if (report.loadavg > 0.5) console.log(`note: load average ${report.loadavg.toFixed(2)} at the end; numbers from a busy machine`);
}

async function attachSignature(store, subject) {
  const empty = Buffer.from("{}");
  const emptyDesc = { mediaType: oci.MediaType.ociEmpty, digest: oci.digestOf(empty), size: 2 };
  const content = Buffer.from(JSON.stringify({ note: "a signature bundle stand-in" }));
  const layer = { mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", digest: oci.digestOf(content), size: content.length };
  await store.putBlob(emptyDesc, empty);
  await store.putBlob(layer, content);
  const manifest = { schemaVersion: 2, mediaType: oci.MediaType.ociManifest, artifactType: layer.mediaType, config: emptyDesc, layers: [layer], subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } };
  await oci.pushReferrer(store, Buffer.from(JSON.stringify(manifest)), { settleMs: 0 });
}

async function startRegistry() {
  const r = await testkit.startRegistry();
  registries.push(r);
  return r;
}

async function stopRegistry(r) {
  registries.splice(registries.indexOf(r), 1);
  await r.stop();
}

async function timed(fn) {
  const t = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t };
}

function exec(command, argv) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`${path.basename(command)} ${argv.join(" ")} exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
      else resolve({ ms, stdout });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fmt(ms, width = 10) {
  return ms.toFixed(0).padStart(width);
}

function skopeoVersion() {
  return spawnSync("skopeo", ["--version"], { encoding: "utf8" }).stdout.trim();
}

function ensureSkopeo() {
  if (spawnSync("skopeo", ["--version"]).status === 0) return;
  const command = "apt-get install -y skopeo";
  if (process.getuid?.() !== 0) fail(`skopeo is not installed; install it with: sudo ${command}`, 2);
  console.error(`installing skopeo: ${command}`);
  const done = spawnSync("apt-get", ["install", "-y", "skopeo"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (done.status !== 0 || spawnSync("skopeo", ["--version"]).status !== 0) fail(`${command} failed`, 2);
}

function fail(message, code) {
  console.error(`bench/promote: ${message}`);
  process.exit(code);
}
