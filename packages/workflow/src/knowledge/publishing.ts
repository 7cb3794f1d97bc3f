import { listOf, scalarText, valueOf } from "../model/source.js";
import type { JobModel, PermissionsModel, WorkflowModel } from "../model/types.js";
import { actionName, parseUses } from "../uses.js";

/** Signs that a job ships something: a release, a package, an image, a deployment, a signature. */

const PUBLISHER_ACTIONS = [
  "pypa/gh-action-pypi-publish", "rubygems/release-gem", "jreleaser/release-action", "goreleaser/goreleaser-action",
  "softprops/action-gh-release", "ncipollo/release-action", "svenstaro/upload-release-action", "js-devtools/npm-publish",
  "changesets/action", "redhat-actions/push-to-registry", "aws-actions/amazon-ecs-deploy-task-definition",
  "aws-actions/aws-cloudformation-github-deploy", "azure/webapps-deploy", "azure/functions-action", "azure/container-apps-deploy-action",
  "cloudflare/wrangler-action", "google-github-actions/deploy-cloudrun", "google-github-actions/deploy-appengine",
  "google-github-actions/deploy-cloud-functions", "actions/deploy-pages", "actions/attest-build-provenance", "actions/attest",
  "slsa-framework/slsa-github-generator",
];

const PUBLISH_COMMAND =
  /\b(?:npm|pnpm|yarn(?:\s+npm)?)\s+publish\b|\btwine\s+upload\b|\b(?:poetry|uv|hatch|flit)\s+publish\b|\bcargo\s+publish\b|\bgem\s+push\b|\bgh\s+release\s+(?:create|upload)\b|\bdocker\s+(?:image\s+)?push\b|\bdocker\s+buildx\s+build\b[^\n]*--push\b|\bgoreleaser\s+release\b|\bmvn\b[^\n]*\bdeploy\b|\b(?:gradle|gradlew)\b[^\n]*\bpublish\w*\b|\b(?:dotnet\s+)?nuget\s+push\b|\bhelm\s+push\b|\bcosign\s+(?:sign|attest)\b|\bvsce\s+publish\b|\bcrane\s+(?:push|copy)\b|\boras\s+push\b|\bko\s+(?:build|publish)\b/;

/** What a workflow's triggers say about releasing: `tag pushes (on.push.tags)`, `the release event`. */
export function releaseTriggers(workflow: WorkflowModel): string[] {
  const out: string[] = [];
  for (const trigger of workflow.triggers) {
    if (trigger.event === "release") out.push("the release event");
    if (trigger.event !== "push") continue;
    if (valueOf(trigger.config, "tags") !== undefined) out.push("tag pushes (on.push.tags)");
    const branches = listOf(valueOf(trigger.config, "branches")).map(scalarText);
    if (branches.some((b) => b !== undefined && /release/i.test(b))) out.push("pushes to release branches");
  }
  return out;
}

/** Why a job counts as publishing (`publishes with x`, `runs npm publish`), or undefined. */
export function publishes(job: JobModel, workflow: WorkflowModel, byPermissions = true): string | undefined {
  for (const step of job.steps) {
    const uses = scalarText(step.uses);
    if (uses) {
      const ref = parseUses(uses);
      if (ref.kind !== "remote") continue;
      const name = actionName(ref);
      if (name === "docker/build-push-action" && scalarText(step.with.get("push"))?.trim() === "true") return `pushes an image (${name})`;
      if (name === "goreleaser/goreleaser-action" && !/^\s*release\b(?![^\n]*--snapshot)/.test(scalarText(step.with.get("args")) ?? "release")) continue;
      if (PUBLISHER_ACTIONS.some((p) => name === p || name.startsWith(`${p}/`))) return `publishes with ${name}`;
      continue;
    }
    const script = scalarText(step.run) ?? "";
    // pushing to a local test registry ships nothing
    if (/\b(?:localhost|127\.0\.0\.1|registry\.local|kind-registry)(?::\d+)?\//.test(script)) continue;
    // A line that matches is part of the script, so a script without a match has no such line.
    if (!PUBLISH_COMMAND.test(script)) continue;
    for (const line of script.split("\n")) {
      const m = PUBLISH_COMMAND.exec(line);
      // a goreleaser snapshot or a dry run ships nothing
      if (m && !/--snapshot|--dry-run/.test(line)) return `runs ${m[0].replace(/\s+/g, " ").slice(0, 40)}`;
    }
  }
  const write = byPermissions ? writeScopes(job.permissions ?? workflow.permissions) : [];
  if (write.length > 0) return `holds ${write.join(", ")} write permission`;
  return undefined;
}

const SHIPPING_SCOPES = ["contents", "packages", "id-token", "attestations", "deployments", "pages"];

function writeScopes(permissions: PermissionsModel | undefined): string[] {
  if (!permissions) return [];
  if (permissions.kind === "all") return permissions.level === "write" ? ["all"] : [];
  return SHIPPING_SCOPES.filter((s) => permissions.scopes.get(s)?.level === "write");
}

/** The job hands something on: an artifact, or outputs. */
export function feedsLaterJobs(job: JobModel): boolean {
  if (valueOf(job.node, "outputs") !== undefined) return true;
  return job.steps.some((s) => {
    const uses = scalarText(s.uses);
    return uses !== undefined && /^actions\/upload-artifact@/i.test(uses.trim());
  });
}

/**
 * Jobs whose restored caches can reach what ships: publishing jobs, and jobs they (transitively)
 * need that hand artifacts or outputs on. Each with the reason. Write permissions count as
 * publishing only with `byPermissions` (in workflows that release by trigger).
 */
export function shippingJobs(workflow: WorkflowModel, byPermissions = true): ReadonlyMap<string, string> {
  let cached = shippingCache.get(workflow);
  if (!cached) shippingCache.set(workflow, (cached = {}));
  const key = byPermissions ? "byPermissions" : "byContent";
  return (cached[key] ??= findShippingJobs(workflow, byPermissions));
}

/** Worked out once per workflow (and way of counting) and shared by the rules that ask. */
const shippingCache = new WeakMap<WorkflowModel, { byPermissions?: Map<string, string>; byContent?: Map<string, string> }>();

function findShippingJobs(workflow: WorkflowModel, byPermissions: boolean): Map<string, string> {
  const out = new Map<string, string>();
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  const visit = (job: JobModel, reason: string) => {
    for (const need of job.needs) {
      const dep = byId.get(need);
      if (!dep || out.has(dep.id) || !feedsLaterJobs(dep)) continue;
      out.set(dep.id, `feeds job ${job.id}, which ${reason}`);
      visit(dep, reason);
    }
  };
  for (const job of workflow.jobs) {
    const reason = publishes(job, workflow, byPermissions) ?? (job.uses && job.secrets !== undefined ? "calls a reusable workflow with secrets" : undefined);
    if (!reason) continue;
    out.set(job.id, reason);
    visit(job, reason);
  }
  return out;
}
