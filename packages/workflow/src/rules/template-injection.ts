import type { Node } from "yaml";
import { contextPaths, findExpressions } from "../expressions.js";
import { scalarText } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { CODE_SINKS, type CodeSink } from "../taint/actions.js";
import { worstTaint } from "../taint/contexts.js";
import { envNameFor, stepLabel } from "../taint/describe.js";
import { expressionTaint, scopeFor } from "../taint/flow.js";
import { locateInValue } from "../taint/shell.js";
import { expressionWithOrigin, whoControls } from "../taint/wording.js";
import { actionName, parseUses } from "../uses.js";
import { allSteps } from "../walk.js";

const SHELL_SINK: CodeSink = { inputs: ["run"], language: "shell", envRead: (name) => `"$${name}"` };

/**
 * `${{ }}` is pasted into a script before the script runs: text an outsider chooses (an issue
 * title, a branch name) becomes code. Reports each expression in a `run:` script or a
 * code-evaluating action input whose value can be attacker text, after following env, outputs and
 * inputs (taint/flow.ts). Values passed through `env:` and read as "$VAR" are not reported.
 */
export const templateInjection: Rule = {
  id: "template-injection",
  title: "Attacker-controllable expression expanded into code",
  severity: "high",
  confidence: "high",
  check(ctx) {
    for (const { step, job } of allSteps(ctx.target)) {
      if (step.run) checkCode(ctx, step, job, step.run, "run script", SHELL_SINK);
      const uses = scalarText(step.uses);
      if (!uses) continue;
      const ref = parseUses(uses);
      if (ref.kind !== "remote") continue;
      const sink = CODE_SINKS.get(actionName(ref));
      if (!sink) continue;
      for (const [input, node] of step.with) {
        if (sink.inputs.includes(input.toLowerCase())) checkCode(ctx, step, job, node, `${input}: input of ${actionName(ref)}`, sink);
      }
    }
  },
};

function checkCode(ctx: RuleContext, step: StepModel, job: JobModel | undefined, node: Node, where: string, sink: CodeSink): void {
  const code = scalarText(node);
  if (!code || !code.includes("${{")) return;
  const scope = scopeFor(ctx.target, job, step);
  for (const span of findExpressions(code)) {
    const taint = worstTaint(expressionTaint(span.inner, scope));
    if (!taint) continue;
    const fix = fixFor(span.inner, span.text, taint.origin, sink);
    ctx.report({
      at: locateInValue(ctx.target.source, node, code, span.start, span.text),
      job: job?.id,
      step: step.index,
      severity: taint.severity,
      confidence: taint.confidence,
      message:
        `${stepLabel(step, job)} expands ${expressionWithOrigin(span.text, taint)} into its ${where}; ${whoControls(taint)}; ` +
        fix,
    });
  }
}

/** The fix sentence: an `env:` entry read as a variable; for `env.X` only the read changes. */
function fixFor(inner: string, expression: string, origin: string, sink: CodeSink): string {
  const envRef = /^env\.([A-Za-z_][\w-]*)$/.exec(inner.trim());
  if (envRef && envRef[1]) return `the value is already in the environment: use ${sink.envRead(envRef[1])} instead of the expression`;
  const simple = /^[\w.*-]+$/.test(inner.trim());
  const paths = contextPaths(inner);
  const name = envNameFor(simple ? inner : (paths[0]?.path ?? origin));
  return `pass it through env: (${name}: ${expression}) and use ${sink.envRead(name)} instead`;
}
