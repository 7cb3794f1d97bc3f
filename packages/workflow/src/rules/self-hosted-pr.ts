import { scalarText } from "../model/source.js";
import type { Rule } from "../rule.js";
import { selfHostedLabels } from "../knowledge/runners.js";
import { excludesForks } from "../taint/gates.js";
import { eventNames } from "../walk.js";

/** Triggers through which a fork's pull request runs, with what runs. */
const FORK_TRIGGERS: ReadonlyArray<{ event: string; runs: "fork code" | "base code" }> = [
  { event: "pull_request", runs: "fork code" },
  { event: "pull_request_review", runs: "fork code" },
  { event: "pull_request_review_comment", runs: "fork code" },
  { event: "pull_request_target", runs: "base code" },
  { event: "issue_comment", runs: "base code" },
];

/**
 * A self-hosted runner keeps state between jobs and sits in your network. A workflow that forks
 * can trigger hands that machine to anyone who opens a pull request: directly under pull_request
 * (the fork's code runs), or through any injection under pull_request_target / issue_comment.
 */
export const selfHostedPr: Rule = {
  id: "self-hosted-pr",
  title: "Self-hosted runner reachable from fork pull requests",
  severity: "high",
  confidence: "high",
  targets: ["workflow"],
  check(ctx) {
    const workflow = ctx.target;
    if (workflow.kind !== "workflow") return;
    const events = eventNames(workflow);
    const triggers = FORK_TRIGGERS.filter((t) => events.has(t.event));
    if (triggers.length === 0) return;
    const forkEvents = triggers.map((t) => t.event);
    for (const job of workflow.jobs) {
      if (job.uses || excludesForks(scalarText(job.if), forkEvents)) continue;
      const label = selfHostedLabels(job)[0];
      if (!label) continue;
      const worst = triggers.find((t) => t.runs === "fork code") ?? triggers[0]!;
      const what = worst.runs === "fork code" ? "any fork's pull request runs its own code" : "any fork's pull request starts this job, one injection away from running its code";
      ctx.report({
        at: workflow.source.positionOf(label.node),
        job: job.id,
        severity: worst.runs === "fork code" ? "high" : "medium",
        confidence: label.certainty === "explicit" ? "high" : "medium",
        message:
          `job ${job.id} runs on ${label.certainty === "explicit" ? "a self-hosted runner" : `runner label '${label.label}', which GitHub does not host`} and the workflow runs on ${worst.event}, so ${what} on your machine, which keeps state between jobs and can reach your network; ` +
          `run pull-request jobs on GitHub-hosted runners, or limit this job to this repository's branches (if: github.event.pull_request.head.repo.full_name == github.repository)`,
      });
    }
  },
};
