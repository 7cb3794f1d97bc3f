import { pullRequestEvent } from "./pull-request.js";
import { pushEvent } from "./push.js";
import { releaseEvent } from "./release.js";
import type { EventContext, Payload } from "./repository.js";
import { workflowDispatchEvent } from "./workflow-dispatch.js";

export * from "./pull-request.js";
export * from "./push.js";
export * from "./release.js";
export * from "./repository.js";
export * from "./workflow-dispatch.js";

/** Sample payload factories by event name. */
export const SAMPLE_EVENTS = {
  push: pushEvent,
  pull_request: pullRequestEvent,
  workflow_dispatch: workflowDispatchEvent,
  release: releaseEvent,
} satisfies Record<string, (ctx?: EventContext) => Payload>;

export type SampleEventName = keyof typeof SAMPLE_EVENTS;

export function isSampleEventName(name: string): name is SampleEventName {
  return Object.hasOwn(SAMPLE_EVENTS, name);
}

/** The sample payload for an event name; throws for events without a sample. */
export function sampleEvent(name: string, ctx: EventContext = {}): Payload {
  if (!isSampleEventName(name)) throw new Error(`no sample payload for event "${name}"; pass event: {...} yourself (samples: ${Object.keys(SAMPLE_EVENTS).join(", ")})`);
  return SAMPLE_EVENTS[name](ctx);
}
