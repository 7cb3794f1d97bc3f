import { scalarText } from "../model/source.js";
import type { JobModel, WorkflowModel } from "../model/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { runsFetchedCode, untrustedFetches, type UntrustedFetch } from "../taint/checkout.js";
import { excludesForks, gatedBy } from "../taint/gates.js";
import { stepLabel } from "../taint/describe.js";
import { locateInValue } from "../taint/shell.js";
import { eventNames } from "../walk.js";

/** Triggers that run the base repository's workflow, with its secrets and a write token, for outsiders' events. */
const PRIVILEGED = ["pull_request_target", "issue_comment", "workflow_run"] as const;

/**
 * A privileged trigger is only dangerous when the job then runs code an outsider wrote: it checks
 * out the pull request's head (or downloads a fork run's artifacts) and runs a build, an install,
 * a script or a local action from it. The trigger alone is not reported.
 */
export const dangerousTrigger: Rule = {
  id: "dangerous-trigger",
  title: "Privileged trigger runs untrusted code",
  severity: "critical",
  confidence: "high",
  targets: ["workflow"],
  check(ctx) {
    const workflow = ctx.target;
    if (workflow.kind !== "workflow") return;
    const events = eventNames(workflow);
    const privileged = PRIVILEGED.filter((e) => events.has(e));
    if (privileged.length === 0) return;
    for (const job of workflow.jobs) {
      if (excludesForks(scalarText(job.if), privileged)) continue;
      for (const fetch of untrustedFetches(job, events)) {
        if (excludesForks(scalarText(fetch.step.if), privileged)) continue;
        checkFetch(ctx, workflow, job, fetch, triggerFor(fetch, privileged));
      }
    }
  },
};

function checkFetch(ctx: RuleContext, workflow: WorkflowModel, job: JobModel, fetch: UntrustedFetch, trigger: string): void {
  for (const step of job.steps) {
    if (step.index < fetch.step.index || (step === fetch.step && fetch.kind !== "script")) continue;
    const run = runsFetchedCode(step, fetch);
    if (!run) continue;
    const source = workflow.source;
    const at = fetch.needle !== undefined && fetch.offset !== undefined ? locateInValue(source, fetch.node, scalarText(fetch.node) ?? "", fetch.offset, fetch.needle) : source.positionOf(fetch.node);
    const earlier = job.steps.filter((s) => s.index <= fetch.step.index).map((s) => scalarText(s.run) ?? scalarText(s.with.get("script")));
    const gate = gatedBy(scalarText(job.if), scalarText(fetch.step.if), ...earlier) ?? (job.environmentName ? `the ${job.environmentName} environment's approval` : undefined);
    const runner = step === fetch.step ? "then runs it" : `${stepLabel(step)} runs it`;
    const fetched = fetch.kind === "artifact" ? `downloads ${fetch.what}${fetch.path ? ` into ${fetch.path}` : " into the workspace"}` : `fetches ${/workflow_run/.test(fetch.what) ? "the triggering run's code" : "the pull request's code"} (${fetch.what})`;
    ctx.report({
      at,
      job: job.id,
      step: fetch.step.index,
      severity: gate ? "high" : "critical",
      confidence: fetch.indirect ? "medium" : "high",
      message:
        `on ${trigger}, ${stepLabel(fetch.step, job)} ${fetched} and ${runner} (${run.what}) with the base repository's secrets and token` +
        (gate ? `, gated only by ${gate} (what runs is the head at that moment, not necessarily what was reviewed)` : "") +
        `; ${fixFor(fetch)}`,
    });
    return;
  }
}

function fixFor(fetch: UntrustedFetch): string {
  if (fetch.kind === "artifact") return "download artifacts outside the workspace (path: ${{ runner.temp }}/artifacts), treat them as data and never run or install from them";
  return "build and test pull requests in a pull_request workflow (no secrets) and pass results here as artifacts, or check out only the base branch";
}

/** The privileged trigger that brings this fetch about, for the message. */
function triggerFor(fetch: UntrustedFetch, privileged: readonly string[]): string {
  if (fetch.kind === "artifact" || /workflow_run/.test(fetch.what)) return privileged.includes("workflow_run") ? "workflow_run" : privileged[0]!;
  if (/issue\.number|gh\s+pr\s+checkout/.test(fetch.what) && privileged.includes("issue_comment")) return "issue_comment";
  return privileged.find((t) => t !== "workflow_run") ?? privileged[0]!;
}

