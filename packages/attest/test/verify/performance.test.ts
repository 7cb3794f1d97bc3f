/**
 * Verifying one bundle offline with a trusted-root file must fit in a CLI run under 300 ms end to
 * end. In process the check is timed directly; out of process a fresh `node` loads only the
 * verify entry of the built package (packages/attest/dist/verify/index.js, `tsc -b` output),
 * reads the files and verifies, as `peptide verify` will. Numbers go to the test log.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { TrustRoot, verifyAttestation, type VerificationPolicy } from "../../src/verify/index.js";
import { ARTIFACT, ARTIFACT_SHA256, signStatementBundle, statementFor } from "./signing.js";

const DIST = fileURLToPath(new URL("../../dist/verify/index.js", import.meta.url));
const POLICY: VerificationPolicy = { signerWorkflow: "peptide-dev/payments/.github/workflows/release.yml", runnerEnvironment: "github-hosted" };

let sigstore: SigstoreStandin;
let dir: string;
let bundle: Record<string, unknown>;

beforeAll(async () => {
  sigstore = await startSigstore();
  dir = await mkdtemp(path.join(tmpdir(), "peptide-verify-perf-"));
  bundle = await signStatementBundle(sigstore, statementFor(ARTIFACT_SHA256), { tsa: true });
  await writeFile(path.join(dir, "trusted_root.json"), JSON.stringify(sigstore.trustedRoot));
  await writeFile(path.join(dir, "artifact.tgz"), ARTIFACT);
  await writeFile(path.join(dir, "artifact.tgz.sigstore.json"), JSON.stringify(bundle));
  await writeFile(path.join(dir, "policy.json"), JSON.stringify(POLICY));
});

afterAll(async () => {
  await sigstore?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

test("in process: one bundle with log entry and TSA timestamp", async () => {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    const usage = process.cpuUsage();
    const trustedRoot = TrustRoot.fromJSON(sigstore.trustedRoot);
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, POLICY, { trustedRoot });
    const spent = process.cpuUsage(usage);
    cpu.push((spent.user + spent.system) / 1000);
    times.push(performance.now() - started);
    expect(report.ok).toBe(true);
  }
  console.log(
    `verify in process (trusted root parse + verify, node ${process.version}): first ${times[0]?.toFixed(1)} ms, ` +
      `median ${median(times).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms cpu`,
  );
  // CPU time, not wall time: other test files run beside this one.
  expect(median(cpu)).toBeLessThan(100);
});

const SCRIPT = `
const started = performance.now();
const { loadTrustedRoot, verifyBundle, policyFromJSON } = await import(process.argv[1]);
const loaded = performance.now();
const { readFile } = await import("node:fs/promises");
const [dir] = process.argv.slice(2);
const trustedRoot = await loadTrustedRoot({ kind: "file", path: dir + "/trusted_root.json" });
const policy = policyFromJSON(JSON.parse(await readFile(dir + "/policy.json", "utf8")));
const bundle = await readFile(dir + "/artifact.tgz.sigstore.json", "utf8");
const report = await verifyBundle(bundle, { path: dir + "/artifact.tgz" }, policy, { trustedRoot });
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ ok: report.ok, load: loaded - started, verify: performance.now() - loaded, cpu: (cpu.user + cpu.system) / 1000 }));
process.exitCode = report.ok ? 0 : 1;
`;

test.skipIf(!existsSync(DIST))("out of process: a fresh node verifies from files (built dist)", () => {
  const runs: { wall: number; load: number; verify: number; cpu: number }[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT, DIST, dir], { encoding: "utf8" });
    const wall = performance.now() - started;
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout) as { ok: boolean; load: number; verify: number; cpu: number };
    runs.push({ wall, load: result.load, verify: result.verify, cpu: result.cpu });
  }
  const wall = median(runs.map((run) => run.wall));
  const cpu = median(runs.map((run) => run.cpu));
  console.log(
    `verify end to end (node start + module load + verify, node ${process.version}): median ${wall.toFixed(0)} ms wall, ` +
      `${cpu.toFixed(0)} ms cpu (load ${median(runs.map((run) => run.load)).toFixed(0)} ms, verify ${median(runs.map((run) => run.verify)).toFixed(0)} ms), ` +
      `runs ${runs.map((run) => run.wall.toFixed(0)).join(" ")} ms`,
  );
  // 300 ms is the budget of the CLI run. The whole process's CPU time is asserted, not its wall
  // time: vitest runs other files on the same cores, and waiting for a core is not our cost.
  expect(cpu).toBeLessThan(300);
});
