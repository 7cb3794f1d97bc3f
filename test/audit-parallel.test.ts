import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../packages/cli/bin/peptide.js", import.meta.url));
const workflows = fileURLToPath(new URL("../examples/payments-service/.github/workflows", import.meta.url));

describe("peptide audit over worker threads (the built CLI)", () => {
  it("reports exactly what one thread reports", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-parallel-"));
    const target = path.join(dir, ".github/workflows");
    await mkdir(target, { recursive: true });
    const names = await readdir(workflows);
    for (let i = 0; i < 12; i++) for (const name of names) await cp(path.join(workflows, name), path.join(target, `${i}-${name}`));
    const run = (threads: string) => promisify(execFile)(process.execPath, [cli, "audit", ".", "--format", "json", "--fail-on", "none"], { cwd: dir, env: { PATH: process.env.PATH, PEPTIDE_THREADS: threads } });
    const [one, three] = await Promise.all([run("1"), run("3")]);
    const report = JSON.parse(three.stdout);
    expect(report.files).toBe(12 * names.length);
    expect(report.findings.length).toBeGreaterThan(12 * 5);
    expect(three.stdout).toBe(one.stdout);
  });
});
