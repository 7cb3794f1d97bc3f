import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RULES, SourceFile, auditSource, buildWorkflow, fixPermissions, planPermissions, requiredPermissions } from "@peptide/workflow";

const here = path.dirname(fileURLToPath(import.meta.url));
const RULE_IDS = new Set(["missing-permissions", "excessive-permissions"]);
const rules = RULES.filter((r) => RULE_IDS.has(r.id));

function fix(text: string): string {
  const source = new SourceFile("w.yml", text);
  return fixPermissions(source, buildWorkflow(source));
}

/** Findings left on jobs whose steps are all classified, and on the top level. */
function remaining(text: string): string[] {
  const source = new SourceFile("w.yml", text);
  const workflow = buildWorkflow(source);
  const known = (id?: string) => {
    const jobs = id ? workflow.jobs.filter((j) => j.id === id) : workflow.jobs;
    return jobs.every((j) => requiredPermissions(j, workflow).unknown.length === 0);
  };
  return auditSource(source, "workflow", { rules })
    .findings.filter((f) => known(f.job))
    .map((f) => `${f.line}: ${f.message}`);
}

const lines = (...l: string[]) => `${l.join("\n")}\n`;

describe("fixPermissions", () => {
  it("adds permissions: {} before jobs: and each job's block after its key, keeping comments", () => {
    const before = lines(
      "name: ci",
      "on:",
      "  push:",
      "    branches: [main] # only main",
      "",
      "# the jobs",
      "jobs:",
      "  test:",
      "    # runs the tests",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
      "      - run: 'make test'",
      "  notify:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      '      - run: "echo done"',
    );
    const after = lines(
      "name: ci",
      "on:",
      "  push:",
      "    branches: [main] # only main",
      "",
      "permissions: {}",
      "",
      "# the jobs",
      "jobs:",
      "  test:",
      "    permissions:",
      "      contents: read",
      "    # runs the tests",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
      "      - run: 'make test'",
      "  notify:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      '      - run: "echo done"',
    );
    expect(fix(before)).toBe(after);
    expect(remaining(after)).toEqual([]);
  });

  it("without a blank line above jobs: inserts a single line", () => {
    expect(fix(lines("on: push", "jobs:", "  a:", "    runs-on: x", "    steps:", "      - run: echo"))).toBe(
      lines("on: push", "permissions: {}", "jobs:", "  a:", "    runs-on: x", "    steps:", "      - run: echo"),
    );
  });

  it("replaces write-all with {} and gives each job its own block", () => {
    const before = lines(
      "on: push",
      "permissions: write-all",
      "jobs:",
      "  build:",
      "    runs-on: x",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "  release:",
      "    runs-on: x",
      "    steps:",
      "      - uses: softprops/action-gh-release@v2",
    );
    const after = fix(before);
    expect(after).toBe(
      lines(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  build:",
        "    permissions:",
        "      contents: read",
        "    runs-on: x",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "  release:",
        "    permissions:",
        "      contents: write",
        "    runs-on: x",
        "    steps:",
        "      - uses: softprops/action-gh-release@v2",
      ),
    );
    expect(remaining(after)).toEqual([]);
  });

  it("narrows a top-level map in place when every job under it needs the same", () => {
    const before = lines(
      "on: push",
      "permissions:",
      "  contents: write # to push tags",
      "  packages: write",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      "      - uses: actions/checkout@v4",
    );
    const after = fix(before);
    expect(after).toBe(lines("on: push", "permissions:", "  contents: read # to push tags", "jobs:", "  a:", "    runs-on: x", "    steps:", "      - uses: actions/checkout@v4"));
    expect(remaining(after)).toEqual([]);
  });

  it("edits a job's own block scope by scope, keeping comments and quoting", () => {
    const before = lines(
      "on: push",
      "permissions: {}",
      "jobs:",
      "  a:",
      "    permissions: # for the release",
      '      contents: "write" # tags',
      "      # issues: write",
      "      id-token: write",
      "    runs-on: x",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "      - uses: actions/attest-build-provenance@v2",
    );
    const after = fix(before);
    expect(after).toBe(
      lines(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    permissions: # for the release",
        '      contents: "read" # tags',
        "      # issues: write",
        "      id-token: write",
        "      attestations: write",
        "    runs-on: x",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/attest-build-provenance@v2",
      ),
    );
    expect(remaining(after)).toEqual([]);
  });

  it("keeps CRLF line endings and a missing final newline", () => {
    const before = "on: push\r\njobs:\r\n  a:\r\n    runs-on: x\r\n    steps:\r\n      - uses: actions/checkout@v4";
    expect(fix(before)).toBe("on: push\r\npermissions: {}\r\njobs:\r\n  a:\r\n    permissions:\r\n      contents: read\r\n    runs-on: x\r\n    steps:\r\n      - uses: actions/checkout@v4");
  });

  it("follows the file's indentation", () => {
    const before = lines("on: push", "jobs:", "    a:", "        runs-on: x", "        steps:", "            - uses: actions/checkout@v4");
    expect(fix(before)).toBe(
      lines("on: push", "permissions: {}", "jobs:", "    a:", "        permissions:", "            contents: read", "        runs-on: x", "        steps:", "            - uses: actions/checkout@v4"),
    );
  });

  it("writes what is known for a job with unclassified steps, under a comment", () => {
    const before = lines("on: push", "jobs:", "  a:", "    runs-on: x", "    steps:", "      - uses: actions/checkout@v4", "      - uses: ./.github/actions/release");
    const after = fix(before);
    expect(after).toBe(
      lines(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    # peptide: could not classify `./.github/actions/release` (a local action, not read); add what they need",
        "    permissions:",
        "      contents: read",
        "    runs-on: x",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: ./.github/actions/release",
      ),
    );
    expect(fix(after)).toBe(after);
  });

  it("keeps what a person granted to a job with unclassified steps", () => {
    const ownBlock = lines("on: push", "permissions: {}", "jobs:", "  a:", "    permissions: write-all", "    runs-on: x", "    steps:", "      - uses: acme/mystery@v1");
    expect(fix(ownBlock)).toBe(ownBlock);
    const inherited = lines(
      "on: push",
      "permissions:",
      "  contents: write",
      "  issues: write",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      "      - uses: acme/mystery@v1",
      "  b:",
      "    runs-on: x",
      "    steps:",
      "      - run: echo",
    );
    expect(fix(inherited)).toBe(
      lines(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    # peptide: could not classify `acme/mystery` (not in the knowledge base); add what they need",
        "    permissions:",
        "      contents: write",
        "      issues: write",
        "    runs-on: x",
        "    steps:",
        "      - uses: acme/mystery@v1",
        "  b:",
        "    runs-on: x",
        "    steps:",
        "      - run: echo",
      ),
    );
  });

  it("leaves a job calling a workflow it cannot read on the default token, and adds no top-level block", () => {
    const before = lines("on: push", "jobs:", "  call:", "    uses: acme/wf/.github/workflows/x.yml@v1", "  a:", "    runs-on: x", "    steps:", "      - run: echo");
    const after = fix(before);
    expect(after).toBe(lines("on: push", "jobs:", "  call:", "    uses: acme/wf/.github/workflows/x.yml@v1", "  a:", "    permissions: {}", "    runs-on: x", "    steps:", "      - run: echo"));
    expect(planPermissions(buildWorkflow(new SourceFile("w.yml", after))).jobs).toEqual([]);
  });

  it("copies a top-level write-all to a called workflow it cannot read", () => {
    const before = lines("on: push", "permissions: write-all", "jobs:", "  call:", "    uses: acme/wf/.github/workflows/x.yml@v1");
    expect(fix(before)).toContain("  call:\n    # peptide: could not classify `acme/wf/.github/workflows/x.yml` (a called workflow; it decides what it needs); add what they need\n    permissions: write-all\n");
  });

  it("leaves a flow-style job alone", () => {
    const before = lines("on: push", "permissions: {}", "jobs:", "  a: {runs-on: x, permissions: write-all, steps: [{run: echo}]}");
    expect(fix(before)).toBe(before);
  });

  it("changes nothing in a workflow that is already scoped", () => {
    const scoped = lines("on: push", "permissions: {}", "jobs:", "  a:", "    permissions:", "      contents: read", "    runs-on: x", "    steps:", "      - uses: actions/checkout@v4");
    expect(fix(scoped)).toBe(scoped);
  });
});

