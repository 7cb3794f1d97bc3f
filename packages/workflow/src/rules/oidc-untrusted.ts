import { listOf, scalarText, valueOf, type Position } from "../model/source.js";
import type { JobModel, PermissionsModel, TriggerModel, WorkflowModel } from "../model/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { eventNames } from "../walk.js";
import { OUTSIDER_TRIGGERS, mayRunOn } from "../job-conditions.js";
import { cloudAuthOf, idTokenLevel } from "../credentials/cloud-auth.js";
import { pullRequestCheckoutIndex } from "../credentials/checkout.js";
import { input, stepAction } from "../step-inputs.js";

/**
 * `id-token: write` lets a job mint an OIDC token that clouds and registries exchange for real
 * credentials. Granting it where untrusted code or untrusted people drive the job, or to jobs
 * that never use it, hands out that identity for nothing.
 */
export const oidcUntrusted: Rule = {
  id: "oidc-untrusted",
  title: "OIDC token available to untrusted code or unneeded jobs",
  severity: "high",
  confidence: "medium",
  targets: ["workflow"],
  check(ctx) {
    const { target } = ctx;
    if (target.kind !== "workflow") return;
    untrustedTriggers(ctx, target);
    workflowWide(ctx, target);
    unboundCloudRoles(ctx, target);
  },
};

/** Where the job's `id-token: write` comes from, or undefined when it has none. */
function idTokenGrant(workflow: WorkflowModel, job: JobModel): { at: Position; inherited: boolean } | undefined {
  const own = job.permissions;
  const perms: PermissionsModel | undefined = own ?? workflow.permissions;
  if (idTokenLevel(perms) !== "write" || !perms) return undefined;
  const at = perms.kind === "map" ? (perms.scopes.get("id-token")?.pos ?? perms.pos) : perms.pos;
  return { at, inherited: own === undefined };
}

/** id-token in a workflow anyone can start (pull_request_target, issue_comment, workflow_run...). */
function untrustedTriggers(ctx: RuleContext, workflow: WorkflowModel): void {
  const privileged = [...eventNames(workflow)].filter((e) => OUTSIDER_TRIGGERS.has(e));
  if (privileged.length === 0) return;
  for (const job of workflow.jobs) {
    const grant = idTokenGrant(workflow, job);
    if (!grant) continue;
    const events = privileged.filter((e) => mayRunOn(job, e));
    if (events.length === 0) continue;
    const runsPrCode = pullRequestCheckoutIndex(job) >= 0;
    const on = events.join("/");
    ctx.report({
      at: grant.at,
      job: job.id,
      severity: runsPrCode ? "critical" : "high",
      confidence: runsPrCode ? "high" : "medium",
      message: runsPrCode
        ? `job ${job.id} can mint OIDC tokens for this repository (id-token: write${grant.inherited ? ", from the workflow" : ""}) while it runs pull-request code under ${on}, so that code can obtain whatever cloud or registry access the token is trusted for; drop id-token: write here and do the authenticated work in a job that runs only trusted code`
        : `job ${job.id} can mint OIDC tokens for this repository (id-token: write${grant.inherited ? ", from the workflow" : ""}) under ${on}, which people outside the project can trigger, and the token names the default branch; move the authenticated work to a workflow on push, release or workflow_dispatch and drop id-token: write here`,
    });
  }
}

