import { scalarText } from "./model/source.js";
import type { JobModel } from "./model/types.js";

/**
 * Triggers outsiders can fire that run in the base repository's context, on its default branch,
 * with its secrets and full token permissions. (Fork `pull_request` and `pull_request_review*`
 * runs get a read-only token, no secrets and no OIDC token.)
 */
export const OUTSIDER_TRIGGERS = new Set(["pull_request_target", "issue_comment", "workflow_run", "issues", "discussion", "discussion_comment"]);

/**
 * False when a job's `if:` keeps it off an event: `github.event_name == 'push'` for any other
 * event, `github.event_name != 'pull_request_target'` for that one. True when it cannot tell.
 */
export function mayRunOn(job: JobModel, event: string): boolean {
  const condition = scalarText(job.if) ?? "";
  if (!condition.includes("event_name")) return true;
  if (/\|\|/.test(condition)) return true; // alternatives: too loose to read statically
  const equals = [...condition.matchAll(/github\.event_name\s*==\s*['"]([\w-]+)['"]/g)].map((m) => m[1]);
  const differs = [...condition.matchAll(/github\.event_name\s*!=\s*['"]([\w-]+)['"]/g)].map((m) => m[1]);
  if (differs.includes(event)) return false;
  return equals.length === 0 || equals.includes(event);
}
