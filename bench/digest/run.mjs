#!/usr/bin/env node
// Our streamed sha256 (@peptide/attest `sha256File`) against GNU `sha256sum`, side by side in one
// run, on one 1 GiB file made in a temporary folder. Each repetition starts both as fresh
// processes, interleaved, each under `/usr/bin/time -f %M` for its peak resident set; the
// medians give MB/s for each, our speed as a share of sha256sum's (goal >= 90 %), and the peak
// RSS of each. Memory is flat when our peak RSS for the 1 GiB file is within a few MiB of our
// peak RSS for a 1 MiB file (Node's own floor is ~45 MiB; sha256sum's is ~2 MiB). `--tune` also
// times our side at several read sizes (highWaterMark), and the fs.createReadStream alternative.
//
//   node bench/digest/run.mjs [--reps N] [--size MiB] [--sparse] [--tune] [--json] [--check]
//
//   --reps N     timed repetitions per side (default 5; PEPTIDE_BENCH_REPS), after one untimed
//                warm-up round that also brings the file into the page cache
//   --size MiB   file size (default 1024, i.e. 1 GiB)
//   --sparse     a sparse file (zeros, no disk blocks) instead of random bytes: faster to make,
//                and both sides read it without touching the disk
//   --tune       time our side at 64 KiB, 256 KiB, 1 MiB, 4 MiB and 16 MiB reads too, and
//                through fs.createReadStream (64 KiB, its default, and 1 MiB)
//   --json       print the results as JSON instead of the table
//   --check      exit 1 when a goal is missed (>= 90 % of sha256sum's MB/s, flat memory)
//
// A report, not a test: exit 0 whatever the numbers (unless --check); 2 when the library is not
// built (`npx tsc -b packages/attest`) or a tool is missing. Nothing is written to the repository;
// the file is removed at the end, on Ctrl-C too.
import { spawn, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const GOAL_SHARE = 0.9;
/** Our peak RSS on 1 GiB may exceed that on 1 MiB by this much and still count as flat. */
const FLAT_MARGIN_KIB = 16 * 1024;
const TUNE_SIZES = [64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024, 16 * 1024 * 1024];
const TIME = "/usr/bin/time";

// Declared first: fail() cleans up after them from anywhere.
let work; // temporary folder for the files
let running; // the child being timed, killed on Ctrl-C

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const dist = path.join(root, "packages/attest/dist/subjects/digest.js");
const ours = path.join(here, "hash-ours.mjs");

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const USAGE = "usage: node bench/digest/run.mjs [--reps N] [--size MiB] [--sparse] [--tune] [--json] [--check]";
const valued = ["--reps", "--size"];
const known = ["--sparse", "--tune", "--json", "--check", ...valued];
const unknown = args.filter((a, i) => !known.includes(a) && !valued.includes(args[i - 1]));
if (unknown.length > 0) fail(`unknown argument ${unknown[0]}; ${USAGE}`);
const reps = Number(option("--reps") ?? process.env.PEPTIDE_BENCH_REPS ?? 5);
if (!Number.isInteger(reps) || reps < 1) fail(`--reps: expected a positive integer, got ${option("--reps") ?? process.env.PEPTIDE_BENCH_REPS}`);
const sizeMiB = Number(option("--size") ?? 1024);
if (!Number.isInteger(sizeMiB) || sizeMiB < 1) fail(`--size: expected a whole number of MiB, got ${option("--size")}`);

if (!existsSync(dist)) fail(`${path.relative(root, dist)} is missing; build first: npx tsc -b packages/attest (or npm run bench:digest)`);
for (const tool of [TIME, "sha256sum"]) {
  if (spawnSync(tool === TIME ? TIME : "sh", tool === TIME ? ["-f", "%M", "true"] : ["-c", "command -v sha256sum"], { stdio: "ignore" }).status !== 0) {
    fail(`${tool} is not available; install ${tool === TIME ? "the `time` package (apt-get install time)" : "coreutils"}`);
  }
}

work = mkdtempSync(path.join(tmpdir(), "peptide-bench-digest-"));
process.on("SIGINT", () => {
  running?.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
  process.exit(130);
});

const bytes = sizeMiB * 1024 * 1024;
const big = path.join(work, "subject.bin");
const small = path.join(work, "small.bin");
let results;
try {
  const made = performance.now();
  makeFile(big, bytes, flag("--sparse"));
  makeFile(small, 1024 * 1024, false);
  const makeMs = performance.now() - made;

  const sides = [
    { name: "peptide sha256File", command: process.execPath, args: [ours, big], runs: [] },
    { name: `sha256sum (${coreutilsVersion()})`, command: "sha256sum", args: [big], runs: [] },
  ];
  const loadBefore = loadavg()[0];
  for (const side of sides) await timed(side); // warm-up: page cache, and a check that each works
  for (let r = 0; r < reps; r++) for (const side of sides) side.runs.push(await timed(side));
  const baseline = await timed({ name: "peptide sha256File, 1 MiB file", command: process.execPath, args: [ours, small] });
  const tuning = [];
  if (flag("--tune")) {
    const variants = [
      ...TUNE_SIZES.map((hwm) => ({ way: "sha256File", hwm, args: [ours, big, String(hwm)] })),
      ...[64 * 1024, 1024 * 1024].map((hwm) => ({ way: "createReadStream", hwm, args: [ours, big, String(hwm), "--stream"] })),
    ];
    for (const { way, hwm, args: childArgs } of variants) {
      const side = { name: `${way} ${label(hwm)}`, command: process.execPath, args: childArgs, runs: [] };
      await timed(side);
      for (let r = 0; r < reps; r++) side.runs.push(await timed(side));
      tuning.push({ way, highWaterMark: hwm, ...summarize(side) });
    }
  }
  results = report(sides, baseline, tuning, { makeMs, loadBefore });
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (flag("--json")) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else print(results);
if (flag("--check") && !Object.values(results.goals).every((g) => g.met)) process.exit(1);

// --- making the file ------------------------------------------------------------------------

function makeFile(file, size, sparse) {
  const fd = openSync(file, "w");
  try {
    if (sparse) {
      ftruncateSync(fd, size);
      return;
    }
    const block = Buffer.allocUnsafe(16 * 1024 * 1024);
    for (let written = 0; written < size; ) {
      const n = Math.min(block.length, size - written);
      randomFillSync(block, 0, n);
      writeSync(fd, block, 0, n);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}

// --- running ---------------------------------------------------------------------------------

/** One run of a side under /usr/bin/time: wall ms from spawn to exit, peak RSS in KiB, the digest. */
function timed(side) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(TIME, ["-f", "%M", side.command, ...side.args], { stdio: ["ignore", "pipe", "pipe"] });
    running = child;
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      running = undefined;
      if (code !== 0) fail(`${side.name} exited with ${code}: ${stderr.trim().split("\n")[0] ?? ""}`);
      const rssKiB = Number(stderr.trim().split("\n").pop());
      const parsed = stdout.trim().startsWith("{") ? JSON.parse(stdout) : { digest: stdout.trim().split(/\s+/)[0] };
      resolve({ wallMs, rssKiB, digest: parsed.digest, hashMs: parsed.hashMs });
    });
  });
}

