import { contextPaths, findExpressions } from "../expressions.js";
import { entries, scalarText, textOf, valueOf } from "../model/source.js";
import type { AuditTarget, JobModel, StepModel, WorkflowModel } from "../model/types.js";
import { memoize } from "../memo.js";
import { actionName, parseUses } from "../uses.js";
import { TAINTED_OUTPUTS, hasSafeOutputs } from "./actions.js";
import { EVENT_SEVERITY, arrivingEvent, contextTaint, dedupe, type Taint, type TriggerScope } from "./contexts.js";
import { assignmentsIn, isValidated, commandFileWrites, eventPayloadReads, readsFile, scriptLines, setOutputCommands, stripComment, variableUses } from "./shell.js";

/**
 * Follows attacker-controlled text through the places a workflow moves it: `env:` blocks,
 * `$GITHUB_ENV`, step outputs (`$GITHUB_OUTPUT`), job outputs, workflow inputs and shell variables.
 */
export interface FlowScope {
  target: AuditTarget;
  triggers: TriggerScope;
  job?: JobModel;
  /** The step being read; only earlier steps are visible through `steps.*` and `$GITHUB_ENV`. */
  step?: StepModel;
}

/** Events of a workflow, or the open set of a composite action; worked out once per file and shared. */
export function triggerScope(target: AuditTarget): TriggerScope {
  return triggersOf(target);
}

const triggersOf = memoize((target: AuditTarget): TriggerScope => {
  if (target.kind === "action") return { events: new Set(), kind: "action" };
  return { events: new Set(target.triggers.map((t) => t.event)), kind: "workflow" };
});

export function scopeFor(target: AuditTarget, job?: JobModel, step?: StepModel): FlowScope {
  return { target, triggers: triggerScope(target), job, step };
}

/** A privileged trigger of the workflow, if any: where unknown data is worth reporting. */
export function privilegedEvent(triggers: TriggerScope): string | undefined {
  for (const event of triggers.events) if (EVENT_SEVERITY[event] === "critical") return event;
  return undefined;
}

const MAX_DEPTH = 12;
type Seen = Set<string>;

/** Taints of every `${{ }}` in a piece of text. */
export function textTaint(text: string, scope: FlowScope, seen: Seen = new Set()): Taint[] {
  return dedupe(findExpressions(text).flatMap((span) => expressionTaint(span.inner, scope, seen)));
}

/** Taints of one expression (the text inside `${{ }}`), following env, outputs and inputs. */
export function expressionTaint(inner: string, scope: FlowScope, seen: Seen = new Set()): Taint[] {
  if (seen.size > MAX_DEPTH * 8) return [];
  return dedupe(contextPaths(inner).filter((c) => !c.sanitized).flatMap((c) => pathTaint(c.path, scope, seen)));
}

function pathTaint(path: string, scope: FlowScope, seen: Seen): Taint[] {
  const parts = path.split(".");
  const [head, second, third, fourth] = parts;
  if (head === "env" && second && parts.length === 2) return envTaint(second, scope, seen);
  if (head === "steps" && second && third === "outputs" && fourth) return stepOutputTaint(second, fourth, path, scope, seen);
  if (head === "needs" && second && third === "outputs" && fourth) return jobOutputTaint(second, fourth, path, scope, seen);
  if (head === "inputs" && second) return inputTaint(second, path, scope);
  if (path.startsWith("github.event.inputs.") && parts.length === 4 && fourth) return inputTaint(fourth, path, scope, "workflow_dispatch");
  return contextTaint(path, scope.triggers);
}

