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
// The image is signed with the testkit's Sigstore stand-in (a SLSA provenance and an SBOM
// attestation, attached as referrers), so three tools run per case:
//
//   copy     bench/promote/copy-ours.mjs: copyImage alone (the promotion's copy step)
//   promote  the CLI, end to end as the issue judges it: `peptide promote` verifies the
//            attestations against the policy, copies the image with its referrers, tags it last
//            and signs promotion evidence (Fulcio/Rekor stand-in) at the target and the source.
//            Each run promotes from its own source repository (a mount of the image with its
//            referrers, untimed), so evidence attached by earlier runs never adds work.
//            Afterwards (untimed) `peptide verify <target>@digest` runs with only the trusted
//            root and the identity flags; the bench fails if the promoted image does not verify.
//   skopeo   `skopeo copy --preserve-digests` (image only: no referrers, no verification)
//
// Each run is a fresh process timed spawn to exit, the tools interleaved and their order rotated,
// after one untimed warm-up each (which also fills skopeo's blob-info cache, its best setup: it
// mounts only blobs it has seen). Every copy is checked: the target tag names the source digest.
//
//   node bench/promote/run.mjs [--runs N] [--size MB] [--copy-only] [--json]
//
// Exit 0 whatever the numbers, 1 when a promoted image does not verify or a copy is wrong, 2 when
// skopeo or docker-registry is missing and cannot be installed (skopeo is installed with apt-get
// when missing and running as root) or dist/ is not built (npm run build).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
const copyOnly = args.includes("--copy-only");
if (!Number.isInteger(runs) || runs < 1) fail("--runs: expected a positive integer", 2);
if (!(sizeMb >= 1)) fail("--size: expected megabytes", 2);

ensureSkopeo();
for (const pkg of copyOnly ? ["oci", "testkit"] : ["oci", "testkit", "attest", "cli"]) {
  if (!existsSync(path.join(root, "packages", pkg, "dist", "index.js"))) fail(`packages/${pkg}/dist is not built; run npm run build (or npm run bench:promote)`, 2);
}
const oci = await import(pathToFileURL(path.join(root, "packages/oci/dist/index.js")).href);
const testkit = await import(pathToFileURL(path.join(root, "packages/testkit/dist/index.js")).href);
const attest = copyOnly ? undefined : await import(pathToFileURL(path.join(root, "packages/attest/dist/index.js")).href);
const cli = path.join(root, "packages/cli/bin/peptide.js");
const tools = copyOnly ? ["copy", "skopeo"] : ["copy", "promote", "skopeo"];
const REF = "refs/tags/v1.0.0";
const CYCLONEDX = "https://cyclonedx.org/bom";

const work = mkdtempSync(path.join(tmpdir(), "peptide-bench-promote-"));
const registries = [];
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const log = (line) => {
  if (!json) console.error(line);
};