// --- the report ------------------------------------------------------------------------------

function summarize(side) {
  const wallMs = median(side.runs.map((r) => r.wallMs));
  const hashMs = side.runs[0]?.hashMs === undefined ? undefined : median(side.runs.map((r) => r.hashMs));
  return {
    tool: side.name,
    wallMs: round(wallMs),
    minMs: round(Math.min(...side.runs.map((r) => r.wallMs))),
    maxMs: round(Math.max(...side.runs.map((r) => r.wallMs))),
    mbPerS: round(bytes / 1e6 / (wallMs / 1000)),
    ...(hashMs === undefined ? {} : { hashMbPerS: round(bytes / 1e6 / (hashMs / 1000)) }),
    peakRssMiB: round(Math.max(...side.runs.map((r) => r.rssKiB)) / 1024),
    digests: [...new Set(side.runs.map((r) => r.digest))],
  };
}

function report(sides, baseline, tuning, context) {
  const [ourSide, peerSide] = sides.map(summarize);
  const share = ourSide.mbPerS / peerSide.mbPerS;
  const growthKiB = ourSide.peakRssMiB * 1024 - baseline.rssKiB;
  const sameDigest = ourSide.digests.length === 1 && peerSide.digests.length === 1 && ourSide.digests[0] === peerSide.digests[0];
  return {
    file: { bytes, sparse: flag("--sparse"), madeInMs: round(context.makeMs) },
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadBefore: round(context.loadBefore), loadAfter: round(loadavg()[0]) },
    reps,
    tools: [ourSide, peerSide],
    baseline: { tool: "peptide sha256File, 1 MiB file", peakRssMiB: round(baseline.rssKiB / 1024) },
    tuning,
    sameDigest,
    goals: {
      speed: { goal: `>= ${GOAL_SHARE * 100} % of sha256sum's MB/s`, value: `${round(share * 100)} %`, met: share >= GOAL_SHARE },
      flatMemory: {
        goal: `peak RSS on ${label(bytes)} within ${FLAT_MARGIN_KIB / 1024} MiB of that on 1 MiB`,
        value: `${round(growthKiB / 1024)} MiB more`,
        met: growthKiB <= FLAT_MARGIN_KIB,
      },
      sameDigest: { goal: "both print the same digest", value: sameDigest ? "yes" : "NO", met: sameDigest },
    },
  };
}

