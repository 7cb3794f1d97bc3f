import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { evaluateDefault, inputEnvName, readActionManifest, type ActionManifest } from "./action-manifest.js";
import { MERGE_SHA, pullRequestEvent } from "./events/pull-request.js";
import { API_URL, DEFAULT_ACTOR, DEFAULT_REPOSITORY, DEFAULT_SHA, SERVER_URL, type Payload } from "./events/repository.js";
import { sampleEvent } from "./events/index.js";
import { parseFileCommands, parsePathFile } from "./file-commands.js";
import { nodeRuntimeFor, type NodeRuntime } from "./node-runtime.js";
import { parseWorkflowCommands, type Annotation } from "./workflow-commands.js";

/**
 * Runs an action's built `dist/index.js` the way the GitHub runner runs a JavaScript action:
 * inputs as `INPUT_<NAME>` with action.yml defaults applied, the default environment variables,
 * file commands in a temp dir, the event payload on disk, the Node major `runs.using` declares.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/variables#default-environment-variables
 */

/** The `github.token` actions see by default (`${{ github.token }}` in input defaults). */
export const TEST_GITHUB_TOKEN = "ghs_testkit0000000000000000000000000000";

export interface RunActionOptions {
  /** Folder holding `action.yml`. */
  actionDir: string;
  /** The step's `with:`; names as in action.yml. */
  inputs?: Record<string, string | number | boolean>;
  /** Extra variables, applied last; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** Webhook payload; a realistic sample for `eventName` when omitted. */
  event?: Payload;
  /** Default `push`. */
  eventName?: string;
  /** GITHUB_WORKSPACE and the working directory; a fresh empty folder when omitted. */
  workspace?: string;
  /** Path of a Node binary, overriding the one `runs.using` selects. */
  node?: string;
  /** `github.token`; default TEST_GITHUB_TOKEN. */
  token?: string;
  /** Kill the action after this long. Default 60 s. */
  timeoutMs?: number;
  /** Keep the temp folder (RUNNER_TEMP, file commands) and return its path. */
  keepTemp?: boolean;
}

export interface ActionRun {
  /** Process exit code; null when killed (see `timedOut`). */
  exitCode: number | null;
  timedOut: boolean;
  /** GITHUB_OUTPUT, parsed. */
  outputs: Record<string, string>;
  /** GITHUB_STEP_SUMMARY as written. */
  summary: string;
  /** GITHUB_ENV, parsed. */
  env: Record<string, string>;
  /** GITHUB_PATH entries. */
  path: string[];
  /** GITHUB_STATE, parsed (what a post step would get as STATE_*). */
  state: Record<string, string>;
  /** `::error`/`::warning`/`::notice`/`::debug` lines of stdout, unescaped. */
  annotations: Annotation[];
  /** Values passed to `::add-mask::`. */
  masks: string[];
  stdout: string;
  stderr: string;
  node: NodeRuntime;
  /** The variables the action was started with. */
  startEnv: Record<string, string>;
  /** Only with `keepTemp`. */
  tempDir?: string;
}

/** Variables taken from this process; everything else is set from scratch, as on a fresh runner. */
const PASS_THROUGH = ["PATH", "HOME", "TMPDIR", "TMP", "TEMP", "LANG", "LC_ALL", "TZ", "SYSTEMROOT", "USERPROFILE"];

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const actionDir = path.resolve(options.actionDir);
  const manifest = await readActionManifest(actionDir);
  const node = nodeRuntimeFor(manifest.using, options.node);
  const temp = await mkdtemp(path.join(os.tmpdir(), "peptide-run-"));
  try {
    const layout = await prepareLayout(temp, options.workspace);
    const eventName = options.eventName ?? "push";
    const event = options.event ?? sampleEvent(eventName);
    await writeFile(layout.eventPath, JSON.stringify(event, null, 2));
    const github = githubContext(eventName, event, layout, options.token ?? TEST_GITHUB_TOKEN, actionDir);
    const runner = { os: "Linux", arch: "X64", name: "GitHub Actions 1", temp: layout.runnerTemp, tool_cache: layout.toolCache, environment: "github-hosted" };
    const env = {
      ...baseEnv(),
      ...defaultVariables(github, runner, layout),
      ...inputVariables(manifest, options.inputs ?? {}, { github, runner }),
    };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    const main = path.resolve(actionDir, manifest.main);
    const child = await spawnAction(node.path, main, layout.workspace, env, options.timeoutMs ?? 60_000);
    const commands = parseWorkflowCommands(child.stdout);
    return {
      exitCode: child.exitCode,
      timedOut: child.timedOut,
      outputs: await readKeyValues(layout.files.output, "GITHUB_OUTPUT"),
      summary: await readFile(layout.files.summary, "utf8"),
      env: await readKeyValues(layout.files.env, "GITHUB_ENV"),
      path: parsePathFile(await readFile(layout.files.path, "utf8")),
      state: await readKeyValues(layout.files.state, "GITHUB_STATE"),
      annotations: commands.annotations,
      masks: commands.masks,
      stdout: child.stdout,
      stderr: child.stderr,
      node,
      startEnv: env,
      tempDir: options.keepTemp ? temp : undefined,
    };
  } finally {
    if (!options.keepTemp) await rm(temp, { recursive: true, force: true });
  }
}

