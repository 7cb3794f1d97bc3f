import { createHash } from "node:crypto";
import path from "node:path";
import { errorMessage, isPeptideError, readTextFile } from "@peptide/core";
import type { PermissionsModel, Scalar, WorkflowModel } from "@peptide/workflow";
import type { ProvenanceContext } from "./context.js";
import { workspaceCommit } from "./git-head.js";

/**
 * What the workflow file of the building job says: every `uses:` (steps and reusable-workflow
 * calls, all jobs) and the job's declared token permissions. The file is read from the
 * workspace, and only when the workspace is at the commit the workflow ran from.
 *
 * @peptide/workflow (the YAML model) is loaded on first use, not with @peptide/attest: verifying
 * a bundle never needs it, and it is most of the package's load time.
 */

type WorkflowLibrary = typeof import("@peptide/workflow");

export interface UsedReference {
  /** The `uses:` value as written. */
  uses: string;
  kind: "action" | "reusable-workflow" | "docker" | "local";
  /** Where it comes from: `owner/repo[/path]@ref` parts, the docker image, or the local path. */
  target: { owner: string; repo: string; path?: string; ref?: string } | { image: string } | { localPath: string };
  /** Jobs of the workflow that use it, sorted. */
  jobs: string[];
  /** The comment after the value (`# v4.2.2`), trimmed. */
  comment?: string;
  /** Pinned to a full commit SHA (docker: to a sha256 digest); local actions are pinned by the source commit. */
  pinned: boolean;
  /** The commit it resolves to: the SHA written, the source commit (local), or `resolveRef`'s answer. */
  commit?: string;
  /** `lookup` when `resolveRef` gave the commit of an unpinned ref at provenance time. */
  resolvedBy?: "pin" | "source" | "lookup";
  /** Docker image digest (hex), when pinned by one. */
  sha256?: string;
}

export interface JobPermissions {
  /** GITHUB_JOB. */
  id: string;
  /** Scope to level, or `read-all` / `write-all`; absent when nothing is declared. */
  permissions?: Record<string, string> | "read-all" | "write-all";
  /** Where the permissions come from: the job's `permissions:`, the workflow's, or neither (the repository default). */
  permissionsDeclaredAt: "job" | "workflow" | "none";
}

export interface BuildWorkflowFacts {
  /** Path of the job's workflow in its repository. */
  path: string;
  /** Whether the file was read; when not, `reason` says why. */
  read: boolean;
  reason?: string;
  /** sha256 of the file read. */
  sha256?: string;
  /** Whether the workspace commit was compared with the workflow's (false: no git metadata). */
  commitChecked: boolean;
  uses: UsedReference[];
  job?: JobPermissions;
}

/** Resolves `owner/repo@ref` to a commit, e.g. through the GitHub API; undefined when it cannot. */
export type ResolveRef = (target: { owner: string; repo: string; ref: string }) => Promise<string | undefined>;

export interface BuildWorkflowOptions {
  resolveRef?: ResolveRef;
}

/** `owner/repo/.github/workflows/x.yml@ref` split into its parts. */
export function splitWorkflowRef(workflowRef: string): { repository: string; path: string; ref: string } {
  const match = /^([^/]+\/[^/]+)\/(.+?\.ya?ml)@(.*)$/.exec(workflowRef);
  if (match) return { repository: match[1] as string, path: match[2] as string, ref: match[3] as string };
  const at = workflowRef.indexOf("@");
  const name = at < 0 ? workflowRef : workflowRef.slice(0, at);
  const [owner = "", repo = "", ...rest] = name.split("/");
  return { repository: `${owner}/${repo}`, path: rest.join("/"), ref: at < 0 ? "" : workflowRef.slice(at + 1) };
}

export async function readBuildWorkflow(context: ProvenanceContext, options: BuildWorkflowOptions = {}): Promise<BuildWorkflowFacts> {
  const { claims } = context;
  const jobWorkflow = splitWorkflowRef(claims.job_workflow_ref);
  const unread = (reason: string, commitChecked = false): BuildWorkflowFacts => ({ path: jobWorkflow.path, read: false, reason, commitChecked, uses: [] });
  if (jobWorkflow.repository.toLowerCase() !== claims.repository.toLowerCase()) {
    return unread(`the job runs ${claims.job_workflow_ref} from another repository; its file is not in the workspace`);
  }
  if (context.workspace === undefined) return unread("no workspace to read the workflow file from");
  const expected = expectedCommit(context);
  const head = await workspaceCommit(context.workspace);
  if (head !== undefined && head !== expected) {
    return unread(`the workspace is at commit ${head}, not at the workflow's commit ${expected}`, true);
  }
  let text: string;
  try {
    text = await readTextFile(path.join(context.workspace, jobWorkflow.path), { root: context.workspace });
  } catch (error) {
    const why = isPeptideError(error) && error.code === "INPUT_NOT_FOUND" ? "not found in the workspace" : errorMessage(error).replace(/^.*?: /, "");
    return unread(`${jobWorkflow.path}: ${why}`, head !== undefined);
  }
  const workflow: WorkflowLibrary = await import("@peptide/workflow");
  let model: WorkflowModel;
  try {
    model = workflow.buildWorkflow(new workflow.SourceFile(jobWorkflow.path, text));
  } catch (error) {
    return unread(`${jobWorkflow.path}: not a workflow (${errorMessage(error)})`, head !== undefined);
  }
  return {
    path: jobWorkflow.path,
    read: true,
    sha256: createHash("sha256").update(text).digest("hex"),
    commitChecked: head !== undefined,
    uses: await usedReferences(workflow, model, expected, options.resolveRef),
    job: jobPermissions(model, context.env.GITHUB_JOB),
  };
}