let sigstore;
try {
  const a = await startRegistry();
  const client = new oci.RegistryClient();
  let trustedRoot;
  if (!copyOnly) {
    sigstore = await testkit.startSigstore();
    trustedRoot = path.join(work, "trusted_root.json");
    writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot));
  }

  log(`building a ${sizeMb} MB image (4 random layers) into an OCI layout...`);
  const per = Math.ceil((sizeMb * 1024 * 1024) / 4);
  const image = await testkit.buildImage({ layers: [0, 1, 2, 3].map((i) => ({ [`data/layer-${i}.bin`]: randomBytes(per) })) });
  const layout = await oci.OciLayout.create(path.join(work, "layout"));
  const subject = await testkit.writeImage(layout, image, "bench");
  const imageBytes = image.layers.reduce((n, l) => n + l.descriptor.size, image.config.descriptor.size + image.manifest.length);
  const referrers = copyOnly ? await attachSignature(layout, subject) : await attachAttestations(layout, subject);
  const seeded = await timed(() => oci.copyImage({ from: { store: layout, digest: subject.digest }, to: { store: client.repository(a.host, "bench/src"), tag: "src" } }));
  log(`pushed ${(imageBytes / 1e6).toFixed(1)} MB with ${referrers} referrers to ${a.host}/bench/src in ${seeded.ms.toFixed(0)} ms (layout -> registry, ours)`);
  const src = `${a.host}/bench/src@${subject.digest}`;

  const samples = { same: Object.fromEntries(tools.map((t) => [t, []])), cross: Object.fromEntries(tools.map((t) => [t, []])) };
  const results = { same: { copy: [], promote: [] }, cross: { copy: [], promote: [] } };
  const verifyMs = [];
  const run = {
    copy: async (_kind, to) => {
      const done = await exec(process.execPath, [path.join(here, "copy-ours.mjs"), src, to]);
      const result = JSON.parse(done.stdout.trim().split("\n").pop());
      if (result.referrers.length !== referrers) fail(`copy: expected ${referrers} referrers copied to ${to}, got ${result.referrers.length}`, 1);
      return { ms: done.ms, result };
    },
    promote: async (kind, to, n) => {
      // Its own source repository: evidence attached at the source by earlier runs adds no work.
      const own = `${a.host}/bench/psrc-${kind}-${n + 1}`;
      await oci.copyImage({ from: { store: client.repository(a.host, "bench/src"), digest: subject.digest }, to: { store: client.repository(a.host, `bench/psrc-${kind}-${n + 1}`) } });
      const argv = [cli, "promote", `${own}@${subject.digest}`, "--to", to, "--environment", "staging", ...policyFlags(trustedRoot), "--fulcio-url", sigstore.fulcioURL, "--rekor-url", sigstore.rekorURL, "--format", "json"];
      const done = await exec(process.execPath, argv, { ...process.env, ...sigstore.oidc.runnerEnv({ ref: REF }) });
      const result = JSON.parse(done.stdout);
      if (result.status !== "promoted") fail(`promote to ${to}: ${result.status}: ${JSON.stringify(result.checks)}`, 1);
      // The issue's last sentence: the promoted image verifies at the target with only what was copied.
      const ref = oci.parseReference(to);
      const verify = await exec(process.execPath, [cli, "verify", `${ref.registry}/${ref.repository}@${subject.digest}`, ...policyFlags(trustedRoot), "--format", "json"], process.env, { allowFailure: true });
      if (verify.code !== 0) fail(`peptide verify ${ref.registry}/${ref.repository}@${subject.digest} failed (exit ${verify.code}): ${verify.stdout.slice(0, 2000)}${verify.stderr.slice(0, 500)}`, 1);
      verifyMs.push(verify.ms);
      return { ms: done.ms, result: { ...result.copy, evidence: result.evidence !== undefined } };
    },
    skopeo: async (_kind, to) => {
      const done = await exec("skopeo", ["copy", "--quiet", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${src}`, `docker://${to}`]);
      return { ms: done.ms };
    },
  };
  const record = async (tool, kind, to, n) => {
    const { ms, result } = await run[tool](kind, to, n);
    await check(to);
    if (n < 0) return;
    samples[kind][tool].push(ms);
    if (result) results[kind][tool].push(result);
  };
  const check = async (to) => {
    const ref = oci.parseReference(to);
    const got = (await client.store(ref).resolve(ref.tag)).digest;
    if (got !== subject.digest) fail(`${to} names ${got}, expected ${subject.digest}`, 1);
  };

  for (let n = -1; n < runs; n++) {
    const label = n < 0 ? "warm-up" : `run ${n + 1}/${runs}`;
    const shift = ((n % tools.length) + tools.length) % tools.length;
    const order = [...tools.slice(shift), ...tools.slice(0, shift)];
    for (const tool of order) await record(tool, "same", `${a.host}/bench/${tool}-${n + 1}:v1`, n);
    for (const tool of order) {
      const b = await startRegistry();
      await record(tool, "cross", `${b.host}/bench/${tool}:v1`, n);
      await stopRegistry(b);
    }
    log(`${label}: done`);
  }

  const stats = (values) => ({ medianMs: median(values), minMs: Math.min(...values), maxMs: Math.max(...values) });
  const report = {
    imageBytes,
    layers: image.layers.length,
    referrers,
    runs,
    cpus: cpus().length,
    loadavg: loadavg()[0],
    skopeo: skopeoVersion(),
    ...(verifyMs.length > 0 ? { verifyAtTarget: { runs: verifyMs.length, allVerified: true, ...stats(verifyMs) } } : {}),
    cases: Object.fromEntries(
      Object.entries(samples).map(([kind, s]) => {
        const skopeo = stats(s.skopeo);
        const ours = (tool) => ({
          ...stats(s[tool]),
          ratio: median(s[tool]) / skopeo.medianMs,
          bytesUploaded: median(results[kind][tool].map((r) => r.bytesUploaded)),
          mountedBlobs: median(results[kind][tool].map((r) => r.mountedBlobs)),
          referrers: median(results[kind][tool].map((r) => r.referrers.length)),
        });
        return [kind, { ...Object.fromEntries(tools.filter((t) => t !== "skopeo").map((t) => [t, ours(t)])), skopeo: { ...skopeo, ratio: 1, referrers: 0 } }];
      }),
    ),
  };
  if (json) console.log(JSON.stringify(report, null, 2));
  else printTable(report);
} finally {
  for (const r of [...registries]) await stopRegistry(r);
  await sigstore?.close();
}

function printTable(report) {
  const mb = (report.imageBytes / 1e6).toFixed(1);
  console.log(`\npromote: ${mb} MB image, ${report.layers} layers + config, ${report.referrers} referrers; ${report.runs} runs; ${report.cpus} cpus, load ${report.loadavg.toFixed(2)}; ${report.skopeo}`);
  console.log("case            tool      median ms   min ms   max ms  x skopeo  bytes uploaded  referrers");
  const names = { same: "one registry", cross: "two registries" };
  for (const [kind, c] of Object.entries(report.cases)) {
    tools.forEach((tool, i) => {
      const t = c[tool];
      const bytes = tool === "skopeo" ? "n/a" : String(t.bytesUploaded);
      console.log(`${(i === 0 ? names[kind] : "").padEnd(16)}${tool.padEnd(8)} ${fmt(t.medianMs)} ${fmt(t.minMs, 8)} ${fmt(t.maxMs, 8)}  ${t.ratio.toFixed(2).padStart(7)}x  ${bytes.padStart(14)}  ${String(t.referrers).padStart(9)}`);
    });
  }
  const { same, cross } = report.cases;
  const e2e = same.promote ? "promote" : "copy";
  console.log(`\none registry:   ${e2e} / skopeo = ${same[e2e].ratio.toFixed(2)}x (goal: within 4x end to end; blob bytes uploaded: ${same[e2e].bytesUploaded}, mounted ${same[e2e].mountedBlobs} blobs)${e2e === "promote" ? `; copy alone ${same.copy.ratio.toFixed(2)}x` : ""}`);
  console.log(`two registries: ${e2e} / skopeo = ${cross[e2e].ratio.toFixed(2)}x (goal: at most 1x)${e2e === "promote" ? `; copy alone ${cross.copy.ratio.toFixed(2)}x` : ""}`);
  if (report.verifyAtTarget) console.log(`peptide verify at the target (trusted root + identity flags only): ${report.verifyAtTarget.runs} of ${report.verifyAtTarget.runs} verified, median ${report.verifyAtTarget.medianMs.toFixed(0)} ms`);
  console.log("promote verifies the attestations, copies them with the image and signs promotion evidence; skopeo copies the image only.");
  if (report.loadavg > 0.5) console.log(`note: load average ${report.loadavg.toFixed(2)} at the end; numbers from a busy machine`);
}

/** The policy the bench promotes and verifies with: the stand-in's default signer workflow. */
function policyFlags(trustedRoot) {
  const signer = `${testkit.OIDC_DEFAULT_REPOSITORY}/${testkit.OIDC_DEFAULT_WORKFLOW_PATH}`;
  return ["--signer-workflow", signer, "--source-ref", "refs/tags/v*", "--predicate-type", attest.SLSA_PROVENANCE_V1, "--predicate-type", CYCLONEDX, "--trusted-root", trustedRoot];
}

/** A SLSA provenance and an SBOM attestation of the image, signed by the stand-in, as referrers. */
async function attachAttestations(store, subject) {
  const token = sigstore.oidc.mintToken({ ref: REF });
  const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
  const named = { name: "bench", digest: { sha256: subject.digest.slice(7) } };
  const provenance = await attest.provenanceStatement([named], attest.contextOf(claims, {}, { workspace: tmpdir() }));
  const sbom = { _type: attest.IN_TOTO_STATEMENT_V1, subject: [named], predicateType: CYCLONEDX, predicate: { bomFormat: "CycloneDX" } };
  const session = await attest.createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: token });
  const bundles = await session.signStatements([provenance, sbom]);
  for (const bundle of bundles) await attest.attachBundle(store, subject.digest, bundle);
  return bundles.length;
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
  return 1;
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

function exec(command, argv, env = process.env, { allowFailure = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"], env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (code !== 0 && !allowFailure) reject(new Error(`${path.basename(command)} ${argv.join(" ")} exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}${stdout.slice(0, 1500)}`));
      else resolve({ ms, stdout, stderr, code });
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
