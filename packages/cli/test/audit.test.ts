import { readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempTree } from "./run-cli.js";

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

const UNPINNED = HARDENED.replace("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "some-org/setup-thing@v2");

describe("peptide audit", () => {
  it("exits 0 with zero findings on a hardened workflow", async () => {
    const dir = await tempTree({ ".github/workflows/ci.yml": HARDENED });
    const run = await runCli(["audit", "--format", "json"], dir);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ version: 1, findings: [], files: 1 });
    expect(run.code).toBe(0);
  });

  it("prints the frozen json v1 shape with 1-based positions relative to the working directory", async () => {
    const dir = await tempTree({ ".github/workflows/ci.yml": UNPINNED });
    const run = await runCli(["audit", ".github/workflows", "--format", "json"], dir);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(["version", "findings", "files"]);
    const finding = report.findings.find((f: { rule: string }) => f.rule === "unpinned-uses");
    expect(finding).toMatchObject({ rule: "unpinned-uses", severity: "high", file: ".github/workflows/ci.yml", line: 10, column: 15, job: "test", step: 0 });
    expect(Object.keys(finding).slice(0, 9)).toEqual(["rule", "severity", "confidence", "file", "line", "column", "job", "step", "message"]);
  });

  it("honours --fail-on: findings below the threshold exit 0", async () => {
    const dir = await tempTree({ ".github/workflows/ci.yml": UNPINNED });
    expect((await runCli(["audit", "--fail-on", "critical"], dir)).code).toBe(0);
    expect((await runCli(["audit", "--fail-on", "high"], dir)).code).toBe(1);
  });

  it("reports unreadable files as parse-error findings and still audits the others", async () => {
    const dir = await tempTree({
      ".github/workflows/ci.yml": HARDENED,
      ".github/workflows/broken.yml": "on: push\njobs:\n  a: b: c\n",
      ".github/workflows/not-a-workflow.yml": "just: a mapping\n",
      ".github/workflows/binary.yml": new Uint8Array([0x6f, 0x6e, 0x3a, 0x00, 0x01, 0x02]),
      ".github/workflows/huge.yml": `on: push\njobs: {}\n#${"x".repeat(1024 * 1024)}\n`,
      ".github/workflows/bomb.yml": `on: push\na: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\njobs: {}\n`,
    });
    const run = await runCli(["audit", "--format", "json"], dir);
    const report = JSON.parse(run.stdout);
    expect(report.files).toBe(6);
    const errors = Object.fromEntries(report.findings.filter((f: { rule: string }) => f.rule === "parse-error").map((f: { file: string; line: number; message: string }) => [path.basename(f.file), f]));
    expect(Object.keys(errors).sort()).toEqual(["binary.yml", "bomb.yml", "broken.yml", "huge.yml", "not-a-workflow.yml"]);
    expect(errors["broken.yml"].line).toBe(3);
    expect(errors["binary.yml"].message).toMatch(/binary/);
    expect(errors["huge.yml"].message).toMatch(/limit/);
    expect(errors["bomb.yml"].message).toMatch(/alias/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("does not follow a symlink that leaves the scanned directory", async () => {
    const outside = await tempTree({ "secret.yml": UNPINNED });
    const dir = await tempTree({ ".github/workflows/ci.yml": HARDENED });
    await symlink(path.join(outside, "secret.yml"), path.join(dir, ".github/workflows/escape.yml"));
    const run = await runCli(["audit", ".", "--format", "text"], dir);
    expect(run.stdout).toMatch(/escape\.yml.*not followed/);
    expect(run.stdout).not.toMatch(/setup-thing/);
    expect(run.code).toBe(0);
  });

  it("exits 2 with one line naming the input for a missing path, a bad flag or a bad policy", async () => {
    const dir = await tempTree({ ".github/workflows/ci.yml": HARDENED, "bad-policy.yml": "rules:\n  unpinned-uses: sometimes\n" });
    const missing = await runCli(["audit", "nope/"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/nope\/: no such file or directory/);
    const flag = await runCli(["audit", "--format", "xml"], dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--format must be one of text, json, sarif, github/);
    const policy = await runCli(["audit", "--config", "bad-policy.yml"], dir);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toMatch(/bad-policy\.yml:2: rules\.unpinned-uses/);
  });

  it("applies the policy: rules off, severity changed, paths ignored, inline ignores", async () => {
    const dir = await tempTree({
      ".github/workflows/ci.yml": UNPINNED,
      ".github/workflows/legacy/old.yml": UNPINNED,
      ".github/workflows/inline.yml": UNPINNED.replace("some-org/setup-thing@v2", "some-org/setup-thing@v2 # peptide: ignore[unpinned-uses] vendored, reviewed"),
      ".github/peptide.yml": "rules:\n  unpinned-uses: low\nignore:\n  - .github/workflows/legacy/**\n",
    });
    const run = await runCli(["audit", ".github/workflows/ci.yml", ".github/workflows/inline.yml", ".github/workflows/legacy/old.yml", "--format", "json"], dir);
    const findings = JSON.parse(run.stdout).findings.filter((f: { rule: string }) => f.rule === "unpinned-uses");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ file: ".github/workflows/ci.yml", severity: "low" });
  });

  it("writes SARIF that names every rule with its docs", async () => {
    const dir = await tempTree({ ".github/workflows/ci.yml": UNPINNED });
    const run = await runCli(["audit", "--format", "sarif"], dir);
    const sarif = JSON.parse(run.stdout);
    const rules = sarif.runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toContain("unpinned-uses");
    const rule = rules.find((r: { id: string }) => r.id === "unpinned-uses");
    expect(rule.help.markdown).toMatch(/tj-actions/);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(".github/workflows/ci.yml");
  });

  it("leaves the files untouched without --fix", async () => {
    const dir = await tempTree({ ".github/workflows/ci.yml": UNPINNED });
    await runCli(["audit"], dir);
    expect(await readFile(path.join(dir, ".github/workflows/ci.yml"), "utf8")).toBe(UNPINNED);
  });
});
