import type { Position } from "../model/source.js";
import type { JobModel, PermissionsModel, WorkflowModel } from "../model/types.js";
import { requiredPermissions, type ComputeOptions, type RequiredPermissions } from "./compute.js";
import { allScopes, covers, grantEntries, isScope, maxAccess, type Access, type Grants, type Scope } from "./scopes.js";

/** What a `permissions:` block grants, as scopes (`none` and unknown names dropped). */
export function declaredGrants(block: PermissionsModel): Grants {
  if (block.kind === "all") return allScopes(block.level);
  const out: Grants = {};
  for (const [name, { level }] of block.scopes) if (isScope(name) && level !== "none") out[name] = level;
  return out;
}

/**
 * True when granting `scope` at `level` is more than the job needs. `contents: read` is never
 * excess (the restricted default, and what most scripts assume), nor is `id-token: write` in a
 * job that runs code we cannot see (a test suite or script can request an OIDC token).
 */
export function exceeds(scope: Scope, level: Access, req: RequiredPermissions): boolean {
  const needed = maxAccess(req.scopes[scope], req.allowed[scope]);
  if (covers(needed, level)) return false;
  if (scope === "contents" && level === "read") return false;
  if (scope === "id-token" && req.opaque.length > 0) return false;
  return true;
}

export interface ScopeExcess {
  scope: Scope;
  declared: Access;
  pos: Position;
}

/** Scopes of a job's own map block it does not need; none when the job has steps we could not classify. */
export function jobExcess(block: PermissionsModel, req: RequiredPermissions): ScopeExcess[] {
  if (block.kind !== "map" || req.unknown.length > 0) return [];
  const out: ScopeExcess[] = [];
  for (const [name, { level, pos }] of block.scopes) {
    if (!isScope(name) || level === "none") continue;
    if (exceeds(name, level, req)) out.push({ scope: name, declared: level, pos });
  }
  return out;
}

export interface TopScopeExcess extends ScopeExcess {
  /** Inheriting jobs (fully classified) that do not need it. */
  unneededBy: string[];
  /** Inheriting jobs that need it, or may (steps we could not classify). */
  neededBy: string[];
}

/** Scopes of the top-level map block that some inheriting job does not need, or (writes) that no job inherits. */
export function topExcess(workflow: WorkflowModel, reqs: ReadonlyMap<string, RequiredPermissions>): TopScopeExcess[] {
  const block = workflow.permissions;
  if (!block || block.kind !== "map") return [];
  const heirs = inheritors(workflow);
  const out: TopScopeExcess[] = [];
  for (const [name, { level, pos }] of block.scopes) {
    if (!isScope(name) || level === "none") continue;
    if (heirs.length === 0) {
      if (level === "write") out.push({ scope: name, declared: level, pos, unneededBy: [], neededBy: [] });
      continue;
    }
    const unneededBy: string[] = [];
    const neededBy: string[] = [];
    for (const job of heirs) {
      const req = reqs.get(job.id);
      if (!req || req.unknown.length > 0 || !exceeds(name, level, req)) neededBy.push(job.id);
      else unneededBy.push(job.id);
    }
    if (unneededBy.length > 0) out.push({ scope: name, declared: level, pos, unneededBy, neededBy });
  }
  return out;
}

/** True when the excessive-permissions rule reports the top-level block. */
export function topFlagged(workflow: WorkflowModel, reqs: ReadonlyMap<string, RequiredPermissions>): boolean {
  const block = workflow.permissions;
  if (!block) return false;
  if (block.kind === "all") return block.level === "write" || inheritors(workflow).length > 0;
  return topExcess(workflow, reqs).length > 0;
}

/**
 * The top-level map cut down to what its inheriting jobs use, when that is enough to clear every
 * finding on it (no scope is needed by one job and too much for another); undefined otherwise.
 */
export function narrowedTop(workflow: WorkflowModel, reqs: ReadonlyMap<string, RequiredPermissions>): Grants | undefined {
  const block = workflow.permissions;
  if (!block || block.kind !== "map") return undefined;
  const heirs = inheritors(workflow);
  const out: Grants = {};
  for (const [scope, level] of grantEntries(declaredGrants(block))) {
    let keep: Access | undefined;
    for (const job of heirs) {
      const req = reqs.get(job.id);
      if (!req || req.unknown.length > 0) return undefined; // it may need anything it has now
      const used = maxAccess(req.scopes[scope], req.allowed[scope]);
      keep = maxAccess(keep, used === "write" ? level : used);
    }
    if (scope === "contents" && level === "read" && heirs.length > 0) keep = "read";
    if (keep) out[scope] = keep;
  }
  for (const job of heirs) {
    const req = reqs.get(job.id);
    if (!req) return undefined;
    for (const [scope, level] of grantEntries(out)) if (exceeds(scope, level, req)) return undefined;
  }
  return out;
}

/** Jobs without a `permissions:` block of their own: they get the top-level one (or the default). */
export function inheritors(workflow: WorkflowModel): JobModel[] {
  return workflow.jobs.filter((job) => !job.permissions);
}

/** What each job needs, by job id. */
export function requirementsOf(workflow: WorkflowModel, options: ComputeOptions = {}): Map<string, RequiredPermissions> {
  return new Map(workflow.jobs.map((job) => [job.id, requiredPermissions(job, workflow, options)]));
}
