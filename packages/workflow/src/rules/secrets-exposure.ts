import type { Node } from "yaml";
import { contextPaths, findExpressions } from "../expressions.js";
import { entries, scalarText, valueOf } from "../model/source.js";
import type { JobModel, StepModel, WorkflowModel } from "../model/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { PRIVILEGED_TRIGGERS, eventNames } from "../walk.js";
import { pullRequestCheckoutIndex } from "../credentials/checkout.js";
import { isGithubToken, secretRefsIn, type SecretRef } from "../credentials/secret-refs.js";
import { commandsIn, scriptLines, wordsIn } from "../script-lines.js";

/**
 * Secrets handed out wider than the step that needs them: the whole `secrets` context, secrets
 * in the workflow-level `env:`, secrets printed or exported by a script, and secrets in a job
 * that runs pull-request code under a privileged trigger.
 */
export const secretsExposure: Rule = {
  id: "secrets-exposure",
  title: "Secret exposed beyond the step that needs it",
  severity: "medium",
  confidence: "medium",
  targets: ["workflow"],
  check(ctx) {
    const { target } = ctx;
    if (target.kind !== "workflow") return;
    wholeContext(ctx, target);
    workflowEnv(ctx, target);
    const privileged = [...eventNames(target)].filter((e) => PRIVILEGED_TRIGGERS.has(e));
    for (const job of target.jobs) {
      for (const step of job.steps) scriptSinks(ctx, target, job, step);
      untrustedJob(ctx, target, job, privileged);
    }
  },
};

/** `toJSON(secrets)` and `secrets[expr]`: the runner must send every secret to the job. */
function wholeContext(ctx: RuleContext, workflow: WorkflowModel): void {
  const source = workflow.source;
  const root = source.root;
  const seen = new Set<string>();
  for (const ref of secretRefsIn(source, root)) {
    if (ref.kind === "named") continue;
    const key = `${ref.pos.line}:${ref.pos.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const job = jobAt(workflow, ref.node);
    const where = job ? `job ${job.id}` : "the workflow";
    ctx.report({
      at: ref.pos,
      job: job?.id,
      severity: ref.kind === "all" ? "high" : "medium",
      confidence: "high",
      message:
        ref.kind === "all"
          ? `${ref.expression} in ${where} hands every secret of the repository and organization to one value; read each secret it needs by name (\`secrets.NAME\`)`
          : `${ref.expression} in ${where} indexes secrets with an expression, so the runner sends every secret to the job; read each secret it needs by name, for example in a matrix of \`secrets.NAME\` values`,
    });
  }
}

/** Secrets in the workflow-level `env:` reach every step of every job, third-party actions included. */
function workflowEnv(ctx: RuleContext, workflow: WorkflowModel): void {
  const source = workflow.source;
  const env = valueOf(source.root, "env");
  for (const [name, pair] of entries(env)) {
    const refs = secretRefsIn(source, pair.value).filter((r) => r.kind === "named" && !isGithubToken(r) && !r.sanitized);
    if (refs.length === 0) continue;
    const jobs = workflow.jobs.filter((j) => !j.uses).length;
    if (jobs === 0) continue; // env: does not reach reusable workflows
    ctx.report({
      at: source.positionOf(pair),
      message: `workflow-level env ${name} puts ${refs.map((r) => `secrets.${r.name}`).join(", ")} in the environment of every step of ${jobs === 1 ? "the job" : `all ${jobs} jobs`}, third-party actions included; set it in the env: of the step that uses it`,
    });
  }
}

type Sink = "env" | "output" | "summary" | "log";

const SINK_TEXT: Record<Sink, string> = {
  env: "exports it through GITHUB_ENV to every later step of the job, third-party actions included",
  output: "writes it to GITHUB_OUTPUT, where expressions that read the output can copy it around unmasked",
  summary: "writes it to the job summary",
  log: "prints it to the log, where masking only catches the exact value",
};

const SINK_FIX: Record<Sink, string> = {
  env: "pass it in the env: of each step that needs it instead",
  output: "pass the secret itself to the steps that need it instead",
  summary: "do not write secrets to the summary",
  log: "do not print it",
};

