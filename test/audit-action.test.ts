import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runAction } from "@peptide/testkit";

/** actions/audit's committed dist/, run the way the runner runs it (Node 24, INPUT_*, file commands). */
const actionDir = fileURLToPath(new URL("../actions/audit", import.meta.url));

const UNSAFE = `name: triage
on: pull_request_target
jobs:
  comment:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm test
      - run: echo "\${{ github.event.pull_request.title }}"
`;

const HARDENED = `name: ci
on: pull_request
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - run: npm ci && npm test
`;

async function workspaceWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-audit-e2e-"));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

describe("actions/audit dist", () => {
  it("fails the step on high findings, annotates them, writes SARIF and the summary", async () => {
    const workspace = await workspaceWith({ ".github/workflows/triage.yml": UNSAFE, ".github/workflows/ci.yml": HARDENED });
    const run = await runAction({ actionDir, workspace, inputs: { "fail-on": "high" } });

    expect(run.exitCode, run.stderr + run.stdout).toBe(1);
    const findings = Number(run.outputs.findings);
    expect(findings).toBeGreaterThan(2);
    const rules = new Set(run.annotations.filter((a) => a.level !== "debug").map((a) => a.title?.split(" ")[0]));
    expect(rules).toContain("template-injection");
    expect(rules).toContain("dangerous-trigger");
    const injection = run.annotations.find((a) => a.title?.startsWith("template-injection"));
    expect(injection?.file).toBe(".github/workflows/triage.yml");
    expect(injection?.line).toBe(11);
    expect(run.annotations.every((a) => a.file !== ".github/workflows/ci.yml")).toBe(true);

    const sarif = JSON.parse(await readFile(run.outputs["sarif-file"]!, "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results).toHaveLength(findings);
    expect(run.summary).toContain("template-injection");
    expect(run.node.version.startsWith("v24.") || run.node.warning !== undefined).toBe(true);
  });

  it("passes on a hardened workflow and reports zero findings", async () => {
    const workspace = await workspaceWith({ ".github/workflows/ci.yml": HARDENED });
    const run = await runAction({ actionDir, workspace, inputs: { "fail-on": "low" } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.findings).toBe("0");
    expect(run.summary).toContain("No findings");
  });

  it("names a missing policy file given by the user and exits non-zero without a stack", async () => {
    const workspace = await workspaceWith({ ".github/workflows/ci.yml": HARDENED });
    const run = await runAction({ actionDir, workspace, inputs: { config: "policy/missing.yml" } });
    expect(run.exitCode).toBe(1);
    const error = run.annotations.find((a) => a.level === "error");
    expect(error?.message).toMatch(/missing\.yml: policy file not found/);
    expect(run.stdout).not.toMatch(/at .*\.js:\d+/);
  });
});
