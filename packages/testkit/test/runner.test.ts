import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SHA, MERGE_SHA, TEST_GITHUB_TOKEN, nodeRuntimeFor, pullRequestEvent, releaseEvent, runAction } from "@peptide/testkit";

/**
 * A throwaway action, no dependencies: it writes its outputs, summary, env, path and state the
 * way @actions/core does and prints workflow commands, so each part of runAction is observable.
 */
const ACTION_YML = `name: probe
description: writes every kind of runner file command
inputs:
  dry-run:
    description: hyphenated, as most inputs are
    default: true
  token:
    description: defaults to the job token
    default: \${{ github.token }}
  sub path:
    description: a name with a space
    default: sub-\${{ github.sha }}
  exit-code:
    description: what to exit with
    default: "0"
  no-default:
    description: absent unless given
outputs:
  version:
    description: node version
runs:
  using: node24
  main: dist/index.js
`;

const INDEX_JS = `
const fs = require("node:fs");
const { randomUUID } = require("node:crypto");
const EOL = "\\n";
function fileCommand(variable, name, value) {
  const delimiter = "ghadelimiter_" + randomUUID();
  fs.appendFileSync(process.env[variable], name + "<<" + delimiter + EOL + value + EOL + delimiter + EOL);
}
const event = JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH, "utf8"));
const inputs = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("INPUT_")));
fileCommand("GITHUB_OUTPUT", "inputs", JSON.stringify(inputs));
fileCommand("GITHUB_OUTPUT", "version", process.version);
fileCommand("GITHUB_OUTPUT", "multi", "line one" + EOL + "line two");
fs.appendFileSync(process.env.GITHUB_OUTPUT, "plain=a=b" + EOL);
fileCommand("GITHUB_OUTPUT", "cwd", process.cwd());
fileCommand("GITHUB_OUTPUT", "vars", JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(GITHUB|RUNNER)_|^CI$/.test(k)))));
fileCommand("GITHUB_OUTPUT", "event-repo", event.repository.full_name);
fileCommand("GITHUB_ENV", "FROM_ACTION", "yes");
fs.appendFileSync(process.env.GITHUB_PATH, "/opt/probe/bin" + EOL);
fileCommand("GITHUB_STATE", "started", "1");
fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, "## Probe" + EOL + EOL + "| a | b |" + EOL);
console.log("::add-mask::" + process.env.INPUT_TOKEN);
console.log("::error file=src/a.ts,line=3,col=5,endColumn=9,title=Bad%2C really%3A bad::first%0Asecond 100%25");
console.log("::warning::just a warning");
console.log("  ::notice file=b.yml::indented notice");
console.log("::debug::debug detail");
console.log("::stop-commands::pause123");
console.log("::error::not a command while stopped");
console.log("::pause123::");
console.log("plain log line");
process.exitCode = Number(process.env["INPUT_EXIT-CODE"]);
`;

let actionDir: string;
beforeAll(async () => {
  actionDir = await mkdtemp(path.join(os.tmpdir(), "testkit-action-"));
  await mkdir(path.join(actionDir, "dist"));
  await writeFile(path.join(actionDir, "action.yml"), ACTION_YML);
  await writeFile(path.join(actionDir, "dist/index.js"), INDEX_JS);
  await writeFile(path.join(actionDir, "package.json"), JSON.stringify({ type: "commonjs" }));
});
afterAll(async () => rm(actionDir, { recursive: true, force: true }));

