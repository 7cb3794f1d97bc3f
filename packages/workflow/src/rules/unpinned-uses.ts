import { scalarText } from "../model/source.js";
import type { Rule } from "../rule.js";
import { FIRST_PARTY_OWNERS, actionName, isShaRef, parseUses } from "../uses.js";
import { allSteps } from "../walk.js";
import type { Scalar } from "yaml";

/**
 * Actions and reusable workflows must be pinned to a full commit SHA: a tag or branch can be
 * moved to new code after review (tj-actions/changed-files, March 2025).
 */
export const unpinnedUses: Rule = {
  id: "unpinned-uses",
  title: "Action or reusable workflow not pinned to a commit SHA",
  severity: "high",
  confidence: "high",
  check(ctx) {
    const { target } = ctx;
    const source = target.source;
    const checkUses = (node: Scalar, job?: string, step?: number) => {
      const raw = scalarText(node);
      if (!raw) return;
      const ref = parseUses(raw);
      if (ref.kind !== "remote" || isShaRef(ref.ref)) return;
      const name = actionName(ref);
      // The SLSA generator's reusable workflows verify the tag they are called by and fail on a SHA.
      if (ref.reusable && name.startsWith("slsa-framework/slsa-github-generator/") && /^v\d+\.\d+\.\d+$/.test(ref.ref ?? "")) return;
      const firstParty = FIRST_PARTY_OWNERS.has(ref.owner.toLowerCase());
      const what = ref.reusable ? "reusable workflow" : "action";
      const message =
        ref.ref === undefined
          ? `${what} ${name} has no ref at all; pin it to a commit SHA with a # vX.Y.Z comment`
          : `${what} ${name}@${ref.ref} is pinned to a ${/^v?\d+(\.\d+)*$/.test(ref.ref) ? "tag" : "branch or tag"} that can move; pin it to the commit SHA (peptide audit --fix does) with a # ${ref.ref} comment`;
      ctx.report({
        at: source.positionOf(node),
        message,
        job,
        step,
        severity: firstParty ? "medium" : "high",
        fix: ref.ref === undefined ? undefined : { kind: "pin", action: [ref.owner, ref.repo].join("/"), ref: ref.ref, line: source.positionOf(node).line },
      });
    };
    for (const { step, job } of allSteps(target)) if (step.uses) checkUses(step.uses, job?.id, step.index);
    if (target.kind === "workflow") for (const job of target.jobs) if (job.uses) checkUses(job.uses, job.id);
  },
};