/** Signs the job gives of using its OIDC token. `maybe`: it runs tools that might, out of sight. */
function oidcUse(workflow: WorkflowModel, job: JobModel): "yes" | "maybe" | "no" {
  if (job.uses) return "maybe"; // a reusable workflow may need it
  let maybe = false;
  for (const step of job.steps) {
    const action = stepAction(step) ?? "";
    if (cloudAuthOf(workflow.source, step)?.mode === "oidc") return "yes";
    if (/^(?:actions\/attest|sigstore\/|slsa-framework\/|rust-lang\/crates-io-auth-action|hashicorp\/vault-action|aws-actions\/|google-github-actions\/|azure\/|docker\/github-builder)/.test(action)) return "yes";
    if (action === "pypa/gh-action-pypi-publish" && input(step, "password") === undefined) return "yes";
    if (action === "codecov/codecov-action" && input(step, "use_oidc") === "true") return "yes";
    if (/goreleaser|ko-build|changesets|semantic-release/.test(action)) maybe = true;
    const run = scalarText(step.run) ?? "";
    if (/\bcosign\s+(?:sign|attest)|\bgitsign\b|ACTIONS_ID_TOKEN_REQUEST|--provenance|NPM_CONFIG_PROVENANCE|\b(?:npm|pnpm|yarn)\b[^\n]*\bpublish\b|\bgh\s+attestation\b/.test(run)) return "yes";
    if (/\b(?:make|goreleaser|ko|just|task|npx|\.\/[\w./-]+\.sh)\b/.test(run)) maybe = true;
    const env = [...step.env.keys(), ...job.env.keys()].join(" ");
    if (/COSIGN|SIGSTORE|OIDC/.test(env)) maybe = true;
  }
  return maybe ? "maybe" : "no";
}

/** Workflow-level id-token inherited by jobs that show no use of it. */
function workflowWide(ctx: RuleContext, workflow: WorkflowModel): void {
  const perms = workflow.permissions;
  if (idTokenLevel(perms) !== "write" || !perms) return;
  const inheriting = workflow.jobs.filter((j) => !j.permissions);
  if (inheriting.length < 2) return;
  const uses = inheriting.map((job) => ({ job, use: oidcUse(workflow, job) }));
  const idle = uses.filter((u) => u.use === "no").map((u) => u.job.id);
  if (idle.length === 0) return;
  const users = uses.filter((u) => u.use !== "no").map((u) => u.job.id);
  const at = perms.kind === "map" ? (perms.scopes.get("id-token")?.pos ?? perms.pos) : perms.pos;
  ctx.report({
    at,
    severity: "medium",
    confidence: "medium",
    message: `workflow-level id-token: write reaches all ${inheriting.length} jobs, but ${list(idle)} ${idle.length === 1 ? "shows" : "show"} no use of OIDC; ${users.length > 0 ? `grant it in the permissions: of ${list(users)} only` : "grant it only in the job that signs or authenticates"}`,
  });
}

function list(ids: string[]): string {
  return ids.length === 1 ? `job ${ids[0]}` : `jobs ${ids.join(", ")}`;
}

/**
 * Cloud login by OIDC in a job that runs on refs anyone with write access controls (pull
 * requests, pushes to any branch) and has no environment: the role's trust policy cannot tell a
 * reviewed deploy from a branch experiment.
 */
function unboundCloudRoles(ctx: RuleContext, workflow: WorkflowModel): void {
  const open = workflow.triggers.filter(unprotectedRef);
  if (open.length === 0) return;
  for (const job of workflow.jobs) {
    if (job.environment !== undefined) continue;
    const events = open.map((t) => t.event).filter((e) => mayRunOn(job, e));
    if (events.length === 0) continue;
    for (const step of job.steps) {
      const auth = cloudAuthOf(workflow.source, step);
      if (auth?.mode !== "oidc") continue;
      ctx.report({
        at: ctx.target.source.positionOf(step.uses),
        job: job.id,
        step: step.index,
        severity: "medium",
        confidence: "medium",
        message: `job ${job.id} logs in to ${auth.provider} with OIDC on ${events.map(describe).join(" and ")} without an environment, so the cloud's trust policy must accept refs anyone with write access can create; run the login in a job with environment: (protected by reviewers or branch rules) and restrict the trust policy's sub to that environment`,
      });
    }
  }
}

function describe(event: string): string {
  return event === "push" ? "pushes to any branch" : event === "pull_request" ? "pull requests" : event;
}

/**
 * Triggers whose ref is not a protected branch or tag: `pull_request`, and `push` without a
 * `branches:`/`tags:` filter (or with a match-everything one).
 */
function unprotectedRef(trigger: TriggerModel): boolean {
  if (trigger.event === "pull_request") return true;
  if (trigger.event !== "push") return false;
  const branches = listOf(valueOf(trigger.config, "branches")).map(scalarText);
  if (branches.some((b) => b === "*" || b === "**")) return true;
  return branches.length === 0 && valueOf(trigger.config, "tags") === undefined;
}
