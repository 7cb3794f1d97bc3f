import { comparison, implies, operatorOf, parseCondition, pathComparison, pathOf, type CondNode } from "./conditions.js";

/** Who can reach a job: conditions that keep forks out, and checks that let only some people in. */

/**
 * An `if:` that keeps forks out, or keeps the job off the privileged triggers, on every branch:
 * `head.repo.full_name == github.repository`, `head.repo.fork == false`, `merged == true`,
 * `workflow_run.event == 'push'`, `github.event_name == 'push'`.
 */
export function excludesForks(condition: string | undefined, privileged: readonly string[]): boolean {
  return implies(parseCondition(condition), (leaf) => keepsOutForks(leaf, privileged));
}

const SAME_REPO = /^github\.event\.(?:pull_request\.head\.repo|workflow_run\.head_repository)\.full_name$/;

function keepsOutForks(leaf: CondNode, privileged: readonly string[]): boolean {
  const paths = pathComparison(leaf);
  if (paths && paths.op === "==") {
    const other = paths.left === "github.repository" ? paths.right : paths.right === "github.repository" ? paths.left : undefined;
    if (other && SAME_REPO.test(other)) return true;
  }
  const c = comparison(leaf);
  if (c) {
    const value = typeof c.value === "string" ? c.value.toLowerCase() : c.value;
    if (/head\.repo\.fork$|head_repository\.fork$/.test(c.path)) return (c.op === "==" && (value === false || value === "false")) || (c.op === "!=" && (value === true || value === "true"));
    if (c.path === "github.event.pull_request.merged") return c.op === "==" && (value === true || value === "true");
    if (c.path === "github.event.workflow_run.event") return c.op === "==" && value !== "pull_request" && value !== "pull_request_target";
    if (c.path === "github.event_name" && typeof value === "string") {
      if (c.op === "==") return !privileged.includes(value);
      if (c.op === "!=") return privileged.length === 1 && privileged[0] === value;
    }
    return false;
  }
  if (operatorOf(leaf) === "!" && "expr" in leaf) return /head\.repo\.fork$|head_repository\.fork$/.test(pathOf(leaf.expr) ?? "");
  return pathOf(leaf) === "github.event.pull_request.merged";
}

/** A job `if:`, or a check in an earlier step's script, that lets only some people trigger it: a label, an author association, a permission check. */
export function gatedBy(...conditions: Array<string | undefined>): string | undefined {
  for (const c of conditions) {
    if (!c) continue;
    if (/author_association|authorAssociation/.test(c)) return "an author-association check";
    if (/getCollaboratorPermissionLevel|collaborators\/[^/]+\/permission/.test(c)) return "a permission check";
    if (/labels|label\.name/.test(c)) return "a label";
    if (/github\.(?:triggering_)?actor\s*==/.test(c)) return "an actor check";
  }
  return undefined;
}
