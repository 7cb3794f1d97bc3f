import { PeptideError } from "@peptide/core";
import { isMap, isScalar, pairOf, SourceFile, type Node } from "../model/source.js";
import type { JobModel, PermissionsModel, WorkflowModel } from "../model/types.js";
import type { ComputeOptions, RequiredPermissions } from "../permissions/compute.js";
import { declaredGrants, inheritors, jobExcess, narrowedTop, requirementsOf, topFlagged } from "../permissions/excess.js";
import { grantEntries, isScope, mergeGrants, type Grants } from "../permissions/scopes.js";

/** What `--fix` does to a workflow's `permissions:` blocks. */
export interface PermissionsPlan {
  /**
   * Keep the top-level block, add `permissions: {}` before `jobs:`, replace a broad one with `{}`
   * (each job then gets its own), or narrow a map to what the jobs under it use (`topScopes`).
   */
  top: "keep" | "add" | "replace" | "narrow";
  topScopes?: Grants;
  jobs: JobPlan[];
}

export interface JobPlan {
  job: JobModel;
  /** The block to write. */
  scopes: Grants;
  /** `read-all` / `write-all` carried over from the top level to a called workflow we could not read. */
  all?: "read" | "write";
  /** Steps we could not classify: written as a comment above the block. */
  unknown: string[];
  /** The job has a block of its own, which the new one replaces. */
  replace: boolean;
}

/**
 * Decides the new blocks. The top level becomes `permissions: {}` and each job gets what it
 * needs, except that a grant is never taken away from a job with steps we could not classify
 * when a person wrote it (its own block, or a top-level map it inherited); a job calling a
 * workflow we could not read keeps the default token rather than lose what the callee needs.
 */
export function planPermissions(workflow: WorkflowModel, options: ComputeOptions = {}): PermissionsPlan {
  const reqs = requirementsOf(workflow, options);
  const req = (job: JobModel) => reqs.get(job.id) as RequiredPermissions;
  const heirs = inheritors(workflow);
  const opaqueCall = (job: JobModel) => job.uses !== undefined && req(job).unknown.length > 0;
  const old = workflow.permissions;
  let top: PermissionsPlan["top"] = "keep";
  const topScopes = narrowedTop(workflow, reqs);
  if (!old) top = heirs.length > 0 && !heirs.some(opaqueCall) ? "add" : "keep";
  else if (topFlagged(workflow, reqs)) top = topScopes ? "narrow" : "replace";

  const jobs: JobPlan[] = [];
  for (const job of workflow.jobs) {
    const r = req(job);
    if (job.permissions) {
      const flagged = job.permissions.kind === "all" || jobExcess(job.permissions, r).length > 0;
      if (flagged && r.unknown.length === 0) jobs.push({ job, scopes: r.scopes, unknown: [], replace: true });
      continue;
    }
    if (old && (top === "keep" || top === "narrow")) continue; // it inherits a block that is (now) fine
    if (!old && opaqueCall(job)) continue; // leave it on the default token: the callee decides
    if (r.unknown.length === 0) {
      // with `permissions: {}` at the top, a job that needs nothing needs no block
      if (grantEntries(r.scopes).length > 0 || top === "keep") jobs.push({ job, scopes: r.scopes, unknown: [], replace: false });
      continue;
    }
    const scopes = mergeGrants(old?.kind === "map" ? declaredGrants(old) : {}, r.scopes);
    const all = old?.kind === "all" && opaqueCall(job) ? old.level : undefined;
    jobs.push({ job, scopes, all, unknown: r.unknown, replace: false });
  }
  return { top, topScopes: top === "narrow" ? topScopes : undefined, jobs };
}

/**
 * `peptide audit --fix` for permissions: the workflow's text with `permissions: {}` at the top and
 * each job's minimal block, edited line by line so that comments, quoting, blank lines and line
 * endings stay as they were. Running it on its own output changes nothing.
 */
