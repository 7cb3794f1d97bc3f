import { scalarText } from "../model/source.js";
import type { Rule } from "../rule.js";
import { actionName, isShaRef, parseUses } from "../uses.js";

/**
 * `secrets: inherit` hands every secret the caller can read (repository, organization and, in an
 * environment job, environment secrets) to a reusable workflow, whatever it needs. Worse when the
 * callee is another repository's and can change under a tag.
 */
export const secretsInherit: Rule = {
  id: "secrets-inherit",
  title: "Reusable workflow called with secrets: inherit",
  severity: "medium",
  confidence: "high",
  targets: ["workflow"],
  check(ctx) {
    const { target } = ctx;
    if (target.kind !== "workflow") return;
    for (const job of target.jobs) {
      if (!job.uses || scalarText(job.secrets) !== "inherit") continue;
      const raw = scalarText(job.uses) ?? "";
      const ref = parseUses(raw);
      const at = target.source.positionOf(job.secrets);
      const fix = "pass only the secrets it needs by name (`secrets: { NAME: ${{ secrets.NAME }} }`)";
      if (ref.kind === "local") {
        ctx.report({
          at,
          job: job.id,
          severity: "low",
          message: `job ${job.id} passes every secret this workflow can read to ${ref.path} with \`secrets: inherit\`; ${fix}, so a change to that workflow cannot quietly start reading the others`,
        });
        continue;
      }
      if (ref.kind !== "remote") continue;
      const name = actionName(ref);
      const pinned = isShaRef(ref.ref);
      ctx.report({
        at,
        job: job.id,
        severity: pinned ? "medium" : "high",
        message: pinned
          ? `job ${job.id} passes every secret this workflow can read to reusable workflow ${name} with \`secrets: inherit\`; ${fix}`
          : `job ${job.id} passes every secret this workflow can read to reusable workflow ${name}@${ref.ref ?? "(no ref)"}, which its owner can change at any time, with \`secrets: inherit\`; ${fix} and pin the workflow to a commit SHA`,
      });
    }
  },
};
