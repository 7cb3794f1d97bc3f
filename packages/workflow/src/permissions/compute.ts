import { Scalar } from "yaml";
import { entries, isMap, scalarText, textOf, valueOf, type Node } from "../model/source.js";
import type { ActionModel, JobModel, StepModel, WorkflowModel } from "../model/types.js";
import { actionName, parseUses } from "../uses.js";
import { eventNames } from "../walk.js";
import { ACTIONS, REUSABLE_WORKFLOWS, type ActionInputs, type ActionPermissions, type TokenSource } from "./actions.js";
import { scriptUse } from "./commands.js";
import { githubScriptUses } from "./github-api.js";
import { isScope, mergeGrants, type Access, type Grants, type Scope } from "./scopes.js";
import { stepEnv, tokenKind, tokenVariables, valueText } from "./token.js";

/** What a job needs from its GITHUB_TOKEN. */
export interface RequiredPermissions {
  /** The minimal `permissions:` for what we could classify. */
  scopes: Grants;
  /** Steps (or the called workflow) that may use the job token in ways we could not classify. */
  unknown: string[];
  /** For each needed scope, the steps that need it. */
  reasons: Partial<Record<Scope, string[]>>;
  /** Scopes some step uses in some setups: never reported as excessive, not written by --fix. */
  allowed: Grants;
  /**
   * Steps that run code we cannot see (scripts, test suites) without the job token. They cannot
   * use its scopes, but they can request an OIDC token when the job has `id-token: write`.
   */
  opaque: string[];
}

export interface ComputeOptions {
  /** Reads the workflow a `jobs.<id>.uses` calls, when the caller can (a local `./.github/workflows/x.yml`). */
  resolveWorkflow?: (uses: string) => WorkflowModel | undefined;
  /** Reads a local action (`uses: ./.github/actions/x`), when the caller can; composite actions are classified step by step. */
  resolveAction?: (uses: string) => ActionModel | undefined;
}

/** Script names that suggest a git push. */
const GIT_WRITE_HINT = /release|publish|push|\btag|bump|version|changelog|commit|sync|backport|merge/i;
const PR_EVENTS = new Set(["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"]);
const ISSUE_EVENTS = new Set(["issues", "issue_comment"]);

/** The GITHUB_TOKEN permissions one job needs, the steps that need each, and what we could not classify. */
/** Results for the default options, shared by the rules that ask about the same job in one run. */
const plainResults = new WeakMap<JobModel, RequiredPermissions>();

/** The permissions a job needs. The result is shared: callers must not modify it. */
export function requiredPermissions(job: JobModel, workflow: WorkflowModel, options: ComputeOptions = {}): RequiredPermissions {
  const plain = Object.keys(options).length === 0;
  const cached = plain ? plainResults.get(job) : undefined;
  if (cached) return cached;
  const out = computeRequired(job, workflow, options);
  if (plain) plainResults.set(job, out);
  return out;
}

function computeRequired(job: JobModel, workflow: WorkflowModel, options: ComputeOptions): RequiredPermissions {
  const out: RequiredPermissions = { scopes: {}, unknown: [], reasons: {}, allowed: {}, opaque: [] };
  if (job.uses) {
    callee(job, options, out);
    return out;
  }
  const events = eventNames(workflow);
  const pullRequests = [...events].some((e) => PR_EVENTS.has(e)) && ![...events].some((e) => ISSUE_EVENTS.has(e));
  const state: JobState = { workflow, job, options, events, pullRequests, depth: 0, gitCredentials: false, ghcrLogin: undefined, implicitLogin: undefined, pushesGhcr: false };
  containerLogins(job, workflow, out);
  walkSteps(job.steps, state, out);
  if (state.ghcrLogin) {
    const level: Access = state.pushesGhcr || out.unknown.length > 0 || out.opaque.length > 0 ? "write" : "read";
    need(out, { packages: level }, state.ghcrLogin);
  } else if (state.implicitLogin) {
    // setup-ko / setup-crane log in whether or not anything is pushed
    if (state.pushesGhcr) need(out, { packages: "write" }, state.implicitLogin);
    else mergeGrants(out.allowed, { packages: "write" });
  }
  return out;
}

/** Adds needs with the step that needs them. */
function need(out: RequiredPermissions, grants: Grants, why: string): void {
  for (const [scope, access] of Object.entries(grants) as Array<[Scope, Access]>) {
    mergeGrants(out.scopes, { [scope]: access });
    const list = (out.reasons[scope] ??= []);
    if (!list.includes(why)) list.push(why);
  }
}