describe("runAction", () => {
  it("sets inputs as the runner spells them, applying action.yml defaults", async () => {
    const run = await runAction({ actionDir, inputs: { "exit-code": 0, "no-default": "given" } });
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs.inputs!)).toEqual({
      "INPUT_DRY-RUN": "true",
      INPUT_TOKEN: TEST_GITHUB_TOKEN,
      INPUT_SUB_PATH: `sub-${DEFAULT_SHA}`,
      "INPUT_EXIT-CODE": "0",
      "INPUT_NO-DEFAULT": "given",
    });
  });

  it("leaves an input without default and value unset", async () => {
    const run = await runAction({ actionDir });
    expect(Object.keys(JSON.parse(run.outputs.inputs!) as object)).not.toContain("INPUT_NO-DEFAULT");
  });

  it("refuses an input action.yml does not declare", async () => {
    await expect(runAction({ actionDir, inputs: { dryrun: true } })).rejects.toThrow(/unexpected input\(s\) 'dryrun'/);
  });

  it("runs under the Node major runs.using declares", async () => {
    const run = await runAction({ actionDir });
    const expected = nodeRuntimeFor("node24");
    expect(run.outputs.version).toBe(expected.version);
    if (!expected.warning) expect(run.outputs.version).toMatch(/^v24\./);
  });

  it("parses outputs, summary, env, path and state", async () => {
    const run = await runAction({ actionDir });
    expect(run.outputs).toMatchObject({ multi: "line one\nline two", plain: "a=b", "event-repo": "peptide-dev/payments" });
    expect(run.summary).toBe("## Probe\n\n| a | b |\n");
    expect(run.env).toEqual({ FROM_ACTION: "yes" });
    expect(run.path).toEqual(["/opt/probe/bin"]);
    expect(run.state).toEqual({ started: "1" });
  });

  it("parses annotations, unescaped, and ignores commands while stopped", async () => {
    const run = await runAction({ actionDir });
    expect(run.annotations).toEqual([
      { level: "error", message: "first\nsecond 100%", file: "src/a.ts", line: 3, col: 5, endColumn: 9, title: "Bad, really: bad" },
      { level: "warning", message: "just a warning" },
      { level: "notice", message: "indented notice", file: "b.yml" },
      { level: "debug", message: "debug detail" },
    ]);
    expect(run.masks).toEqual([TEST_GITHUB_TOKEN]);
    expect(run.stdout).toContain("plain log line");
  });

  it("sets the default variables, in the workspace, for a push", async () => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), "testkit-ws-"));
    const run = await runAction({ actionDir, workspace, env: { GITHUB_RUN_ID: "1234" } });
    const vars = JSON.parse(run.outputs.vars!) as Record<string, string>;
    expect(run.outputs.cwd).toBe(workspace);
    expect(vars).toMatchObject({
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: "peptide-dev/payments",
      GITHUB_REPOSITORY_OWNER: "peptide-dev",
      GITHUB_EVENT_NAME: "push",
      GITHUB_REF: "refs/heads/main",
      GITHUB_REF_NAME: "main",
      GITHUB_REF_TYPE: "branch",
      GITHUB_SHA: DEFAULT_SHA,
      GITHUB_RUN_ID: "1234",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: "https://api.github.com",
      RUNNER_OS: "Linux",
    });
    for (const key of ["GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH", "RUNNER_TEMP"]) {
      expect(vars[key], key).toMatch(/peptide-run-/);
    }
    expect(vars.GITHUB_TOKEN).toBeUndefined();
    await rm(workspace, { recursive: true, force: true });
  });

  it("derives GITHUB_REF and GITHUB_SHA from a pull_request event", async () => {
    const run = await runAction({ actionDir, eventName: "pull_request", event: pullRequestEvent({ number: 7, repository: "acme/pay" }) });
    const vars = JSON.parse(run.outputs.vars!) as Record<string, string>;
    expect(vars).toMatchObject({
      GITHUB_REPOSITORY: "acme/pay",
      GITHUB_REF: "refs/pull/7/merge",
      GITHUB_REF_NAME: "7/merge",
      GITHUB_SHA: MERGE_SHA,
      GITHUB_HEAD_REF: "feature/batch-limits",
      GITHUB_BASE_REF: "main",
    });
  });

  it("uses a sample payload for the event name and tags for a release", async () => {
    const run = await runAction({ actionDir, eventName: "release", event: releaseEvent({ tag: "v2.0.0" }) });
    const vars = JSON.parse(run.outputs.vars!) as Record<string, string>;
    expect(vars).toMatchObject({ GITHUB_REF: "refs/tags/v2.0.0", GITHUB_REF_NAME: "v2.0.0", GITHUB_REF_TYPE: "tag" });
  });

  it("reports the exit code and keeps the temp folder when asked", async () => {
    const run = await runAction({ actionDir, inputs: { "exit-code": 3 }, keepTemp: true });
    expect(run.exitCode).toBe(3);
    expect(run.tempDir).toBeDefined();
    expect(await readFile(path.join(run.tempDir!, "_temp/_github_workflow/event.json"), "utf8")).toContain('"after"');
    await rm(run.tempDir!, { recursive: true, force: true });
  });

  it("kills an action that outlives the timeout", async () => {
    const hang = await mkdtemp(path.join(os.tmpdir(), "testkit-hang-"));
    await mkdir(path.join(hang, "dist"));
    await writeFile(path.join(hang, "action.yml"), "name: hang\nruns:\n  using: node20\n  main: dist/index.js\n");
    await writeFile(path.join(hang, "dist/index.js"), "setInterval(() => {}, 1000);\n");
    const run = await runAction({ actionDir: hang, timeoutMs: 300 });
    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBeNull();
    await rm(hang, { recursive: true, force: true });
  });
});
