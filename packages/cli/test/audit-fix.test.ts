import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeGitHubApi, type FakeGitHubApi } from "@peptide/testkit";
import { runCli, tempTree } from "./run-cli.js";

const TOKEN = "ghs_fixtesttoken000000000000000000000000";
const CHECKOUT_SHA = "11bd71901bbe5b1630ceea73d27597364c9af683";
const UPLOAD_SHA = "ea165f8d65b6e75b540449e92b4886f43607fa02";

const WORKFLOW = `# Release notes bot
name: notes
on:
  push:
    branches: [main]

jobs:
  build: # the only job
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4 # source
        with:
          persist-credentials: false
      - run: make dist
      - uses: "actions/upload-artifact@v4.6.2"
        with:
          path: dist/
`;

let api: FakeGitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("peptide audit --fix", () => {
  it("writes minimal permissions and SHA pins, keeping comments and quoting, and the file re-audits clean", async () => {
    api = await startFakeGitHubApi({
      token: TOKEN,
      repos: { "actions/checkout": { tags: { v4: CHECKOUT_SHA } }, "actions/upload-artifact": { tags: { "v4.6.2": { annotated: "a".repeat(40), commit: UPLOAD_SHA } } } },
      faults: [{ status: 503, times: 1 }],
    });
    const dir = await tempTree({ ".github/workflows/notes.yml": WORKFLOW });
    const run = await runCli(["audit", "--fix", "--format", "json"], dir, { GITHUB_API_URL: api.url, GITHUB_TOKEN: TOKEN });
    const fixed = await readFile(path.join(dir, ".github/workflows/notes.yml"), "utf8");

    expect(fixed).toContain(`uses: actions/checkout@${CHECKOUT_SHA} # v4 # source`);
    expect(fixed).toContain(`uses: "actions/upload-artifact@${UPLOAD_SHA}" # v4.6.2`);
    expect(fixed).toMatch(/^permissions: \{\}$/m);
    expect(fixed).toMatch(/ {2}build: # the only job\n {4}permissions:\n {6}contents: read\n/);
    expect(fixed.startsWith("# Release notes bot\n")).toBe(true);
    expect(JSON.parse(run.stdout).findings).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/fixed \.github\/workflows\/notes\.yml: permissions, 2 pin\(s\)/);

    const again = await runCli(["audit", "--fix"], dir, { GITHUB_API_URL: api.url, GITHUB_TOKEN: TOKEN });
    expect(again.code).toBe(0);
    expect(await readFile(path.join(dir, ".github/workflows/notes.yml"), "utf8")).toBe(fixed);
  });

  it("changes nothing and exits 2 naming GITHUB_TOKEN when the token is rejected, without printing it", async () => {
    api = await startFakeGitHubApi({ token: TOKEN, repos: { "actions/checkout": { tags: { v4: CHECKOUT_SHA } } } });
    const dir = await tempTree({ ".github/workflows/notes.yml": WORKFLOW });
    const expired = "ghs_expiredtoken00000000000000000000000";
    const run = await runCli(["audit", "--fix"], dir, { GITHUB_API_URL: api.url, GITHUB_TOKEN: expired });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/GITHUB_TOKEN/);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr + run.stdout).not.toContain(expired);
    expect(await readFile(path.join(dir, ".github/workflows/notes.yml"), "utf8")).toBe(WORKFLOW);
  });
});
