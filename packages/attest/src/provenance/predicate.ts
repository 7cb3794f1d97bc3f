import { PEPTIDE_BUILD_TYPE, type ResourceDescriptor, type SlsaProvenance } from "../types.js";
import type { BuildWorkflowFacts, UsedReference } from "./build-workflow.js";
import { splitWorkflowRef } from "./build-workflow.js";
import type { ProvenanceContext } from "./context.js";
import type { LockfileScan } from "./lockfiles.js";

/** What was read from the workspace; `gatherFacts` collects it, tests may give it directly. */
export interface BuildFacts {
  workflow: BuildWorkflowFacts;
  lockfiles: LockfileScan;
}

/**
 * The SLSA v1 predicate, a pure function of the context and the facts read from the workspace.
 * Every field and its source is listed in docs/provenance.md.
 */
export function provenancePredicate(context: ProvenanceContext, facts: BuildFacts): SlsaProvenance {
  const { claims, env } = context;
  const server = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  const workflow = splitWorkflowRef(claims.workflow_ref);
  const source = `git+${server}/${claims.repository}`;
  const sourceCommit: ResourceDescriptor = { uri: `${source}@${claims.ref}`, digest: { gitCommit: claims.sha } };
  const inputs = dispatchInputs(claims.event_name, context.event);
  const metadata = {
    invocationId: `${server}/${claims.repository}/actions/runs/${claims.run_id}/attempts/${claims.run_attempt}`,
    ...(context.startedOn ? { startedOn: rfc3339(context.startedOn) } : {}),
    ...(context.finishedOn ? { finishedOn: rfc3339(context.finishedOn) } : {}),
  };
  return {
    buildDefinition: {
      buildType: PEPTIDE_BUILD_TYPE,
      externalParameters: {
        workflow: { ref: workflow.ref, repository: `${server}/${claims.repository}`, path: workflow.path },
        ...(inputs === undefined ? {} : { inputs }),
      },
      internalParameters: {
        github: githubParameters(context),
        workflow: workflowParameters(facts.workflow),
        ...(facts.workflow.job ? { job: facts.workflow.job } : {}),
        lockfiles: { searched: context.workspace !== undefined, count: facts.lockfiles.lockfiles.length, ...(facts.lockfiles.truncated ? { truncated: true } : {}) },
      },
      resolvedDependencies: [
        sourceCommit,
        ...facts.workflow.uses.map((used) => usedDescriptor(used, server, claims.repository)),
        ...facts.lockfiles.lockfiles.map(({ path, sha256 }) => ({
          name: path,
          uri: `${source}@${claims.sha}#${path}`,
          digest: { sha256 },
          annotations: { kind: "lockfile" },
        })),
      ],
    },
    runDetails: {
      builder: { id: `${server}/${claims.job_workflow_ref}` },
      metadata,
      ...(context.sbom ? { byproducts: [context.sbom] } : {}),
    },
  };
}

/** The claims actions/attest records, then who triggered the run and where the workflow came from. */
function githubParameters(context: ProvenanceContext): Record<string, string> {
  const { claims, env, event } = context;
  const out: Record<string, string> = {
    event_name: claims.event_name,
    repository_id: claims.repository_id,
    repository_owner_id: claims.repository_owner_id,
    runner_environment: claims.runner_environment,
  };
  const optional: Record<string, string | undefined> = {
    actor: claims.actor,
    actor_id: claims.actor_id,
    ...triggeringActor(claims.actor, claims.actor_id, env.GITHUB_TRIGGERING_ACTOR, event),
    ref_type: claims.ref_type,
    ref_protected: claims.ref_protected,
    environment: claims.environment,
    workflow_sha: claims.workflow_sha,
    job_workflow_sha: claims.job_workflow_sha,
    run_number: claims.run_number,
    repository_visibility: claims.repository_visibility,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined && value !== "") out[key] = value;
  return out;
}

/**
 * Who started this attempt (GITHUB_TRIGGERING_ACTOR; differs from `actor` on a re-run by someone
 * else) and their id: `actor_id` when it is the actor, the event's `sender.id` when it is the sender.
 */
function triggeringActor(
  actor: string | undefined,
  actorId: string | undefined,
  triggering: string | undefined,
  event: Record<string, unknown> | undefined,
): { triggering_actor?: string; triggering_actor_id?: string } {
  if (!triggering) return {};
  if (triggering === actor && actorId) return { triggering_actor: triggering, triggering_actor_id: actorId };
  const sender = event?.sender;
  if (typeof sender === "object" && sender !== null && "login" in sender && sender.login === triggering && "id" in sender) {
    const id = sender.id;
    if (typeof id === "number" || typeof id === "string") return { triggering_actor: triggering, triggering_actor_id: String(id) };
  }
  return { triggering_actor: triggering };
}

/** `workflow_dispatch` inputs as the event payload gives them (strings, or booleans/numbers for typed inputs). */
function dispatchInputs(eventName: string, event: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (eventName !== "workflow_dispatch") return undefined;
  const inputs = event?.inputs;
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) return {};
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(inputs).sort()) sorted[key] = (inputs as Record<string, unknown>)[key];
  return sorted;
}

function workflowParameters(facts: BuildWorkflowFacts): Record<string, unknown> {
  return {
    path: facts.path,
    read: facts.read,
    ...(facts.reason === undefined ? {} : { reason: facts.reason }),
    ...(facts.sha256 === undefined ? {} : { sha256: facts.sha256 }),
    commitChecked: facts.commitChecked,
    uses: facts.uses.length,
    unpinned: facts.uses.filter((used) => !used.pinned).length,
  };
}

function usedDescriptor(used: UsedReference, server: string, repository: string): ResourceDescriptor {
  const annotations: Record<string, unknown> = { kind: used.kind, uses: used.uses, pinned: used.pinned, jobs: used.jobs };
  if (used.comment !== undefined) annotations.comment = used.comment;
  if (used.resolvedBy === "lookup") annotations.resolvedBy = "lookup";
  const target = used.target;
  if ("image" in target) {
    return { name: imageName(target.image), uri: `docker://${target.image}`, ...(used.sha256 ? { digest: { sha256: used.sha256 } } : {}), annotations };
  }
  if ("localPath" in target) {
    const local = target.localPath;
    return { name: local, uri: `git+${server}/${repository}@${used.commit ?? ""}#${local}`, ...(used.commit ? { digest: { gitCommit: used.commit } } : {}), annotations };
  }
  const name = [target.owner, target.repo, target.path].filter(Boolean).join("/");
  const fragment = target.path ? `#${target.path}` : "";
  return {
    name,
    uri: `git+${server}/${target.owner}/${target.repo}@${target.ref ?? ""}${fragment}`,
    ...(used.commit ? { digest: { gitCommit: used.commit } } : {}),
    annotations,
  };
}

/** `alpine:3.20@sha256:…` → `alpine`. */
function imageName(image: string): string {
  const withoutDigest = image.trim().replace(/@.*$/, "");
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** RFC 3339 in UTC without milliseconds, as SLSA examples and GitHub write timestamps. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
