import { memoize } from "./memo.js";
import type { JobModel, StepModel, AuditTarget, WorkflowModel } from "./model/types.js";

/**
 * Every step of a workflow's jobs or of a composite action, with its job when there is one.
 * Listed once per file and shared by the rules: do not modify the result.
 */
export function allSteps(target: AuditTarget): ReadonlyArray<{ step: StepModel; job?: JobModel }> {
  return stepsOf(target);
}

const stepsOf = memoize((target: AuditTarget): Array<{ step: StepModel; job?: JobModel }> => {
  if (target.kind === "action") return target.steps.map((step) => ({ step }));
  const out: Array<{ step: StepModel; job?: JobModel }> = [];
  for (const job of target.jobs) for (const step of job.steps) out.push({ step, job });
  return out;
});

export function eventNames(workflow: WorkflowModel): Set<string> {
  return new Set(workflow.triggers.map((t) => t.event));
}

/** Triggers that run with the base repository's secrets and a write token on untrusted input. */
export const PRIVILEGED_TRIGGERS = new Set(["pull_request_target", "workflow_run", "issue_comment", "pull_request_review", "pull_request_review_comment", "discussion", "discussion_comment", "issues"]);

/** Triggers through which code from a fork can run. */
export const UNTRUSTED_CODE_TRIGGERS = new Set(["pull_request", "pull_request_target", "workflow_run", "issue_comment", "merge_group"]);