/** Depth of called workflows being read (a workflow that calls itself stops here). */
let nestedCalls = 0;

function callee(job: JobModel, options: ComputeOptions, out: RequiredPermissions): void {
  const raw = scalarText(job.uses) ?? "";
  const ref = parseUses(raw);
  const called = `\`${raw.replace(/@.*/, "")}\``;
  if (ref.kind === "remote") {
    const known = REUSABLE_WORKFLOWS[actionName(ref)];
    if (known) {
      need(out, known.needs, `calls ${called}`);
      return;
    }
  }
  const model = nestedCalls < 3 ? options.resolveWorkflow?.(raw) : undefined;
  if (!model) {
    out.unknown.push(`${called} (a called workflow; it decides what it needs)`);
    return;
  }
  // The caller must grant what each called job declares, or what it needs when it declares nothing.
  for (const calleeJob of model.jobs) {
    const declared = calleeJob.permissions ?? model.permissions;
    if (declared?.kind === "all") out.unknown.push(`${called} job \`${calleeJob.id}\` (asks for ${declared.level}-all)`);
    else if (declared?.kind === "map") {
      for (const [scope, { level }] of declared.scopes) if (level !== "none" && isScope(scope)) need(out, { [scope]: level }, `${called} job \`${calleeJob.id}\``);
    } else {
      nestedCalls++;
      let inner: RequiredPermissions;
      try {
        inner = requiredPermissions(calleeJob, model, options);
      } finally {
        nestedCalls--;
      }
      for (const [scope, why] of Object.entries(inner.reasons) as Array<[Scope, string[]]>) need(out, { [scope]: inner.scopes[scope] }, `${called}: ${why[0] ?? ""}`);
      mergeGrants(out.allowed, inner.allowed);
      out.unknown.push(...inner.unknown.map((u) => `${called}: ${u}`));
    }
  }
}

