import { entries, pairOf, scalarText, valueOf, type Node, type Pair, type Scalar } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { stepLabel } from "../taint/describe.js";
import { locateInValue, scriptLines, stripComment } from "../taint/shell.js";
import { allSteps } from "../walk.js";

const FLAG = "ACTIONS_ALLOW_UNSECURE_COMMANDS";

/**
 * `::set-env` and `::add-path` were disabled in 2020 because any process that prints to the log
 * (a test printing an issue title, a dependency) could set LD_PRELOAD or PATH for later steps.
 * `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` turns them back on.
 */
export const insecureCommands: Rule = {
  id: "insecure-commands",
  title: "Insecure workflow commands enabled or used",
  severity: "high",
  confidence: "high",
  check(ctx) {
    const { target } = ctx;
    const enabledAt = new Set<string>();
    if (target.kind === "workflow") {
      if (flagIn(ctx, valueOf(target.source.root, "env"), "the workflow's env")) enabledAt.add("*");
      for (const job of target.jobs) {
        if (flagIn(ctx, valueOf(job.node, "env"), `job ${job.id}'s env`, job)) enabledAt.add(job.id);
        const containerEnv = job.container ? envPairs(job.container) : [];
        for (const pair of containerEnv) reportFlag(ctx, pair, `job ${job.id}'s container env`, job);
      }
    }
    for (const { step, job } of allSteps(target)) {
      const stepEnabled = flagIn(ctx, step.envNode, `the env of ${stepLabel(step, job)}`, job, step);
      const enabled = stepEnabled || enabledAt.has("*") || (job !== undefined && enabledAt.has(job.id));
      if (step.run) checkScript(ctx, step, job, step.run, enabled);
    }
  },
};

function envPairs(container: Node): Array<Pair<Scalar, Node | null>> {
  const env = entries(container).find(([k]) => k === "env")?.[1].value;
  return entries(env).filter(([k]) => k === FLAG).map(([, pair]) => pair);
}

/** Reports the flag in an env map when it is true; returns whether it is. */
function flagIn(ctx: RuleContext, env: Node | undefined, where: string, job?: JobModel, step?: StepModel): boolean {
  const pair = pairOf(env, FLAG);
  if (!pair || !isTrue(scalarText(pair.value))) return false;
  ctx.report({
    at: ctx.target.source.positionOf(pair),
    job: job?.id,
    step: step?.index,
    message: `${FLAG}: true in ${where} re-enables ::set-env and ::add-path, so anything printed to the log can set variables such as LD_PRELOAD or PATH for later steps; remove it and write to $GITHUB_ENV / $GITHUB_PATH instead`,
  });
  return true;
}

function reportFlag(ctx: RuleContext, pair: Pair<Scalar, Node | null>, where: string, job: JobModel): void {
  if (!isTrue(scalarText(pair.value))) return;
  ctx.report({
    at: ctx.target.source.positionOf(pair),
    job: job.id,
    message: `${FLAG}: true in ${where} re-enables ::set-env and ::add-path for commands in the container; remove it and write to $GITHUB_ENV / $GITHUB_PATH instead`,
  });
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === "true";
}

const COMMAND = /::(set-env|add-path)\b/;

function checkScript(ctx: RuleContext, step: StepModel, job: JobModel | undefined, run: Scalar, enabled: boolean): void {
  const script = scalarText(run);
  if (!script || !COMMAND.test(script)) return;
  for (const line of scriptLines(script)) {
    const m = COMMAND.exec(stripComment(line.text));
    if (!m) continue;
    const replacement = m[1] === "set-env" ? 'echo "NAME=value" >> "$GITHUB_ENV"' : 'echo "/some/dir" >> "$GITHUB_PATH"';
    ctx.report({
      at: locateInValue(ctx.target.source, run, script, line.offset, line.first),
      job: job?.id,
      step: step.index,
      severity: enabled ? "high" : "low",
      message: enabled
        ? `${stepLabel(step, job)} uses the deprecated ::${m[1]} command, enabled here by ${FLAG}; write ${replacement} instead and remove the flag`
        : `${stepLabel(step, job)} uses the deprecated ::${m[1]} command, which the runner rejects since 2020 (the step fails or does nothing); write ${replacement} instead`,
    });
  }
}