/** The commit the job's workflow file was taken from. */
function expectedCommit(context: ProvenanceContext): string {
  const { claims } = context;
  if (claims.job_workflow_sha) return claims.job_workflow_sha;
  if (claims.workflow_sha && claims.workflow_ref === claims.job_workflow_ref) return claims.workflow_sha;
  return claims.sha;
}

async function usedReferences(workflow: WorkflowLibrary, model: WorkflowModel, sourceCommit: string, resolveRef: ResolveRef | undefined): Promise<UsedReference[]> {
  const byText = new Map<string, UsedReference>();
  const add = (node: Scalar | undefined, job: string) => {
    const uses = typeof node?.value === "string" ? node.value.trim() : "";
    if (uses === "") return;
    const known = byText.get(uses);
    if (known) {
      if (!known.jobs.includes(job)) known.jobs.push(job);
      return;
    }
    const comment = typeof node?.comment === "string" && node.comment.trim() !== "" ? node.comment.trim() : undefined;
    byText.set(uses, { ...describe(workflow, uses, sourceCommit), jobs: [job], ...(comment === undefined ? {} : { comment }) });
  };
  for (const job of model.jobs) {
    add(job.uses, job.id);
    for (const step of job.steps) add(step.uses, job.id);
  }
  const references = [...byText.values()].sort((a, b) => (a.uses < b.uses ? -1 : a.uses > b.uses ? 1 : 0));
  for (const reference of references) {
    reference.jobs.sort();
    const target = reference.target;
    if (reference.commit !== undefined || resolveRef === undefined || !("owner" in target) || target.ref === undefined) continue;
    const commit = await resolveRef({ owner: target.owner, repo: target.repo, ref: target.ref }).catch(() => undefined);
    if (commit !== undefined && /^[0-9a-f]{40}$/.test(commit)) Object.assign(reference, { commit, resolvedBy: "lookup" });
  }
  return references;
}

function describe(workflow: WorkflowLibrary, uses: string, sourceCommit: string): Omit<UsedReference, "jobs"> {
  const parsed = workflow.parseUses(uses);
  if (parsed.kind === "local") {
    const localPath = parsed.path.replace(/^\.\//, "").replace(/\/+$/, "");
    return { uses, kind: "local", target: { localPath }, pinned: true, commit: sourceCommit, resolvedBy: "source" };
  }
  if (parsed.kind === "docker") {
    const image = parsed.image.trim();
    const pinned = workflow.isDigestPinned(image);
    return { uses, kind: "docker", target: { image }, pinned, ...(pinned ? { sha256: image.slice(-64) } : {}) };
  }
  const kind = parsed.reusable ? "reusable-workflow" : "action";
  const target = { owner: parsed.owner, repo: parsed.repo, ...(parsed.path ? { path: parsed.path } : {}), ...(parsed.ref ? { ref: parsed.ref } : {}) };
  if (workflow.isShaRef(parsed.ref)) return { uses, kind, target, pinned: true, commit: parsed.ref as string, resolvedBy: "pin" };
  return { uses, kind, target, pinned: false };
}

function jobPermissions(model: WorkflowModel, jobId: string | undefined): JobPermissions | undefined {
  if (!jobId) return undefined;
  const job = model.jobs.find((candidate) => candidate.id === jobId);
  if (!job) return undefined;
  if (job.permissions) return { id: jobId, permissions: permissionsRecord(job.permissions), permissionsDeclaredAt: "job" };
  if (model.permissions) return { id: jobId, permissions: permissionsRecord(model.permissions), permissionsDeclaredAt: "workflow" };
  return { id: jobId, permissionsDeclaredAt: "none" };
}

function permissionsRecord(model: PermissionsModel): Record<string, string> | "read-all" | "write-all" {
  if (model.kind === "all") return model.level === "read" ? "read-all" : "write-all";
  const record: Record<string, string> = {};
  for (const scope of [...model.scopes.keys()].sort()) record[scope] = model.scopes.get(scope)?.level as string;
  return record;
}
