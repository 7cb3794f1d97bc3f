import { scalarText } from "../model/source.js";
import type { Severity } from "../finding.js";
import type { Rule } from "../rule.js";
import { eventNames } from "../walk.js";
import { deploySteps, type DeployKind, type DeployStep } from "../deploy/detect.js";
import { OUTSIDER_TRIGGERS, mayRunOn } from "../job-conditions.js";

const SEVERITY: Record<DeployKind, Severity> = { deploy: "high", publish: "medium", "image-push": "medium", release: "medium", pages: "low" };
const RANK: DeployKind[] = ["deploy", "publish", "image-push", "release", "pages"];

/** Triggers whose runs ship nothing of consequence: fork PRs get no secrets, previews are previews. */
const PREVIEW_ONLY = new Set(["pull_request", "merge_group"]);

/**
 * Jobs that deploy, publish, push images or write releases without a GitHub environment: no
 * required reviewer, wait timer or deployment-branch rule stands between a commit and
 * production. And environments on triggers outsiders can fire, where branch rules pass.
 */
export const unprotectedDeploy: Rule = {
  id: "unprotected-deploy",
  title: "Deploy job without a protected environment",
  severity: "medium",
  confidence: "high",
  targets: ["workflow"],
  check(ctx) {
    const { target } = ctx;
    if (target.kind !== "workflow") return;
    const source = target.source;
    const events = [...eventNames(target)];
    if (events.length > 0 && events.every((e) => PREVIEW_ONLY.has(e))) return;
    // A reusable workflow's release and publish jobs are gated by its callers' workflows and
    // tag rules; it is reported only when it changes a running environment itself.
    const callOnly = events.length > 0 && events.every((e) => e === "workflow_call");
    for (const job of target.jobs) {
      if (job.uses) continue; // the called workflow's jobs carry their own environments
      const deploys = deploySteps(source, job.steps, job).filter((d) => !callOnly || d.kind === "deploy");
      if (deploys.length === 0) continue;
      const worst = [...deploys].sort((a, b) => RANK.indexOf(a.kind) - RANK.indexOf(b.kind))[0]!;
      const what = summary(deploys);
      if (job.environment === undefined) {
        ctx.report({
          at: source.positionOf(job.keyNode),
          job: job.id,
          severity: SEVERITY[worst.kind],
          confidence: deploys.every((d) => d.conditional) ? "medium" : "high",
          message: `job ${job.id} ${what} without an environment:, so no required reviewer or deployment-branch rule gates it; add \`environment: ${callOnly ? "${{ inputs.environment }}" : "<name>"}\` and protect that environment (reviewers, allowed branches or tags), and keep its credentials as environment secrets`,
        });
        continue;
      }
      const outsider = events.filter((e) => OUTSIDER_TRIGGERS.has(e) && mayRunOn(job, e));
      if (outsider.length === 0) continue;
      const name = job.environmentName ?? scalarText(job.environment) ?? "its environment";
      ctx.report({
        at: source.positionOf(job.environment),
        job: job.id,
        severity: "high",
        confidence: "medium",
        message: `job ${job.id} ${what} in environment ${name} under ${outsider.join("/")}, which people outside the project can trigger and which runs on the default branch, so the environment's branch rules pass; deploy from push, release or workflow_dispatch instead, and require reviewers on ${name}`,
      });
    }
  },
};

function summary(deploys: DeployStep[]): string {
  const verbs: Record<DeployKind, string> = { deploy: "deploys", publish: "publishes packages", "image-push": "pushes images", release: "writes releases", pages: "publishes a site" };
  const first = deploys[0]!;
  const kinds = [...new Set(deploys.map((d) => d.kind))].map((k) => verbs[k]);
  const verb = kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(", ")} and ${kinds.at(-1)}`;
  const more = deploys.length > 1 ? ` and ${deploys.length - 1} more step${deploys.length > 2 ? "s" : ""}` : "";
  return `${verb} (${first.what} at line ${first.at.line}${more})`;
}
