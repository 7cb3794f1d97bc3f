import type { Rule, RuleContext } from "../rule.js";
import type { JobModel, WorkflowModel } from "../model/types.js";
import { cacheUse, type CacheUse } from "../knowledge/caches.js";
import { untrustedFetches } from "../taint/checkout.js";
import { excludesForks } from "../taint/gates.js";
import { stepLabel } from "../taint/describe.js";
import { releaseTriggers, shippingJobs } from "../knowledge/publishing.js";
import { scalarText } from "../model/source.js";
import { eventNames } from "../walk.js";

/**
 * A GitHub Actions cache entry saved by any run in the default branch's scope is restored by tag
 * and release runs. So whoever gets code to run there (an injected script, a pull_request_target
 * job building a fork) chooses the dependencies and tools a release build restores. Reported:
 * cache restores in jobs that ship (release triggers, publishing steps, and the jobs feeding
 * them), and caches in pull_request_target jobs that build a fork's code.
 */
export const cachePoisoning: Rule = {
  id: "cache-poisoning",
  title: "Cache restored where a poisoned entry would ship, or written by untrusted code",
  severity: "high",
  confidence: "low",
  targets: ["workflow"],
  check(ctx) {
    const workflow = ctx.target;
    if (workflow.kind !== "workflow") return;
    checkShipping(ctx, workflow);
    checkPullRequestTarget(ctx, workflow);
  },
};

function checkShipping(ctx: RuleContext, workflow: WorkflowModel): void {
  const triggers = releaseTriggers(workflow);
  const shipping = shippingJobs(workflow, triggers.length > 0);
  for (const job of workflow.jobs) {
    const reason = shipping.get(job.id);
    if (!reason) continue;
    const why = triggers.length > 0 ? `a workflow run on ${triggers.join(" and ")}, and this job ${reason}` : `a job that ${reason}`;
    for (const step of job.steps) {
      const use = cacheUse(step, workflow.source);
      if (!use) continue;
      ctx.report({
        at: workflow.source.positionOf(use.node),
        job: job.id,
        step: step.index,
        severity: "high",
        confidence: use.how === "explicit" && triggers.length > 0 ? "medium" : "low",
        message:
          `${stepLabel(step, job)} restores a GitHub Actions cache (${use.action}, ${use.detail}) in ${why}; ` +
          `code that runs once in the default branch's cache scope can plant entries this build restores and ships; ${use.fix} in release jobs`,
      });
    }
  }
}

function checkPullRequestTarget(ctx: RuleContext, workflow: WorkflowModel): void {
  const events = eventNames(workflow);
  if (!events.has("pull_request_target")) return;
  for (const job of workflow.jobs) {
    if (excludesForks(scalarText(job.if), ["pull_request_target"])) continue;
    const fetch = untrustedFetches(job, events).find((f) => f.kind !== "artifact");
    if (!fetch) continue;
    for (const step of job.steps) {
      const use = cacheUse(step, workflow.source);
      if (use) reportWriter(ctx, workflow, job, step.index, use, fetch.what);
    }
  }
}

function reportWriter(ctx: RuleContext, workflow: WorkflowModel, job: JobModel, index: number, use: CacheUse, fetched: string): void {
  const step = job.steps.find((s) => s.index === index)!;
  ctx.report({
    at: workflow.source.positionOf(use.node),
    job: job.id,
    step: index,
    severity: "high",
    confidence: "medium",
    message:
      `${stepLabel(step, job)} uses a GitHub Actions cache (${use.action}, ${use.detail}) in a pull_request_target job that checks out the pull request (${fetched}); ` +
      `entries it saves land in the base branch's scope, where release builds restore them; ${use.fix} here`,
  });
}