/** `container:` / `services:` images pulled from ghcr.io with the job token need `packages: read`. */
function containerLogins(job: JobModel, workflow: WorkflowModel, out: RequiredPermissions): void {
  const env = stepEnv(workflow, job, undefined);
  const check = (node: Node | undefined, what: string) => {
    if (!isMap(node)) return;
    const image = scalarText(valueOf(node, "image")) ?? "";
    const password = valueText(valueOf(valueOf(node, "credentials"), "password"));
    if (/^ghcr\.io\//i.test(image) && tokenKind(password, env) === "job") need(out, { packages: "read" }, `${what} pulls ${image.replace(/[:@].*/, "")}`);
  };
  check(job.container, "the job container");
  if (isMap(job.services)) for (const item of job.services.items) check(item.value as Node | undefined, `service \`${scalarText(item.key) ?? ""}\``);
}

/** What the walk over a job's steps carries from one step to the next. */
interface JobState {
  workflow: WorkflowModel;
  job: JobModel;
  options: ComputeOptions;
  events: ReadonlySet<string>;
  pullRequests: boolean;
  /** Nesting of composite actions being read. */
  depth: number;
  gitCredentials: boolean;
  /** The step that logged in to ghcr.io with the job token. */
  ghcrLogin: string | undefined;
  /** A setup action that logged in to ghcr.io on the side. */
  implicitLogin: string | undefined;
  /** Something pushes to a registry that may be ghcr.io. */
  pushesGhcr: boolean;
}

/** A push target that is, or may be, ghcr.io: it names it, or it is computed (`${{ steps.meta.outputs.tags }}`, `$IMAGE`). */
function mayBeGhcr(target: string, env: ReadonlyMap<string, string>): boolean {
  const resolved = substituteEnv(target, env).replace(/\$\{?([A-Za-z_]\w*)\}?/g, (whole, name: string) => env.get(name) ?? whole);
  if (/ghcr\.io/i.test(resolved)) return true;
  return resolved.trim() === "" || /\$\{\{|\$\{?[A-Za-z_]/.test(resolved);
}

function walkSteps(steps: readonly StepModel[], state: JobState, out: RequiredPermissions): void {
  for (const step of steps) {
    const env = stepEnv(state.workflow, state.job, step);
    if (step.uses) actionStep(step, env, state, out);
    else if (step.run) shellStep(step, scalarText(step.run) ?? "", env, state.pullRequests, state, out);
  }
}

function actionStep(step: StepModel, env: Map<string, string>, state: JobState, out: RequiredPermissions): void {
  const raw = scalarText(step.uses) ?? "";
  const ref = parseUses(raw);
  const inputs = actionInputs(step, env, state.events, state.gitCredentials);
  const handsToken = [...step.with.values()].some((v) => tokenKind(valueText(v), env) === "job") || [...step.env.values()].some((v) => tokenKind(valueText(v), env) === "job");
  if (ref.kind === "local") {
    const local = state.depth < 3 ? state.options.resolveAction?.(ref.path) : undefined;
    if (local?.using === "composite") {
      state.depth++;
      walkSteps(local.steps.map((inner) => withInputs(inner, step, local)), state, out);
      state.depth--;
    } else out.unknown.push(unknownAction(step, local ? `a local ${local.using ?? ""} action` : "a local action, not read"));
    return;
  }
  if (ref.kind === "docker") {
    if (handsToken) out.unknown.push(unknownAction(step, "a container given the job token"));
    return;
  }
  const name = actionName(ref);
  const entry = ACTIONS[name];
  if (!entry) {
    out.unknown.push(unknownAction(step, "not in the knowledge base"));
    return;
  }
  const why = stepLabel(step);
  const usesJob = usesJobToken(entry.token, inputs, env, state.gitCredentials);
  if (usesJob && entry.needs) need(out, entry.needs, why);
  for (const cond of entry.when ?? []) {
    if ((cond.viaToken === false || usesJob) && cond.test(inputs)) {
      if (cond.mayNeed) mergeGrants(out.allowed, cond.needs);
      else need(out, cond.needs, why);
    }
  }
  if (entry.allows) mergeGrants(out.allowed, entry.allows);
  const login = entry.ghcrLogin?.(inputs);
  if (login === "implicit" && !env.has("KO_DOCKER_REPO")) state.implicitLogin ??= why;
  else if (login === true) state.ghcrLogin ??= why;
  const target = entry.pushes?.(inputs);
  if (target !== undefined && target !== false && mayBeGhcr(target, env)) state.pushesGhcr = true;
  if (entry.code) codeInput(step, entry, inputs, usesJob, env, state.pullRequests, state, out);
  if (name === "actions/checkout") {
    const persisted = usesJob && !/^\s*false\s*$/i.test(inputs.input("persist-credentials") ?? "");
    // a checkout into a sub-folder leaves the workspace repository's credentials alone
    const intoRoot = !/\S/.test((inputs.input("path") ?? "").replace(/^\.\/?$/, ""));
    state.gitCredentials = intoRoot ? persisted : state.gitCredentials || persisted;
  }
}

function codeInput(step: StepModel, entry: ActionPermissions, inputs: ActionInputs, usesJob: boolean, env: Map<string, string>, pullRequests: boolean, state: JobState, out: RequiredPermissions): void {
  const code = entry.code;
  if (!code) return;
  const text = inputs.input(code.input) ?? "";
  if (code.kind === "shell") {
    shellStep(step, text, env, pullRequests, state, out);
    return;
  }
  if (/\bcore\.getIDToken\s*\(/.test(text)) need(out, { "id-token": "write" }, stepLabel(step));
  if (/\bexec\.(?:exec|getExecOutput)\s*\(|child_process/.test(text)) {
    // the commands it runs see the step's environment
    if (tokenVariables(env).size > 0 && [...step.env.values()].some((v) => tokenKind(valueText(v), env) === "job")) out.unknown.push(`${stepLabel(step)} (runs commands with the job token)`);
    else out.opaque.push(`${stepLabel(step)} (runs commands)`);
  }
  if (!usesJob) return;
  for (const use of githubScriptUses(text, pullRequests)) {
    need(out, use.grants, stepLabel(step));
    if (use.allows) mergeGrants(out.allowed, use.allows);
    if (use.unknown) out.unknown.push(`${stepLabel(step)} (${use.unknown})`);
  }
}

function shellStep(step: StepModel, script: string, env: Map<string, string>, pullRequests: boolean, state: JobState, out: RequiredPermissions): void {
  const tokenVars = tokenVariables(env);
  const stepTokenVars = new Set([...tokenVars].filter((name) => step.env.has(name)));
  const use = scriptUse(script, { env, tokenVars, stepTokenVars, gitCredentials: state.gitCredentials, pullRequests });
  const why = stepLabel(step);
  for (const n of use.needs) need(out, { [n.scope]: n.access }, `${why}: \`${n.why}\``);
  mergeGrants(out.allowed, use.allows);
  const command = (cmd: string, what: string) => (step.name ? `${why} (\`${cmd}\` ${what})` : `\`${cmd}\` (${what})`);
  for (const u of use.unknown) out.unknown.push(command(u, "gets the job token"));
  for (const o of use.opaque) {
    out.opaque.push(command(o, "runs code we cannot see"));
    // the job token sits in the git config: a release script may push with it
    if (state.gitCredentials && GIT_WRITE_HINT.test(o) && !use.unknown.includes(o)) out.unknown.push(command(o, "may push with the token actions/checkout left in git"));
  }
  if (use.ghcrLogin) state.ghcrLogin ??= why;
  if (use.pushTargets.some((t) => mayBeGhcr(t, env))) state.pushesGhcr = true;
  state.gitCredentials = use.gitCredentials;
}

/** The job token reaches the action through one of its token inputs, env variables or git. */
function usesJobToken(source: TokenSource | undefined, inputs: ActionInputs, env: ReadonlyMap<string, string>, gitCredentials: boolean): boolean {
  if (!source) return false;
  for (const name of source.inputs ?? []) if (inputs.input(name) !== undefined) return inputs.token(name) === "job";
  for (const name of source.env ?? []) if (env.has(name)) return tokenKind(env.get(name), env) === "job";
  if (source.git && gitCredentials) return true;
  return source.defaultJob === true && (source.inputs !== undefined || source.env === undefined);
}

function actionInputs(step: StepModel, env: ReadonlyMap<string, string>, events: ReadonlySet<string>, gitCredentials: boolean): ActionInputs {
  const byName = new Map<string, string>();
  for (const [name, node] of step.with) byName.set(name.toLowerCase(), valueText(node));
  const input = (name: string) => {
    const value = byName.get(name.toLowerCase());
    return value === undefined ? undefined : substituteEnv(value, env);
  };
  return {
    input,
    token: (name) => tokenKind(byName.get(name.toLowerCase()), env),
    events,
    gitCredentials,
  };
}

/** `${{ env.REGISTRY }}` → the variable's value, so that `registry: ${{ env.REGISTRY }}` reads as ghcr.io. */
function substituteEnv(value: string, env: ReadonlyMap<string, string>): string {
  return value.replace(/\$\{\{\s*env\.([A-Za-z_][\w-]*)\s*\}\}/g, (whole, name: string) => env.get(name) ?? whole);
}

/**
 * A composite action's step as its caller runs it: `${{ inputs.x }}` replaced by what the caller
 * passed in `with:`, else by the input's default (often `${{ github.token }}`).
 */
function withInputs(inner: StepModel, caller: StepModel, action: ActionModel): StepModel {
  const values = new Map<string, string>();
  for (const [name, pair] of entries(valueOf(action.source.root, "inputs"))) values.set(name.toLowerCase(), textOf(pair.value, "default") ?? "");
  for (const [name, node] of caller.with) values.set(name.toLowerCase(), valueText(node));
  const sub = (text: string) => text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (whole, name: string) => values.get(name.toLowerCase()) ?? whole);
  const map = (m: Map<string, Scalar | Node>) => new Map([...m].map(([k, v]) => [k, new Scalar(sub(valueText(v)))] as [string, Scalar]));
  return {
    ...inner,
    name: inner.name ?? caller.name,
    with: map(inner.with),
    env: map(inner.env),
    run: inner.run ? new Scalar(sub(scalarText(inner.run) ?? "")) : undefined,
  };
}

/** "step `Setup Go` (`./.github/actions/go`, a local action, not read)". */
function unknownAction(step: StepModel, why: string): string {
  const uses = (scalarText(step.uses) ?? "").replace(/@.*/, "");
  return step.name ? `${stepLabel(step)} (\`${uses}\`: ${why})` : `\`${uses}\` (${why})`;
}

/** How a step is named in messages: its `name:`, else its action, else its script's first line. */
export function stepLabel(step: StepModel): string {
  if (step.name) return `step \`${step.name}\``;
  const uses = scalarText(step.uses);
  if (uses) return `\`${uses.replace(/@.*/, "")}\``;
  const first = (scalarText(step.run) ?? "").split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  return `\`run: ${first.length > 40 ? `${first.slice(0, 37)}...` : first}\``;
}
