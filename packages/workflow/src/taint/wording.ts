import type { Taint } from "./contexts.js";

/** Who chooses the tainted text, in the words of a finding message. */
export function whoControls(taint: Taint): string {
  switch (taint.via) {
    case "action":
      return taint.origin.startsWith("inputs.") ? "the workflow using this action decides this input, often from issue or pull-request text" : "under a privileged trigger of the calling workflow an outsider chooses this text";
    case "workflow_call":
      return taint.origin.startsWith("inputs.") ? "a caller of this reusable workflow decides this input" : "a caller of this reusable workflow may run it on an event whose text an outsider chooses";
    case "workflow_dispatch":
    case "repository_dispatch":
      return `whoever can dispatch the workflow (${taint.via}) chooses this text`;
    case "push":
      return "under push this text comes from pushed or merged commits and branches, which contributors write";
    case "pull_request":
    case "pull_request_review":
    case "pull_request_review_comment":
      return `under ${taint.via} a fork's author chooses this text (the token is read-only there, so the impact is limited)`;
    default:
      return taint.confidence === "low"
        ? `under ${taint.via} its content cannot be traced statically and may come from an outsider`
        : `under ${taint.via} an outsider chooses this text and the job runs with the base repository's token and secrets`;
  }
}

/** `${{ x }}`, and what it carries when that differs: `${{ env.T }} (carrying github.event.issue.title)`. */
export function expressionWithOrigin(expression: string, taint: Taint): string {
  const bare = taint.origin.replace(/\s*\(.*$/, "");
  return expression.toLowerCase().includes(bare) ? expression : `${expression} (carrying ${taint.origin})`;
}
