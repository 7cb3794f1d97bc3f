import { requiredPermissions } from "../permissions/compute.js";
import { exposedTrigger, neededText } from "../permissions/messages.js";
import { grantEntries } from "../permissions/scopes.js";
import { scalarText } from "../model/source.js";
import type { Rule } from "../rule.js";

/**
 * A job that sets no `permissions:` in a workflow that sets none at the top runs with the
 * repository's default GITHUB_TOKEN, which in many organisations can write to everything. A
 * workflow without a top-level block whose jobs all declare their own is fine: each job is scoped.
 */
export const missingPermissions: Rule = {
  id: "missing-permissions",
  title: "Job runs with the default GITHUB_TOKEN permissions",
  severity: "medium",
  confidence: "high",
  targets: ["workflow"],
  check(ctx) {
    const workflow = ctx.target;
    if (workflow.kind !== "workflow" || workflow.permissions) return;
    const exposed = exposedTrigger(workflow) !== undefined;
    for (const job of workflow.jobs) {
      if (job.permissions) continue;
      const req = requiredPermissions(job, workflow);
      const opaqueCall = job.uses !== undefined && req.unknown.length > 0;
      const message = opaqueCall
        ? `job \`${job.id}\` calls \`${(scalarText(job.uses) ?? "").replace(/@.*/, "")}\` with the default GITHUB_TOKEN permissions (write to everything in many orgs); give it a \`permissions:\` block with what the called workflow's jobs need (\`permissions: {}\` if nothing)`
        : `job \`${job.id}\` runs with the default GITHUB_TOKEN permissions (write to everything in many orgs); ${neededText(req)} (peptide audit --fix writes it)`;
      ctx.report({
        at: workflow.source.positionOf(job.keyNode),
        job: job.id,
        message,
        severity: exposed ? "high" : undefined,
        confidence: opaqueCall ? "medium" : undefined,
        fix: opaqueCall ? undefined : { kind: "permissions", job: job.id, scopes: Object.fromEntries(grantEntries(req.scopes)) },
      });
    }
  },
};
