import type { FindingFix, Severity } from "../finding.js";
import type { RequiredPermissions } from "../permissions/compute.js";
import { inheritors, jobExcess, requirementsOf, topExcess } from "../permissions/excess.js";
import { exposedTrigger, jobList, neededText } from "../permissions/messages.js";
import { formatGrants, grantEntries } from "../permissions/scopes.js";
import type { JobModel, WorkflowModel } from "../model/types.js";
import type { Rule, RuleContext } from "../rule.js";

/**
 * A `permissions:` block that grants more than the jobs under it need: `write-all`, `read-all`,
 * or a scope none of the job's steps uses. Scopes of a job with steps we could not classify are
 * not reported (those steps may need them); `write-all` is, with low confidence.
 */
export const excessivePermissions: Rule = {
  id: "excessive-permissions",
  title: "GITHUB_TOKEN permissions broader than the job needs",
  severity: "medium",
  confidence: "high",
  targets: ["workflow"],
  check(ctx) {
    const workflow = ctx.target;
    if (workflow.kind !== "workflow") return;
    const reqs = requirementsOf(workflow);
    const writeSeverity: Severity = exposedTrigger(workflow) ? "high" : "medium";
    checkTopLevel(ctx, workflow, reqs, writeSeverity);
    for (const job of workflow.jobs) {
      const req = reqs.get(job.id);
      if (job.permissions && req) checkJob(ctx, job, req, writeSeverity);
    }
  },
};

const TOP_FIX: FindingFix = { kind: "permissions", scopes: {} };

function jobFix(job: JobModel, req: RequiredPermissions): FindingFix | undefined {
  return req.unknown.length > 0 ? undefined : { kind: "permissions", job: job.id, scopes: Object.fromEntries(grantEntries(req.scopes)) };
}

function checkTopLevel(ctx: RuleContext, workflow: WorkflowModel, reqs: ReadonlyMap<string, RequiredPermissions>, writeSeverity: Severity): void {
  const block = workflow.permissions;
  if (!block) return;
  const heirs = inheritors(workflow);
  if (block.kind === "all") {
    const needs = heirs.map((job) => `\`${job.id}\` needs ${needsOf(reqs.get(job.id))}`).slice(0, 3).join(", ");
    if (heirs.length === 0 && block.level === "read") return; // overridden everywhere, and only reads (the Scorecard template)
    const message =
      heirs.length === 0
        ? `top-level \`permissions: ${block.level}-all\` is unused (every job sets its own) but any new job would inherit it; set \`permissions: {}\``
        : `top-level \`permissions: ${block.level}-all\` gives ${jobList(heirs.map((j) => j.id))} ${block.level} access to every scope; ${needs}; set \`permissions: {}\` at the top and grant each job its own (peptide audit --fix does)`;
    const unknown = heirs.some((job) => (reqs.get(job.id)?.unknown.length ?? 0) > 0);
    ctx.report({
      at: block.pos,
      message,
      severity: block.level === "write" ? "high" : "low",
      confidence: unknown && block.level === "write" ? "medium" : "high",
      fix: TOP_FIX,
    });
    return;
  }
  for (const excess of topExcess(workflow, reqs)) {
    const grant = `\`${excess.scope}: ${excess.declared}\``;
    let message: string;
    if (excess.unneededBy.length === 0) {
      message = `top-level ${grant} is unused (every job sets its own \`permissions:\`) but any new job would inherit it; remove it`;
    } else if (excess.neededBy.length > 0) {
      message = `top-level ${grant} is inherited by ${jobList(excess.unneededBy)}, which ${excess.unneededBy.length === 1 ? "does" : "do"} not need it (only ${jobList(excess.neededBy)} may); grant it there and set \`permissions: {}\` at the top (peptide audit --fix does)`;
    } else {
      const needs = excess.unneededBy.map((id) => `\`${id}\` needs ${needsOf(reqs.get(id))}`).slice(0, 3).join(", ");
      message = `top-level ${grant} is inherited by ${jobList(excess.unneededBy)}, none of which needs it; ${needs} (peptide audit --fix writes them)`;
    }
    ctx.report({
      at: excess.pos,
      message,
      severity: excess.unneededBy.length === 0 || excess.declared === "read" ? "low" : writeSeverity,
      fix: TOP_FIX,
    });
  }
}

function checkJob(ctx: RuleContext, job: JobModel, req: RequiredPermissions, writeSeverity: Severity): void {
  const block = job.permissions;
  if (!block) return;
  const unknown = req.unknown.length > 0;
  if (block.kind === "all") {
    ctx.report({
      at: block.pos,
      job: job.id,
      message: `job \`${job.id}\` has \`permissions: ${block.level}-all\`, ${block.level} access to every scope; ${neededText(req)}`,
      severity: block.level === "write" ? "high" : "low",
      confidence: unknown ? "low" : "high",
      fix: jobFix(job, req),
    });
    return;
  }
  for (const excess of jobExcess(block, req)) {
    const grant = `\`${excess.scope}: ${excess.declared}\``;
    const onlyReads = excess.declared === "write" && req.scopes[excess.scope] === "read";
    ctx.report({
      at: excess.pos,
      job: job.id,
      message: `job \`${job.id}\` has ${grant}, ${onlyReads ? "but its steps only read" : "which none of its steps needs"}; ${neededText(req)}`,
      severity: excess.declared === "write" ? writeSeverity : "low",
      fix: jobFix(job, req),
    });
  }
}

function needsOf(req: RequiredPermissions | undefined): string {
  if (!req) return "`{}`";
  const block = `\`${formatGrants(req.scopes)}\``;
  return req.unknown.length > 0 ? `${block} plus whatever ${req.unknown.length === 1 ? "one step we could not classify needs" : `${req.unknown.length} steps we could not classify need`}` : block;
}
