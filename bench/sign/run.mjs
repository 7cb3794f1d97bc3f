// bench/sign: 1,000 file subjects signed in one `peptide sign` run against the loopback Sigstore
// stand-in, and one DSSE attestation over the same 1,000 subjects; reports wall time and the
// count of identity-token, Fulcio, Rekor and TSA requests (the goal: one certificate per run).
// Then times `peptide verify` of one bundle offline with a trusted-root file (goal < 300 ms).
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "packages/cli/bin/peptide.js");
const run = promisify(execFile);
const N = Number(process.env.PEPTIDE_BENCH_SUBJECTS ?? 1000);

const { startSigstore } = await import(path.join(root, "packages/testkit/dist/index.js")).catch(() => {
  process.stderr.write("bench/sign: build first (npm run build)\n");
  process.exit(2);
});

const sigstore = await startSigstore();
const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-bench-sign-"));
try {
  const files = path.join(dir, "dist");
  await mkdir(files);
  const names = [];
  for (let i = 0; i < N; i++) {
    const name = `artifact-${String(i).padStart(4, "0")}.bin`;
    await writeFile(path.join(files, name), `payload ${i}\n`);
    names.push(path.join("dist", name));
  }
  const trustedRoot = path.join(dir, "trusted-root.json");
  await writeFile(trustedRoot, JSON.stringify(sigstore.trustedRoot));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...sigstore.oidc.runnerEnv({ repository: "acme-payments/payments-service", ref: "refs/tags/v1.4.0" }) };
  const endpoints = ["--fulcio-url", sigstore.fulcioURL, "--rekor-url", sigstore.rekorURL];

  const counts = () => ({ ...sigstore.requests });
  const delta = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]).filter(([, v]) => v > 0));

  let before = counts();
  let t0 = performance.now();
  await run(process.execPath, [cli, "sign", "dist/*.bin", "--bundle-jsonl", "bundles.jsonl", ...endpoints], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
  const blobs = { ms: performance.now() - t0, requests: delta(before, counts()) };

  const predicate = path.join(dir, "predicate.json");
  await writeFile(predicate, JSON.stringify({ note: "bench" }));
  before = counts();
  t0 = performance.now();
  await run(process.execPath, [cli, "sign", "dist/*.bin", "--predicate-type", "https://example.com/bench/v1", "--predicate", predicate, "--bundle-jsonl", "attestation.jsonl", ...endpoints], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
  const attestation = { ms: performance.now() - t0, requests: delta(before, counts()) };

  await run(process.execPath, [cli, "sign", names[0], "--bundle-dir", "one", ...endpoints], { cwd: dir, env });
  const verifyTimes = [];
  for (let i = 0; i < 7; i++) {
    t0 = performance.now();
    await run(process.execPath, [cli, "verify", names[0], "--bundle", path.join("one", `${path.basename(names[0])}.sigstore.json`), "--trusted-root", trustedRoot, "--signer-workflow", "acme-payments/payments-service/.github/workflows/release.yml"], { cwd: dir, env: { PATH: process.env.PATH } });
    verifyTimes.push(performance.now() - t0);
  }
  verifyTimes.sort((a, b) => a - b);

  const fmt = (r) => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(", ");
  process.stdout.write(`sign benchmark: ${N} file subjects, node ${process.version}, loopback Sigstore stand-in\n\n`);
  process.stdout.write(`message signatures, one bundle per file: ${blobs.ms.toFixed(0)} ms; requests: ${fmt(blobs.requests)}\n`);
  process.stdout.write(`one DSSE attestation over all subjects:  ${attestation.ms.toFixed(0)} ms; requests: ${fmt(attestation.requests)}\n`);
  process.stdout.write(`verify one bundle offline (trusted-root file), end to end: median ${verifyTimes[3].toFixed(0)} ms (min ${verifyTimes[0].toFixed(0)}), goal < 300 ms: ${verifyTimes[3] < 300 ? "met" : "MISSED"}\n`);
  process.stdout.write(`one certificate per run: ${blobs.requests.fulcio === 1 && attestation.requests.fulcio === 1 ? "met" : "MISSED"}\n`);
} finally {
  await sigstore.close();
  await rm(dir, { recursive: true, force: true });
}