function print(r) {
  const out = [];
  out.push(`sha256 of a ${label(r.file.bytes)} ${r.file.sparse ? "sparse" : "random"} file, ${r.reps} interleaved runs each (median; wall = spawn to exit)`);
  out.push("");
  const header = ["tool", "wall ms", "min-max", "MB/s", "in-process MB/s", "peak RSS MiB"];
  const rows = r.tools.map((t) => [t.tool, t.wallMs, `${t.minMs}-${t.maxMs}`, t.mbPerS, t.hashMbPerS ?? "-", t.peakRssMiB]);
  rows.push([r.baseline.tool, "", "", "", "", r.baseline.peakRssMiB]);
  out.push(...table([header, ...rows]));
  if (r.tuning.length > 0) {
    out.push("", "our side by read size (highWaterMark) and way of reading:");
    const head = ["way", "highWaterMark", "wall ms", "MB/s", "in-process MB/s", "peak RSS MiB"];
    out.push(...table([head, ...r.tuning.map((t) => [t.way, label(t.highWaterMark), t.wallMs, t.mbPerS, t.hashMbPerS, t.peakRssMiB])]));
  }
  out.push("");
  for (const [name, g] of Object.entries(r.goals)) out.push(`${g.met ? "ok  " : "MISS"} ${name}: ${g.value} (goal ${g.goal})`);
  const load = r.machine.loadBefore > 0.5 || r.machine.loadAfter > 0.5 ? `  (load average ${r.machine.loadBefore} before, ${r.machine.loadAfter} after: numbers are noisy)` : "";
  out.push("", `${r.machine.cpus} x ${r.machine.model}, node ${r.machine.node}${load}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  return rows.map((row) => row.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join("  ").trimEnd());
}

function coreutilsVersion() {
  const out = spawnSync("sha256sum", ["--version"], { encoding: "utf8" }).stdout ?? "";
  const version = /\(GNU coreutils\) ([\d.]+)/.exec(out)?.[1];
  return version ? `coreutils ${version}` : "coreutils";
}

function label(n) {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2) return `${round(n / 1024 ** 2)} MiB`;
  return `${n / 1024} KiB`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(n) {
  return Math.round(n * 10) / 10;
}

function fail(message) {
  process.stderr.write(`bench/digest: ${message}\n`);
  if (typeof work === "string") rmSync(work, { recursive: true, force: true });
  process.exit(2);
}