describe("fixPermissions on every fixture of both rules", () => {
  const files = ["missing-permissions", "excessive-permissions"].flatMap((id) =>
    readdirSync(path.join(here, "../fixtures", id))
      .filter((f) => f.endsWith(".yml"))
      .map((f) => path.join(here, "../fixtures", id, f)),
  );
  it.each(files.map((f) => [path.relative(path.join(here, "../fixtures"), f), f]))("%s: parses, re-audits clean, idempotent", (_name, file) => {
    const once = fix(readFileSync(file, "utf8"));
    expect(new SourceFile("w.yml", once).doc.errors).toEqual([]);
    expect(remaining(once)).toEqual([]);
    expect(fix(once)).toBe(once);
  });
});

describe("the rule docs' Before/After examples", () => {
  it.each(["missing-permissions", "excessive-permissions"])("%s: --fix turns Before into After", (id) => {
    const doc = readFileSync(path.join(here, "../../../../docs/rules", `${id}.md`), "utf8");
    const block = (heading: string) => new RegExp(`## ${heading}\\n\\n\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(doc)?.[1] ?? "";
    const before = block("Before");
    const after = block("After");
    const wrap = (text: string) => (text.startsWith("on:") ? text : `on: push\n${text}`);
    expect(fix(wrap(before))).toBe(wrap(after));
  });
});