export function fixPermissions(source: SourceFile, workflow: WorkflowModel, options: ComputeOptions = {}): string {
  const plan = planPermissions(workflow, options);
  const doc = new Lines(source.text);
  const edits: Edit[] = [];
  edits.push(...topLevelEdits(source, workflow, plan, doc));
  for (const jobPlan of plan.jobs) edits.push(...jobEdits(source, jobPlan, doc));
  if (edits.length === 0) return source.text;
  const text = doc.apply(edits);
  const check = new SourceFile(source.path, text);
  if (check.doc.errors.length > 0) throw new PeptideError("FIX_FAILED", `${source.path}: the permissions fix would not parse (${check.doc.errors[0]?.message.split("\n")[0] ?? "YAML error"}); file left unchanged`);
  return text;
}

/** Replace `count` lines from 0-based `start` with `lines` (an insertion when `count` is 0). */
interface Edit {
  start: number;
  count: number;
  lines: string[];
}

function topLevelEdits(source: SourceFile, workflow: WorkflowModel, plan: PermissionsPlan, doc: Lines): Edit[] {
  const jobsPair = pairOf(source.root, "jobs");
  if (plan.top === "keep" || !jobsPair) return [];
  const jobsAt = source.positionOf(jobsPair);
  const indent = " ".repeat(jobsAt.column - 1);
  const block = workflow.permissions;
  if (plan.top === "narrow" && block) return replaceBlock(source, block, plan.topScopes ?? {}, indent, "  ", doc);
  if (plan.top === "replace" && block) {
    const { start, end } = pairLines(source, block);
    const comments = doc.range(start + 1, end).filter((line) => /^\s*#/.test(line));
    return [{ start, count: end - start + 1, lines: [`${indent}permissions: {}`, ...comments] }];
  }
  // before `jobs:` and the comment lines just above it
  let at = jobsAt.line - 1;
  while (at > 0 && /^\s*#/.test(doc.text(at - 1))) at--;
  const blankAbove = at === 0 || doc.text(at - 1).trim() === "";
  return [{ start: at, count: 0, lines: blankAbove ? [`${indent}permissions: {}`, ""] : [`${indent}permissions: {}`] }];
}

function jobEdits(source: SourceFile, plan: JobPlan, doc: Lines): Edit[] {
  const node = plan.job.node;
  if (!isMap(node) || node.flow || node.items.length === 0) return []; // a flow-style job cannot be edited by lines
  const first = node.items[0]?.key as Node | undefined;
  const childColumn = source.positionOf(first).column;
  const indent = " ".repeat(childColumn - 1);
  const unit = " ".repeat(Math.max(2, childColumn - source.positionOf(plan.job.keyNode).column));
  const comment = plan.unknown.length > 0 ? [`${indent}# peptide: could not classify ${unknownComment(plan.unknown)}; add what they need`] : [];
  const block = plan.job.permissions;
  if (block && plan.replace) return replaceBlock(source, block, plan.scopes, indent, unit, doc);
  const lines = plan.all ? [`${indent}permissions: ${plan.all}-all`] : blockLines(plan.scopes, indent, unit);
  return [{ start: source.positionOf(plan.job.keyNode).line, count: 0, lines: [...comment, ...lines] }];
}

/** A job's own block, narrowed: scope lines edited in place (comments kept), new scopes appended. */
function replaceBlock(source: SourceFile, block: PermissionsModel, scopes: Grants, indent: string, unit: string, doc: Lines): Edit[] {
  const { start, end } = pairLines(source, block);
  const value = block.pair.value;
  const wanted = grantEntries(scopes);
  if (block.kind === "all" || !isMap(value) || value.flow || wanted.length === 0) {
    const comments = doc.range(start + 1, end).filter((line) => /^\s*#/.test(line));
    return [{ start, count: end - start + 1, lines: [...blockLines(scopes, indent, unit), ...comments] }];
  }
  const edits: Edit[] = [];
  const seen = new Set<string>();
  let last = start;
  let itemIndent = `${indent}${unit}`;
  for (const item of value.items) {
    const name = isScalar(item.key) ? String(item.key.value) : "";
    const at = source.positionOf(item.key as Node).line - 1;
    itemIndent = " ".repeat(source.positionOf(item.key as Node).column - 1);
    last = Math.max(last, at);
    if (!isScope(name)) continue;
    seen.add(name);
    const level = scopes[name];
    const old = block.scopes.get(name)?.level;
    if (level === undefined) {
      if (old !== "none") edits.push({ start: at, count: 1, lines: [] });
    } else if (level !== old) {
      edits.push({ start: at, count: 1, lines: [doc.text(at).replace(/^(\s*["']?[\w-]+["']?\s*:\s*)(["']?)(?:read|write|none)\2/, `$1$2${level}$2`)] });
    }
  }
  const added = wanted.filter(([scope]) => !seen.has(scope)).map(([scope, access]) => `${itemIndent}${scope}: ${access}`);
  if (added.length > 0) edits.push({ start: last + 1, count: 0, lines: added });
  return edits;
}

function blockLines(scopes: Grants, indent: string, unit: string): string[] {
  const entries = grantEntries(scopes);
  if (entries.length === 0) return [`${indent}permissions: {}`];
  return [`${indent}permissions:`, ...entries.map(([scope, access]) => `${indent}${unit}${scope}: ${access}`)];
}

/** First and last 0-based line of a `permissions:` pair (key through value). */
function pairLines(source: SourceFile, block: PermissionsModel): { start: number; end: number } {
  const start = block.pos.line - 1;
  const value = block.pair.value as Node | null;
  const endOffset = value?.range ? value.range[1] - 1 : undefined;
  const end = endOffset === undefined ? start : source.position(Math.max(endOffset, 0)).line - 1;
  return { start, end: Math.max(start, end) };
}

function unknownComment(unknown: readonly string[]): string {
  const clean = unknown.map((u) => u.replace(/[\r\n]+/g, " "));
  const shown = clean.slice(0, 3).join(", ");
  return clean.length > 3 ? `${shown} and ${clean.length - 3} more` : shown;
}

/** The text as lines, each with its own line ending, so CRLF and a missing final newline survive edits. */
class Lines {
  private readonly lines: Array<{ text: string; eol: string }> = [];
  private readonly eol: string;

  constructor(text: string) {
    const re = /\r\n|\n|\r/g;
    let from = 0;
    let crlf = 0;
    let lf = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      this.lines.push({ text: text.slice(from, m.index), eol: m[0] });
      if (m[0] === "\r\n") crlf++;
      else lf++;
      from = m.index + m[0].length;
    }
    if (from < text.length || this.lines.length === 0) this.lines.push({ text: text.slice(from), eol: "" });
    this.eol = crlf > lf ? "\r\n" : "\n";
  }

  text(index: number): string {
    return this.lines[index]?.text ?? "";
  }

  /** Lines `from` to `to`, inclusive. */
  range(from: number, to: number): string[] {
    return this.lines.slice(from, to + 1).map((l) => l.text);
  }

  /** Applies non-overlapping edits, from the bottom up. */
  apply(edits: Edit[]): string {
    const lines = this.lines.map((l) => ({ ...l }));
    const sorted = [...edits].sort((a, b) => b.start - a.start || b.count - a.count);
    for (const edit of sorted) {
      const before = lines[edit.start - 1];
      if (before && before.eol === "" && edit.lines.length > 0) before.eol = this.eol; // inserting after an unterminated last line
      const eol = lines[edit.start]?.eol || before?.eol || this.eol;
      lines.splice(edit.start, edit.count, ...edit.lines.map((text) => ({ text, eol })));
    }
    return lines.map((l) => l.text + l.eol).join("");
  }
}