interface Layout {
  workspace: string;
  runnerTemp: string;
  toolCache: string;
  eventPath: string;
  files: { output: string; env: string; path: string; state: string; summary: string };
}

/** Mirrors the runner's `_temp` folder: `_runner_file_commands/<command>_<uuid>` and `_github_workflow/event.json`. */
async function prepareLayout(temp: string, workspace: string | undefined): Promise<Layout> {
  const runnerTemp = path.join(temp, "_temp");
  const commands = path.join(runnerTemp, "_runner_file_commands");
  const workflowDir = path.join(runnerTemp, "_github_workflow");
  const toolCache = path.join(temp, "_tool");
  const ws = workspace === undefined ? path.join(temp, "workspace") : path.resolve(workspace);
  await Promise.all([commands, workflowDir, toolCache, ws].map((dir) => mkdir(dir, { recursive: true })));
  const id = randomUUID();
  const files = {
    output: path.join(commands, `set_output_${id}`),
    env: path.join(commands, `set_env_${id}`),
    path: path.join(commands, `add_path_${id}`),
    state: path.join(commands, `save_state_${id}`),
    summary: path.join(commands, `step_summary_${id}`),
  };
  await Promise.all(Object.values(files).map((f) => writeFile(f, "")));
  return { workspace: ws, runnerTemp, toolCache, eventPath: path.join(workflowDir, "event.json"), files };
}

type GitHubContext = Record<string, unknown> & { event: Payload };

