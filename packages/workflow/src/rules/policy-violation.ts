import { listOf, scalarText, valueOf, type Position } from "../model/source.js";
import type { JobModel, PermissionLevel, WorkflowModel } from "../model/types.js";
import type { JobClass } from "../policy/config.js";
import { globToRegExp, matchesAny } from "../policy/glob.js";
import type { Rule } from "../rule.js";
import { isGithubToken, jobSecretRefs } from "../credentials/secret-refs.js";
import { artifactWrites, deploySteps } from "../deploy/detect.js";
import { mayRunOn } from "../job-conditions.js";

/** Every scope `write-all` / `read-all` grants. */
const ALL_SCOPES = [
  "actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token", "issues", "models",
  "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses",
];
const LEVEL: Record<PermissionLevel, number> = { none: 0, read: 1, write: 2 };

/** Triggers whose `branches:` filter names the branches the workflow runs on. */
const BRANCH_EVENTS = new Set(["push", "pull_request", "pull_request_target"]);

/**
 * Checks each job against the job classes of the policy (`classes:` in .github/peptide.yml):
 * which secrets it may read, whether it may deploy or write artifacts, whether it needs an
 * environment, and the most token permissions it may hold.
 */
export const policyViolation: Rule = {
  id: "policy-violation",
  title: "Job breaks its class in the Peptide policy",
  severity: "high",
  confidence: "high",
  targets: ["workflow"],
  check(ctx) {
    const { target, config } = ctx;
    if (target.kind !== "workflow" || config.classes.length === 0) return;
    const policy = config.file ?? "the policy";
    for (const job of target.jobs) {
      for (const cls of config.classes) {
        if (!matches(target, job, cls)) continue;
        const v: Violation = (at, what, fix, confidence) =>
          ctx.report({ at, job: job.id, confidence, message: `job ${job.id} ${what}, which class ${cls.name} of ${policy} does not allow; ${fix}` });
        checkSecrets(target, job, cls, v);
        checkShipping(target, job, cls, v);
        checkEnvironment(target, job, cls, v);
        checkPermissions(target, job, cls, v);
      }
    }
  },
};

type Violation = (at: Position, what: string, fix: string, confidence?: "high" | "medium") => void;

/** A job belongs to a class when every criterion the class gives matches (any of its values). */
function matches(workflow: WorkflowModel, job: JobModel, cls: JobClass): boolean {
  const { events, branches, environments, jobs, files } = cls.match;
  if (events && !workflow.triggers.some((t) => events.includes(t.event) && mayRunOn(job, t.event))) return false;
  if (branches && !runsOnBranches(workflow, job, branches)) return false;
  if (environments && !(job.environmentName !== undefined && environments.some((e) => globToRegExp(e).test(job.environmentName!)))) return false;
  if (jobs && !jobs.some((j) => globToRegExp(j).test(job.id))) return false;
  if (files && !matchesAny(workflow.source.path, files)) return false;
  return true;
}

/**
 * Whether a push or pull-request trigger of the workflow can run on one of the branches. A
 * trigger without a branch filter runs on every branch; one with only `tags:` on none.
 */
function runsOnBranches(workflow: WorkflowModel, job: JobModel, wanted: string[]): boolean {
  for (const trigger of workflow.triggers) {
    if (!BRANCH_EVENTS.has(trigger.event) || !mayRunOn(job, trigger.event)) continue;
    const config = trigger.config;
    const filter = listOf(valueOf(config, "branches")).map(scalarText).filter((b): b is string => b !== undefined);
    const ignore = listOf(valueOf(config, "branches-ignore")).map(scalarText).filter((b): b is string => b !== undefined);
    if (filter.length === 0) {
      if (trigger.event === "push" && valueOf(config, "tags") !== undefined && ignore.length === 0) continue;
      if (wanted.some((w) => !ignore.some((i) => globToRegExp(i).test(w)))) return true;
      continue;
    }
    const positive = filter.filter((f) => !f.startsWith("!"));
    if (positive.some((f) => wanted.some((w) => globToRegExp(f).test(w) || globToRegExp(w).test(f)))) return true;
  }
  return false;
}

