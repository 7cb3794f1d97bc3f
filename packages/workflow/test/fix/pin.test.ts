import { afterEach, describe, expect, it } from "vitest";
import { startFakeGitHubApi, type FakeGitHubApi } from "@peptide/testkit";
import { SourceFile, applyPins, auditSource, buildAction, buildWorkflow, collectPins, planPins, resolvePins, type ResolvedPin } from "@peptide/workflow";
import { unpinnedUses } from "../../src/rules/unpinned-uses.js";

const CHECKOUT = "11bd71901bbe5b1630ceea73d27597364c9af683";
const CHECKOUT_TAG_OBJECT = "a5ac7e51b41094c92402da3b24376905380afc29";
const SETUP_NODE = "49933ea5288caeca8642d1e84afbd3f7d6820020";
const BUILD_PUSH = "263435318d21b8e681c14492fe198d362a7d2c83";
const CODEQL = "1b168cd39490f61582a9beae412bb7057a6b2c4e";
const DEPLOY = "0123456789abcdef0123456789abcdef01234567";
const TOKEN = "ghs_ValidInstallationToken0000000000";
const EXPIRED = "ghs_ExpiredInstallationToken1111111111";
const fast = { baseDelayMs: 1, maxDelayMs: 50, timeoutMs: 2000 };

const WORKFLOW = `name: release
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/checkout@${CHECKOUT} # v4.2.2
      - uses: Actions/Checkout@v4
      - uses: actions/setup-node@v4.1.0
      - uses: docker/build-push-action@master
      - uses: github/codeql-action/init@v3
      - uses: ./.github/actions/local
      - uses: docker://alpine:3.20
      - uses: some-org/no-ref
      - run: |
          cat > copy.yml <<EOF
          - uses: actions/checkout@v4
          EOF
  call:
    uses: octo-org/workflows/.github/workflows/deploy.yml@v1
  provenance:
    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0
`;

const fakeRepos = {
  "actions/checkout": { tags: { v4: CHECKOUT, "v4.2.2": { annotated: CHECKOUT_TAG_OBJECT, commit: CHECKOUT } } },
  "actions/setup-node": { tags: { "v4.1.0": { annotated: "5e21ff4d9bc1a8cf6de233a3057d20ec6b3fb69d", commit: SETUP_NODE } } },
  "docker/build-push-action": { branches: { master: BUILD_PUSH } },
  "github/codeql-action": { tags: { v3: CODEQL } },
  "octo-org/workflows": { tags: { v1: DEPLOY }, private: true },
};

let api: FakeGitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function workflowTarget(text: string, name = "release.yml") {
  return buildWorkflow(new SourceFile(name, text));
}

describe("collectPins", () => {
  it("collects each unpinned (owner/repo, ref) once, across files and case", () => {
    const action = buildAction(new SourceFile("action.yml", "runs:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n    - uses: actions/cache@v4\n"));
    expect(collectPins([workflowTarget(WORKFLOW), action])).toEqual([
      { action: "actions/checkout", ref: "v4" },
      { action: "actions/setup-node", ref: "v4.1.0" },
      { action: "docker/build-push-action", ref: "master" },
      { action: "github/codeql-action", ref: "v3" },
      { action: "octo-org/workflows", ref: "v1" },
      { action: "actions/cache", ref: "v4" },
    ]);
  });

  it("leaves alone SHA pins, local and docker actions, refless uses and tag-only actions (slsa-github-generator)", () => {
    const pins = collectPins([workflowTarget(WORKFLOW)]);
    expect(pins.map((p) => p.action)).not.toContain("slsa-framework/slsa-github-generator");
    expect(pins.map((p) => p.action)).not.toContain("some-org/no-ref");
  });
});

