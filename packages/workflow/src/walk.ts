import type { JobModel, StepModel, AuditTarget, WorkflowModel } from "./model/types.js";

/** Every step of a workflow's jobs or of a composite action, with its job when there is one. */
export function* allSteps(target: AuditTarget): Generator<{ step: StepModel; job?: JobModel }> {
  if (target.kind === "action") {
    for (const step of target.steps) yield { step };
    return;
  }
  for (const job of target.jobs) for (const step of job.steps) yield { step, job };
}

export function eventNames(workflow: WorkflowModel): Set<string> {
  return new Set(workflow.triggers.map((t) => t.event));
}

/** Triggers that run with the base repository's secrets and a write token on untrusted input. */
export const PRIVILEGED_TRIGGERS = new Set(["pull_request_target", "workflow_run", "issue_comment", "pull_request_review", "pull_request_review_comment", "discussion", "discussion_comment", "issues"]);

/** Triggers through which code from a fork can run. */
export const UNTRUSTED_CODE_TRIGGERS = new Set(["pull_request", "pull_request_target", "workflow_run", "issue_comment", "merge_group"]);