/** `env.NAME`: the step's, job's or workflow's `env:` entry, or an earlier `$GITHUB_ENV` write. */
function envTaint(name: string, scope: FlowScope, seen: Seen): Taint[] {
  const key = `env:${scope.job?.id ?? ""}:${scope.step?.index ?? -1}:${name.toLowerCase()}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const value = yamlEnvValue(name, scope);
  if (value !== undefined) return textTaint(value, scope, seen);
  return githubEnvTaint(name, scope, seen);
}

/** The value an `env:` entry gives `name` (case-insensitive), nearest scope first. */
export function yamlEnvValue(name: string, scope: FlowScope): string | undefined {
  const lower = name.toLowerCase();
  const maps = [scope.step?.env, scope.job?.env, scope.target.kind === "workflow" ? scope.target.env : undefined];
  for (const map of maps) {
    if (!map) continue;
    for (const [key, node] of map) if (key.toLowerCase() === lower) return scalarText(node) ?? "";
  }
  return undefined;
}

function stepsOf(scope: FlowScope): StepModel[] {
  if (scope.job) return scope.job.steps;
  return scope.target.kind === "action" ? scope.target.steps : [];
}

function earlierSteps(scope: FlowScope): StepModel[] {
  const limit = scope.step?.index ?? Number.POSITIVE_INFINITY;
  return stepsOf(scope).filter((s) => s.index < limit);
}

/** Writes of `NAME=...` to $GITHUB_ENV by earlier steps of the job. */
function githubEnvTaint(name: string, scope: FlowScope, seen: Seen): Taint[] {
  const out: Taint[] = [];
  for (const step of earlierSteps(scope)) {
    const script = scalarText(step.run);
    if (!script || !script.includes(name)) continue;
    const stepScope = { ...scope, step };
    for (const write of commandFileWrites(script)) {
      if (write.file === "GITHUB_ENV" && write.name === name) out.push(...shellDataTaint(write.data, script, stepScope, write.line.offset, seen));
    }
  }
  return out;
}

/** A taint for data whose origin cannot be seen statically, reported only under privileged triggers. */
function unknownTaint(what: string, scope: FlowScope): Taint[] {
  const via = privilegedEvent(scope.triggers);
  if (!via) return [];
  return [{ origin: what, via, severity: "medium", confidence: "low", multiline: true }];
}

function stepOutputTaint(id: string, output: string, path: string, scope: FlowScope, seen: Seen): Taint[] {
  const key = `out:${scope.job?.id ?? ""}:${id}:${output}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const step = earlierSteps(scope).find((s) => s.id?.toLowerCase() === id);
  if (!step) return [];
  const stepScope = { ...scope, step };
  if (step.uses) {
    const ref = parseUses(scalarText(step.uses) ?? "");
    if (ref.kind !== "remote") return unknownTaint(`${path} (output of a local or docker action)`, scope);
    const name = actionName(ref);
    const known = TAINTED_OUTPUTS.find((t) => (name === t.action || name.startsWith(`${t.action}/`)) && t.outputs.test(output));
    if (known) {
      const source = { pattern: path, events: known.events, multiline: known.multiline, control: "anyone" as const };
      const via = arrivingEvent(source, scope.triggers);
      if (!via) return [];
      return [{ origin: `${path} (${known.origin}, from ${name})`, via, severity: via === "action" ? "high" : (EVENT_SEVERITY[via] ?? "medium"), confidence: "high", multiline: known.multiline }];
    }
    if (hasSafeOutputs(name)) return [];
    if (name === "actions/github-script") return scriptResultTaint(step, output, path, stepScope, seen);
    return unknownTaint(`${path} (output of ${name})`, scope);
  }
  const script = scalarText(step.run);
  if (!script) return [];
  const writes = commandFileWrites(script).filter((w) => w.file === "GITHUB_OUTPUT" && w.name?.toLowerCase() === output);
  const legacy = setOutputCommands(script).filter((w) => w.name.toLowerCase() === output);
  if (writes.length === 0 && legacy.length === 0) {
    // written some other way (a loop, a helper script): unknown unless the step sees no tainted data at all
    return unknownTaint(`${path} (written by a script)`, scope);
  }
  return [
    ...writes.flatMap((w) => shellDataTaint(w.data, script, stepScope, w.line.offset, seen)),
    ...legacy.flatMap((w) => shellDataTaint(w.data, script, stepScope, script.length, seen)),
  ];
}

/** `actions/github-script` returns what its script returns: tainted when the script reads tainted context. */
function scriptResultTaint(step: StepModel, output: string, path: string, scope: FlowScope, seen: Seen): Taint[] {
  const script = scalarText(step.with.get("script")) ?? "";
  // core.setOutput('head', pr.head.sha): a SHA, a number or an id carries no text
  const set = new RegExp(`setOutput\\(\\s*['"\`]${output.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}['"\`]\\s*,\\s*([^)\\n]*)\\)`, "i").exec(script);
  if (set && set[1] && /(?:\.|\b)(?:sha|number|id|node_id|run_id|count|length|html_url|url)\s*(?:\)|$)|^\s*(?:true|false|\d+)\s*$/i.test(set[1].trim())) return [];
  const taints = textTaint(script, scope, seen);
  const reads = [...script.matchAll(/context\.payload((?:\.[A-Za-z_]\w*)+)/g)].flatMap((m) => contextTaint(`github.event${m[1]!.toLowerCase()}`, scope.triggers));
  const all = dedupe([...taints, ...reads]);
  if (all.length > 0) return all.map((t) => ({ ...t, confidence: t.confidence === "high" ? "medium" : t.confidence }));
  return /github\.(?:rest|request|graphql|paginate)|fetch\(/.test(script) ? unknownTaint(`${path} (data fetched by github-script)`, scope) : [];
}

function jobOutputTaint(jobId: string, output: string, path: string, scope: FlowScope, seen: Seen): Taint[] {
  const key = `needs:${jobId}:${output}`;
  if (seen.has(key) || scope.target.kind !== "workflow") return [];
  seen.add(key);
  const job = scope.target.jobs.find((j) => j.id.toLowerCase() === jobId);
  if (!job) return [];
  if (job.uses) return unknownTaint(`${path} (output of a reusable workflow)`, scope);
  for (const [name, pair] of entries(valueOf(job.node, "outputs"))) {
    if (name.toLowerCase() !== output) continue;
    return textTaint(scalarText(pair.value) ?? "", { ...scope, job, step: undefined }, seen);
  }
  return [];
}

