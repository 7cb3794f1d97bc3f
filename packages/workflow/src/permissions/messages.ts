import type { WorkflowModel } from "../model/types.js";
import { eventNames } from "../walk.js";
import type { RequiredPermissions } from "./compute.js";
import { formatGrants } from "./scopes.js";

/** `job \`a\``, `jobs \`a\`, \`b\`` or `jobs \`a\`, \`b\`, \`c\` and 4 more`. */
export function jobList(ids: readonly string[]): string {
  const shown = ids.slice(0, 3).map((id) => `\`${id}\``);
  const more = ids.length > 3 ? ` and ${ids.length - 3} more` : "";
  return `${ids.length === 1 ? "job" : "jobs"} ${shown.join(", ")}${more}`;
}

/** "`permissions: {contents: read}`", with the steps we could not classify when there are any. */
export function neededText(req: RequiredPermissions): string {
  const block = `\`permissions: ${formatGrants(req.scopes)}\``;
  if (req.unknown.length === 0) return `it needs ${block}`;
  return `the steps we could classify need ${block}; add what we could not classify: ${unknownList(req.unknown)}`;
}

export function unknownList(unknown: readonly string[]): string {
  const shown = unknown.slice(0, 2).join(" and ");
  return unknown.length > 2 ? `${shown} and ${unknown.length - 2} more` : shown;
}

/** Triggers under which a write token meets untrusted input: findings there are more severe. */
const EXPOSED_TRIGGERS = new Set(["pull_request_target", "workflow_run", "issue_comment", "pull_request_review_comment", "issues", "discussion_comment"]);

export function exposedTrigger(workflow: WorkflowModel): string | undefined {
  return [...eventNames(workflow)].find((e) => EXPOSED_TRIGGERS.has(e));
}
