import { DEFAULT_ACTOR, DEFAULT_REPOSITORY, repositoryObject, userObject, type EventContext, type Payload } from "./repository.js";

export interface WorkflowDispatchContext extends EventContext {
  inputs?: Record<string, string | boolean | number>;
  /** Path of the workflow file, `.github/workflows/<name>.yml`. */
  workflow?: string;
}

/**
 * A `workflow_dispatch` event, trimmed from
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_dispatch
 */
export function workflowDispatchEvent(ctx: WorkflowDispatchContext = {}): Payload {
  const actor = ctx.actor ?? DEFAULT_ACTOR;
  return {
    inputs: ctx.inputs ?? {},
    ref: ctx.ref ?? "refs/heads/main",
    repository: repositoryObject(ctx.repository ?? DEFAULT_REPOSITORY),
    sender: userObject(actor),
    workflow: ctx.workflow ?? ".github/workflows/release.yml",
  };
}