/** Input types that cannot carry text: GitHub validates them before the run starts. */
const SAFE_INPUT_TYPES = new Set(["boolean", "number", "choice", "environment"]);

function inputTaint(name: string, path: string, scope: FlowScope, only?: string): Taint[] {
  if (scope.target.kind === "action") {
    return [{ origin: path, via: "action", severity: "medium", confidence: "low", multiline: true }];
  }
  const out: Taint[] = [];
  for (const event of only ? [only] : ["workflow_dispatch", "workflow_call"]) {
    const type = inputType(scope.target, event, name);
    if (type === undefined || SAFE_INPUT_TYPES.has(type)) continue;
    out.push({ origin: path, via: event, severity: "medium", confidence: "medium", multiline: true });
  }
  return out;
}

/** The declared type of a `workflow_dispatch` / `workflow_call` input (`string` when untyped), if declared. */
export function inputType(workflow: WorkflowModel, event: string, name: string): string | undefined {
  const trigger = workflow.triggers.find((t) => t.event === event);
  if (!trigger) return undefined;
  for (const [key, pair] of entries(valueOf(trigger.config, "inputs"))) {
    if (key.toLowerCase() === name.toLowerCase()) return (textOf(pair.value, "type") ?? "string").toLowerCase();
  }
  return undefined;
}

/** Runner variables that carry attacker text. */
const RUNNER_VARIABLE_CONTEXTS: Record<string, string> = { GITHUB_HEAD_REF: "github.head_ref" };

/**
 * Taints of data in a shell script: expressions, variables (assigned earlier in the script, from
 * `env:` or from an earlier `$GITHUB_ENV` write), event payload reads with jq, and file reads after
 * a workflow_run artifact download.
 */
export function shellDataTaint(data: string, script: string, scope: FlowScope, offset: number, seen: Seen = new Set()): Taint[] {
  const out: Taint[] = [...textTaint(data, scope, seen)];
  for (const name of variableUses(data)) out.push(...variableTaint(name, script, scope, offset, seen));
  for (const path of eventPayloadReads(data)) out.push(...contextTaint(path, scope.triggers));
  if (readsFile(data)) out.push(...artifactTaint(scope, script.slice(0, offset)));
  return dedupe(out);
}

function variableTaint(name: string, script: string, scope: FlowScope, offset: number, seen: Seen): Taint[] {
  const context = RUNNER_VARIABLE_CONTEXTS[name];
  if (context) return contextTaint(context, scope.triggers);
  if (/^(GITHUB|RUNNER)_/.test(name)) return [];
  const key = `var:${scope.job?.id ?? ""}:${scope.step?.index ?? -1}:${name}`;
  if (seen.has(key)) return [];
  seen.add(key);
  if (isValidated(name, script.slice(0, offset))) return [];
  const assigned = scriptLines(script)
    .filter((l) => l.offset < offset)
    .flatMap((l) => assignmentsIn(stripComment(l.text)).filter((a) => a.name === name).map((a) => ({ ...a, offset: l.offset })));
  if (assigned.length > 0) return assigned.flatMap((a) => shellDataTaint(a.value, script, scope, a.offset, seen));
  const value = yamlEnvValue(name, scope);
  if (value !== undefined) return textTaint(value, scope, seen);
  return githubEnvTaint(name, scope, seen);
}

/** Artifacts of the triggering run read in a workflow_run job: the fork's build wrote them. */
function artifactTaint(scope: FlowScope, scriptBefore: string): Taint[] {
  if (!scope.triggers.events.has("workflow_run")) return [];
  const downloaded = earlierSteps(scope).some(isRunArtifactDownload) || RUN_ARTIFACT_SCRIPT.test(scriptBefore);
  if (!downloaded) return [];
  return [{ origin: "a file from an artifact of the triggering workflow run", via: "workflow_run", severity: "critical", confidence: "medium", multiline: true }];
}

const RUN_ARTIFACT_SCRIPT = /\bgh\s+run\s+download\b|\/actions\/(?:runs\/[^/\s]+\/)?artifacts\b/;

/** A step that downloads artifacts of another workflow run (the workflow_run's, by its id). */
export function isRunArtifactDownload(step: StepModel): boolean {
  const uses = scalarText(step.uses);
  if (uses) {
    const ref = parseUses(uses);
    if (ref.kind !== "remote") return false;
    const name = actionName(ref);
    if (name === "dawidd6/action-download-artifact") return true;
    if (name === "actions/download-artifact") return step.with.has("run-id");
    if (name === "actions/github-script") return /downloadArtifact|listWorkflowRunArtifacts/.test(scalarText(step.with.get("script")) ?? "");
    return false;
  }
  return RUN_ARTIFACT_SCRIPT.test(scalarText(step.run) ?? "");
}