describe("resolvePins", () => {
  const pairs = [
    { action: "actions/checkout", ref: "v4" },
    { action: "actions/checkout", ref: "v4.2.2" },
    { action: "docker/build-push-action", ref: "master" },
    { action: "actions/setup-node", ref: "4933ea5" },
  ];

  it("resolves lightweight and annotated tags, branches and short SHAs", async () => {
    api = await startFakeGitHubApi({ repos: { ...fakeRepos, "actions/setup-node": { ...fakeRepos["actions/setup-node"], commits: ["4933ea5288caeca8642d1e84afbd3f7d68200201"] } }, token: TOKEN });
    const result = await resolvePins(pairs, { apiUrl: api.url, token: TOKEN, retry: fast });
    expect(result.errors).toEqual([]);
    expect(result.fatal).toBeUndefined();
    expect(sortPins(result.resolved)).toEqual(
      sortPins([
        { action: "actions/checkout", ref: "v4", sha: CHECKOUT, kind: "tag" },
        { action: "actions/checkout", ref: "v4.2.2", sha: CHECKOUT, kind: "annotated-tag" },
        { action: "docker/build-push-action", ref: "master", sha: BUILD_PUSH, kind: "branch" },
        { action: "actions/setup-node", ref: "4933ea5", sha: "4933ea5288caeca8642d1e84afbd3f7d68200201", kind: "commit" },
      ]),
    );
    expect(api.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(api.requests.some((r) => r.path === `/repos/actions/checkout/git/tags/${CHECKOUT_TAG_OBJECT}`)).toBe(true);
  });

  it("retries a 429 (Retry-After) and 5xx, then succeeds", async () => {
    api = await startFakeGitHubApi({
      repos: fakeRepos,
      faults: [
        { path: "/repos/actions/checkout/git/ref/tags/v4", status: 429, times: 1, retryAfter: 0 },
        { path: "/repos/github/codeql-action/", status: 502, times: 2 },
      ],
    });
    const result = await resolvePins(
      [
        { action: "actions/checkout", ref: "v4" },
        { action: "github/codeql-action", ref: "v3" },
      ],
      { apiUrl: api.url, retry: fast },
    );
    expect(result.errors).toEqual([]);
    expect(sortPins(result.resolved).map((r) => r.sha)).toEqual([CHECKOUT, CODEQL]);
    const checkout = api.requests.filter((r) => r.path.includes("actions/checkout")).map((r) => r.status);
    expect(checkout).toEqual([429, 200]);
    expect(api.requests.filter((r) => r.path.includes("codeql")).map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it("reports a tag that does not exist without losing the others", async () => {
    api = await startFakeGitHubApi({ repos: fakeRepos });
    const result = await resolvePins(
      [
        { action: "actions/checkout", ref: "v99" },
        { action: "actions/checkout", ref: "v4" },
        { action: "nobody/nothing", ref: "v1" },
      ],
      { apiUrl: api.url, retry: fast },
    );
    expect(result.resolved).toEqual([{ action: "actions/checkout", ref: "v4", sha: CHECKOUT, kind: "tag" }]);
    expect(result.errors).toEqual([
      { action: "actions/checkout", ref: "v99", code: "NOT_FOUND", message: expect.stringContaining('actions/checkout@v99: no tag or branch "v99" in actions/checkout') },
      { action: "nobody/nothing", ref: "v1", code: "NOT_FOUND", message: expect.stringContaining("nobody/nothing@v1: no tag or branch") },
    ]);
    expect(result.fatal).toBeUndefined();
  });

  it("keeps a persistent 500 on one repository to that repository", async () => {
    api = await startFakeGitHubApi({ repos: fakeRepos, faults: [{ path: "/repos/github/", status: 500, times: 100 }] });
    const result = await resolvePins(
      [
        { action: "github/codeql-action", ref: "v3" },
        { action: "actions/checkout", ref: "v4" },
      ],
      { apiUrl: api.url, retry: { ...fast, retries: 2 } },
    );
    expect(result.resolved.map((r) => r.action)).toEqual(["actions/checkout"]);
    expect(result.errors).toEqual([expect.objectContaining({ action: "github/codeql-action", code: "HTTP_ERROR", message: expect.stringContaining("500 Server Error after 3 attempts") })]);
  });

  it("stops on an expired token with a clear, exit-worthy error that never shows the token", async () => {
    api = await startFakeGitHubApi({ repos: fakeRepos, token: TOKEN });
    const many = [...pairs, { action: "github/codeql-action", ref: "v3" }, { action: "octo-org/workflows", ref: "v1" }];
    const result = await resolvePins(many, { apiUrl: api.url, token: EXPIRED, tokenEnv: "GH_TOKEN", concurrency: 2, retry: fast });
    expect(result.resolved).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.fatal?.code).toBe("AUTH_FAILED");
    expect(result.fatal?.message).toMatch(/401 Bad credentials; the token was rejected \(expired, revoked or mistyped\); set GH_TOKEN to a valid token/);
    expect(result.untried).toHaveLength(many.length);
    // Only the lookups already in flight were sent: no hammering with a bad token.
    expect(api.requests.length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(result)).not.toContain(EXPIRED);
    expect(String(result.fatal?.stack)).not.toContain(EXPIRED);
  });

  it("asks for a token when a private repository is looked up anonymously", async () => {
    api = await startFakeGitHubApi({ repos: fakeRepos, token: TOKEN });
    const result = await resolvePins([{ action: "octo-org/workflows", ref: "v1" }], { apiUrl: api.url, retry: fast });
    expect(result.errors[0]?.message).toContain("or the token cannot read it");
  });

  it("stops when the API is unreachable", async () => {
    const closed = await startFakeGitHubApi({ repos: fakeRepos });
    await closed.close();
    const result = await resolvePins(pairs, { apiUrl: closed.url, retry: { ...fast, retries: 1 } });
    expect(result.fatal?.code).toBe("NETWORK_UNREACHABLE");
    expect(result.resolved).toEqual([]);
  });

  it("keeps at most `concurrency` lookups in flight", async () => {
    api = await startFakeGitHubApi({ repos: fakeRepos });
    let inFlight = 0;
    let peak = 0;
    const counting: typeof fetch = async (input, init) => {
      peak = Math.max(peak, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 5));
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const lots = Array.from({ length: 8 }, (_, i) => ({ action: "actions/checkout", ref: i % 2 ? "v4" : "v4.2.2" }));
    const result = await resolvePins(lots, { apiUrl: api.url, fetch: counting, concurrency: 3, retry: fast });
    expect(result.resolved).toHaveLength(8);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});

describe("applyPins", () => {
  const resolved: ResolvedPin[] = [
    { action: "actions/checkout", ref: "v4", sha: CHECKOUT, kind: "tag" },
    { action: "actions/setup-node", ref: "v4.1.0", sha: SETUP_NODE, kind: "annotated-tag" },
    { action: "github/codeql-action", ref: "v3", sha: CODEQL, kind: "tag" },
    { action: "octo-org/workflows", ref: "v1", sha: DEPLOY, kind: "tag" },
  ];

  it("pins each resolved uses: line and nothing else", () => {
    const out = applyPins(WORKFLOW, resolved);
    const lines = out.split("\n");
    expect(lines[7]).toBe(`      - uses: actions/checkout@${CHECKOUT} # v4`);
    expect(lines[8]).toBe(`      - uses: actions/checkout@${CHECKOUT} # v4.2.2`);
    expect(lines[9]).toBe(`      - uses: Actions/Checkout@${CHECKOUT} # v4`);
    expect(lines[10]).toBe(`      - uses: actions/setup-node@${SETUP_NODE} # v4.1.0`);
    expect(lines[11]).toBe("      - uses: docker/build-push-action@master");
    expect(lines[12]).toBe(`      - uses: github/codeql-action/init@${CODEQL} # v3`);
    expect(lines[18]).toBe("          - uses: actions/checkout@v4");
    expect(lines[21]).toBe(`    uses: octo-org/workflows/.github/workflows/deploy.yml@${DEPLOY} # v1`);
    const changed = lines.filter((line, i) => line !== WORKFLOW.split("\n")[i]);
    expect(changed).toHaveLength(5);
  });

  it("is idempotent", () => {
    const once = applyPins(WORKFLOW, resolved);
    expect(applyPins(once, resolved)).toBe(once);
  });

  it("keeps quotes, indentation and an existing comment after the tag comment", () => {
    const text = [
      "jobs:",
      "  a:",
      "    steps:",
      `      - uses: "actions/checkout@v4"`,
      `      - uses: 'actions/checkout@v4'   # keep me`,
      `      -   name: odd indent`,
      `          uses: actions/checkout@v4 #tight`,
      `      - uses: actions/checkout@v4 # v4`,
      `      - uses: actions/checkout@v4 # peptide: ignore[other-rule] reason`,
      "",
    ].join("\n");
    expect(applyPins(`on: push\n${text}`, resolved).split("\n").slice(4, 10)).toEqual([
      `      - uses: "actions/checkout@${CHECKOUT}" # v4`,
      `      - uses: 'actions/checkout@${CHECKOUT}'   # v4 # keep me`,
      `      -   name: odd indent`,
      `          uses: actions/checkout@${CHECKOUT} # v4 # tight`,
      `      - uses: actions/checkout@${CHECKOUT} # v4`,
      `      - uses: actions/checkout@${CHECKOUT} # v4 # peptide: ignore[other-rule] reason`,
    ]);
  });

  it("preserves CRLF line endings", () => {
    const crlf = WORKFLOW.replace(/\n/g, "\r\n");
    const out = applyPins(crlf, resolved);
    expect(out).toContain(`      - uses: actions/checkout@${CHECKOUT} # v4\r\n`);
    expect(out.replace(/\r\n/g, "")).not.toContain("\n");
    expect(out.split("\r\n")).toHaveLength(crlf.split("\r\n").length);
  });

  it("pins composite actions' steps", () => {
    const text = "name: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n      with: { fetch-depth: 0 }\n";
    expect(applyPins(text, resolved)).toBe(`name: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/checkout@${CHECKOUT} # v4\n      with: { fetch-depth: 0 }\n`);
  });

  it("skips what it cannot edit safely, and edits only the given lines", () => {
    const text = "on: push\njobs:\n  a:\n    steps:\n      - { uses: actions/checkout@v4, name: flow }\n      - uses: actions/checkout@v4\n      - uses: actions/checkout@v4\n";
    const plan = planPins(text, resolved, { lines: new Set([5, 6]) });
    expect(plan.skipped).toEqual([{ line: 5, reason: expect.stringContaining("flow mapping") }]);
    expect(plan.edits).toEqual([{ line: 6, action: "actions/checkout", ref: "v4", sha: CHECKOUT }]);
    expect(plan.text.split("\n").slice(4, 7)).toEqual(["      - { uses: actions/checkout@v4, name: flow }", `      - uses: actions/checkout@${CHECKOUT} # v4`, "      - uses: actions/checkout@v4"]);
  });

  it("leaves a file that is not valid YAML untouched", () => {
    const broken = "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n     bad: [\n";
    expect(applyPins(broken, resolved)).toBe(broken);
  });
});

describe("audit --fix, end to end against the fake API", () => {
  it("leaves no unpinned-uses finding for what it could resolve", async () => {
    api = await startFakeGitHubApi({ repos: fakeRepos, token: TOKEN, faults: [{ status: 429, times: 1, retryAfter: 0 }] });
    const source = new SourceFile("release.yml", WORKFLOW);
    const before = auditSource(source, "workflow", { rules: [unpinnedUses] });
    const pins = collectPins([before.target!]);
    const result = await resolvePins(pins, { apiUrl: api.url, token: TOKEN, retry: fast });
    expect(result.errors).toEqual([]);
    const fixed = applyPins(WORKFLOW, result.resolved);
    const after = auditSource(new SourceFile("release.yml", fixed), "workflow", { rules: [unpinnedUses] });
    expect(after.findings.map((f) => f.line)).toEqual([16]); // refless uses; the slsa generator (tag only) is not a finding
    expect(before.findings.length - after.findings.length).toBe(6);
  });
});

function sortPins<T extends { action: string; ref: string }>(pins: T[]): T[] {
  return [...pins].sort((a, b) => `${a.action}@${a.ref}`.localeCompare(`${b.action}@${b.ref}`));
}