/** `echo`/`printf` of a secret to the log, GITHUB_ENV, GITHUB_OUTPUT or the step summary. */
function scriptSinks(ctx: RuleContext, workflow: WorkflowModel, job: JobModel, step: StepModel): void {
  const script = scalarText(step.run) ?? "";
  if (!step.run || !MAY_PRINT.test(script)) return;
  const source = workflow.source;
  // Which env variables hold secrets is only worked out for a command that prints somewhere, or
  // here when the script cannot name a secret itself: then it can only print one through them.
  let vars: Map<string, string> | undefined;
  if (!/secrets/i.test(script)) {
    if (!script.includes("$")) return;
    vars = secretVariables(workflow, job, step);
    if (vars.size === 0) return;
  }
  for (const line of scriptLines(source, step.run)) {
    for (const command of commandsIn(line)) {
      if (!MAY_START_PRINT.has(command.text[0] ?? "")) continue;
      const words = wordsIn(command);
      if (words[0] !== "echo" && words[0] !== "printf") continue;
      if (command.text.includes("::add-mask::")) continue;
      if (command.next === "|") continue; // fed to another command's stdin: `| docker login --password-stdin`
      const sink = sinkOf(command.text);
      if (!sink) continue;
      const hit = secretIn(command.text, (vars ??= secretVariables(workflow, job, step)));
      if (!hit) continue;
      ctx.report({
        at: line.find(hit.needle),
        job: job.id,
        step: step.index,
        severity: sink === "env" || sink === "summary" ? "medium" : "low",
        confidence: sink === "log" ? "medium" : "high",
        message: `step ${step.name ?? step.index + 1} of job ${job.id} ${words[0]}s ${hit.name} and ${SINK_TEXT[sink]}; ${SINK_FIX[sink]}`,
      });
    }
  }
}

/** `echo` or `printf` in a script, quotes allowed between the letters (`e"cho"` is `echo` to the shell). */
const MAY_PRINT = /e['"]*c['"]*h['"]*o|p['"]*r['"]*i['"]*n['"]*t['"]*f/;
/** How a command whose first word is `echo` or `printf` can begin. */
const MAY_START_PRINT = new Set(["e", "p", "'", '"']);

/** Where an echo's output goes; undefined for an ordinary file (writing a credentials file is normal). */
function sinkOf(command: string): Sink | undefined {
  const redirect = /(?:^|[^0-9&])>>?\s*("?)(\$\{?(\w+)\}?|[^\s"]+)\1/.exec(command);
  if (!redirect) return "log";
  const variable = redirect[3];
  if (variable === "GITHUB_ENV") return "env";
  if (variable === "GITHUB_OUTPUT") return "output";
  if (variable === "GITHUB_STEP_SUMMARY") return "summary";
  if (/^&2$/.test(redirect[2] ?? "") || redirect[2] === "/dev/stderr" || redirect[2] === "/dev/stdout") return "log";
  return undefined;
}

/** Env variable names (step, job and workflow env) whose value reads a stored secret. */
function secretVariables(workflow: WorkflowModel, job: JobModel, step: StepModel): Map<string, string> {
  const out = new Map<string, string>();
  const source = workflow.source;
  for (const env of [workflow.env, job.env, step.env]) {
    for (const [name, value] of env) {
      const ref = secretRefsIn(source, value).find((r) => !isGithubToken(r) && !r.sanitized);
      if (ref) out.set(name, ref.kind === "named" ? `secrets.${ref.name}` : ref.expression);
      else out.delete(name);
    }
  }
  return out;
}

function secretIn(command: string, vars: Map<string, string>): { name: string; needle: string } | undefined {
  for (const span of findExpressions(command)) {
    const path = contextPaths(span.inner).find((p) => !p.sanitized && (p.path === "secrets" || (p.path.startsWith("secrets.") && p.path !== "secrets.github_token")));
    if (path) return { name: span.text, needle: span.text };
  }
  for (const [name, secret] of vars) {
    const re = new RegExp(`\\$(?:\\{${name}\\}|${name}\\b)`);
    const m = re.exec(command);
    if (m) return { name: `${secret} (as $${name})`, needle: m[0] };
  }
  return undefined;
}

/**
 * A job that runs pull-request code under a privileged trigger and reads stored secrets: the
 * pull request's code shares the runner with them.
 */
function untrustedJob(ctx: RuleContext, workflow: WorkflowModel, job: JobModel, privileged: readonly string[]): void {
  if (privileged.length === 0) return;
  const from = pullRequestCheckoutIndex(job);
  if (from < 0) return;
  const source = workflow.source;
  const refs: SecretRef[] = [];
  for (const value of [...workflow.env.values(), ...job.env.values()]) refs.push(...secretRefsIn(source, value));
  for (const step of job.steps.slice(from)) refs.push(...secretRefsIn(source, step.node));
  const stored = refs.filter((r) => !isGithubToken(r) && !r.sanitized);
  const first = stored[0];
  if (!first) return;
  const names = [...new Set(stored.map((r) => (r.kind === "named" ? `secrets.${r.name}` : r.expression)))];
  ctx.report({
    at: first.pos,
    job: job.id,
    severity: "high",
    confidence: "medium",
    message: `job ${job.id} checks out pull-request code under ${privileged.join("/")} and reads ${names.join(", ")} in the same job, where that code can reach ${names.length === 1 ? "it" : "them"}; run the pull request's code in a separate job without secrets (for example on pull_request) and pass results as artifacts`,
  });
}

/** The job whose body contains a node, if any. */
function jobAt(workflow: WorkflowModel, node: Node): JobModel | undefined {
  const at = node.range?.[0];
  if (at === undefined) return undefined;
  return workflow.jobs.find((job) => {
    const range = job.node.range;
    return range !== undefined && range !== null && range[0] <= at && at < range[2];
  });
}