/** The `github` context for an event, with GITHUB_REF/GITHUB_SHA chosen per event as documented. */
function githubContext(eventName: string, event: Payload, layout: Layout, token: string, actionDir: string): GitHubContext {
  const repository = stringAt(event, "repository", "full_name") ?? DEFAULT_REPOSITORY;
  const { ref, sha, headRef, baseRef } = refAndSha(eventName, event);
  const refType = ref.startsWith("refs/tags/") ? "tag" : "branch";
  const actor = stringAt(event, "sender", "login") ?? DEFAULT_ACTOR;
  return {
    event,
    event_name: eventName,
    event_path: layout.eventPath,
    repository,
    repository_id: String(numberAt(event, "repository", "id") ?? 708010203),
    repository_owner: repository.split("/")[0] ?? "",
    repository_owner_id: String(numberAt(event, "repository", "owner", "id") ?? 148100000),
    ref,
    ref_name: ref.replace(/^refs\/(heads|tags)\//, "").replace(/^refs\/pull\//, ""),
    ref_type: refType,
    ref_protected: "false",
    sha,
    head_ref: headRef,
    base_ref: baseRef,
    actor,
    actor_id: "583231",
    triggering_actor: actor,
    workflow: "release",
    workflow_ref: `${repository}/.github/workflows/release.yml@${ref}`,
    workflow_sha: sha,
    job: "build",
    run_id: "9876543210",
    run_number: "17",
    run_attempt: "1",
    retention_days: "90",
    server_url: SERVER_URL,
    api_url: API_URL,
    graphql_url: `${API_URL}/graphql`,
    workspace: layout.workspace,
    action: "__self",
    action_path: actionDir,
    token,
  };
}

function refAndSha(eventName: string, event: Payload): { ref: string; sha: string; headRef: string; baseRef: string } {
  const pr = (event.pull_request ?? pullRequestEvent().pull_request) as Payload;
  switch (eventName) {
    case "push":
      return { ref: stringAt(event, "ref") ?? "refs/heads/main", sha: stringAt(event, "after") ?? DEFAULT_SHA, headRef: "", baseRef: "" };
    case "pull_request":
    case "pull_request_review":
    case "pull_request_review_comment":
      return {
        ref: `refs/pull/${String(numberAt(pr, "number") ?? 42)}/merge`,
        sha: stringAt(pr, "merge_commit_sha") ?? MERGE_SHA,
        headRef: stringAt(pr, "head", "ref") ?? "",
        baseRef: stringAt(pr, "base", "ref") ?? "",
      };
    case "pull_request_target":
      return {
        ref: `refs/heads/${stringAt(pr, "base", "ref") ?? "main"}`,
        sha: stringAt(pr, "base", "sha") ?? DEFAULT_SHA,
        headRef: stringAt(pr, "head", "ref") ?? "",
        baseRef: stringAt(pr, "base", "ref") ?? "",
      };
    case "release":
      return { ref: `refs/tags/${stringAt(event, "release", "tag_name") ?? "v1.0.0"}`, sha: DEFAULT_SHA, headRef: "", baseRef: "" };
    default:
      return { ref: stringAt(event, "ref") ?? "refs/heads/main", sha: DEFAULT_SHA, headRef: "", baseRef: "" };
  }
}

function defaultVariables(github: GitHubContext, runner: Record<string, string>, layout: Layout): Record<string, string> {
  const vars: Record<string, string> = {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: layout.files.output,
    GITHUB_ENV: layout.files.env,
    GITHUB_PATH: layout.files.path,
    GITHUB_STATE: layout.files.state,
    GITHUB_STEP_SUMMARY: layout.files.summary,
    RUNNER_OS: runner.os ?? "Linux",
    RUNNER_ARCH: runner.arch ?? "X64",
    RUNNER_NAME: runner.name ?? "",
    RUNNER_TEMP: runner.temp ?? "",
    RUNNER_TOOL_CACHE: runner.tool_cache ?? "",
    RUNNER_ENVIRONMENT: runner.environment ?? "",
  };
  for (const [key, value] of Object.entries(github)) {
    if (key === "event" || key === "token" || typeof value !== "string") continue;
    vars[`GITHUB_${key.toUpperCase()}`] = value;
  }
  return vars;
}

function inputVariables(manifest: ActionManifest, given: Record<string, string | number | boolean>, contexts: Record<string, unknown>): Record<string, string> {
  const vars: Record<string, string> = {};
  const declared = new Map([...manifest.inputs.keys()].map((name) => [name.toLowerCase(), name]));
  const unexpected = Object.keys(given).filter((name) => !declared.has(name.toLowerCase()));
  if (unexpected.length > 0) {
    // The runner only warns; a test passing an undeclared input is almost always a drift between code and action.yml.
    throw new Error(`unexpected input(s) ${unexpected.map((n) => `'${n}'`).join(", ")}; ${manifest.file} declares: ${[...manifest.inputs.keys()].join(", ")}`);
  }
  const givenByName = new Map(Object.entries(given).map(([name, value]) => [name.toLowerCase(), String(value)]));
  for (const [name, spec] of manifest.inputs) {
    const value = givenByName.get(name.toLowerCase()) ?? (spec.default === undefined ? undefined : evaluateDefault(spec.default, contexts));
    if (value !== undefined) vars[inputEnvName(name)] = value;
  }
  return vars;
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASS_THROUGH) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

interface ChildResult {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

function spawnAction(node: string, main: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [main], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, timedOut, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") });
    });
  });
}

async function readKeyValues(file: string, name: string): Promise<Record<string, string>> {
  const values = parseFileCommands(await readFile(file, "utf8"), name);
  if (name === "GITHUB_ENV" && values.has("NODE_OPTIONS")) throw new Error("GITHUB_ENV: the runner refuses to set NODE_OPTIONS");
  return Object.fromEntries(values);
}

function stringAt(value: unknown, ...keys: string[]): string | undefined {
  const found = at(value, keys);
  return typeof found === "string" ? found : undefined;
}

function numberAt(value: unknown, ...keys: string[]): number | undefined {
  const found = at(value, keys);
  return typeof found === "number" ? found : undefined;
}

function at(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) current = typeof current === "object" && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}