function checkSecrets(workflow: WorkflowModel, job: JobModel, cls: JobClass, v: Violation): void {
  if (cls.secrets !== "none" && cls.secrets !== "minimal") return;
  const source = workflow.source;
  if (scalarText(job.secrets) === "inherit" && job.uses) v(source.positionOf(job.secrets), "passes every secret to a reusable workflow with `secrets: inherit`", "pass only the secrets it needs by name");
  const refs = jobSecretRefs(workflow, job).filter((r) => !isGithubToken(r));
  if (cls.secrets === "minimal") {
    for (const ref of refs) if (ref.kind !== "named") v(ref.pos, `reads the whole secrets context (${ref.expression})`, "read each secret it needs by name");
    return;
  }
  const seen = new Set<string>();
  for (const ref of refs) {
    const name = ref.kind === "named" ? `secrets.${ref.name}` : ref.expression;
    if (seen.has(name)) continue;
    seen.add(name);
    v(ref.pos, `reads ${name}`, "move the step that needs it to a job of a class that may hold secrets");
  }
}

function checkShipping(workflow: WorkflowModel, job: JobModel, cls: JobClass, v: Violation): void {
  const source = workflow.source;
  if (cls.deploy === false) {
    for (const d of deploySteps(source, job.steps, job)) v(d.at, `ships with ${d.what} (${d.kind})`, "move it to a deploy job of a class that may deploy", d.conditional ? "medium" : "high");
  }
  if (cls.artifactWrite === false) {
    for (const w of artifactWrites(source, job.steps, job)) v(w.at, `writes something that outlives the job with ${w.what}`, "move it to a job of a class that may write artifacts");
  }
}

function checkEnvironment(workflow: WorkflowModel, job: JobModel, cls: JobClass, v: Violation): void {
  const source = workflow.source;
  if (cls.environment === "required" && job.environment === undefined && !job.uses) v(source.positionOf(job.keyNode), "runs without an environment:", "add `environment: <name>` and protect that environment");
  if (cls.environment === "forbidden" && job.environment !== undefined) v(source.positionOf(job.environment), `runs in environment ${job.environmentName ?? scalarText(job.environment) ?? "(expression)"}`, "remove the environment: so its secrets stay out of this job");
}

function checkPermissions(workflow: WorkflowModel, job: JobModel, cls: JobClass, v: Violation): void {
  const allowed = cls.permissions;
  if (!allowed) return;
  const perms = job.permissions ?? workflow.permissions;
  const source = workflow.source;
  const limit = (scope: string): PermissionLevel => allowed[scope] ?? "none";
  if (!perms) {
    v(source.positionOf(job.keyNode), "has no permissions: block (here or at the top of the workflow), so its token gets the repository's default permissions, possibly write-all", `set permissions: within ${describeLimits(allowed)}`);
    return;
  }
  const from = job.permissions ? "" : " (from the workflow's permissions:)";
  if (perms.kind === "all") {
    const over = ALL_SCOPES.filter((s) => !(perms.level === "read" && s === "id-token") && LEVEL[perms.level] > LEVEL[limit(s)]);
    if (over.length > 0) v(perms.pos, `holds ${perms.level}-all${from}`, `list the scopes it needs within ${describeLimits(allowed)}`);
    return;
  }
  for (const [scope, grant] of perms.scopes) {
    if (scope === "metadata") continue;
    if (LEVEL[grant.level] > LEVEL[limit(scope)]) v(grant.pos, `holds ${scope}: ${grant.level}${from}`, `the class allows at most ${scope}: ${limit(scope)}`);
  }
}

function describeLimits(allowed: Record<string, PermissionLevel>): string {
  const scopes = Object.entries(allowed).filter(([, level]) => level !== "none");
  return scopes.length === 0 ? "permissions: {}" : scopes.map(([scope, level]) => `${scope}: ${level}`).join(", ");
}
