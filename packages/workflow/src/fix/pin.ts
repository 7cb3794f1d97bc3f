import { Scalar } from "yaml";
import { fetchWithRetry, HttpError, isPeptideError, errorMessage, type RetryOptions } from "@peptide/core";
import type { Finding } from "../finding.js";
import { buildAction, buildWorkflow, ModelError } from "../model/build.js";
import { SourceFile, pairOf } from "../model/source.js";
import type { AuditTarget } from "../model/types.js";
import { isShaRef, parseUses } from "../uses.js";
import { allSteps } from "../walk.js";

/**
 * `peptide audit --fix` for unpinned `uses:`: collect the (owner/repo, ref) pairs, resolve each
 * ref to its commit through the GitHub REST API, and rewrite `uses: o/r/path@v4` as
 * `uses: o/r/path@<40-hex> # v4`, editing only the text of those lines.
 */

export interface PinRequest {
  /** `owner/repo` as written in the first `uses:` that names it. */
  action: string;
  ref: string;
}

export interface ResolvedPin extends PinRequest {
  sha: string;
  /** What the ref named: a lightweight or annotated tag, a branch, or an abbreviated commit. */
  kind: "tag" | "annotated-tag" | "branch" | "commit";
}

export interface PinFailure extends PinRequest {
  code: string;
  message: string;
}

export interface PinResolution {
  resolved: ResolvedPin[];
  /** Pairs that could not be resolved, each with its own reason. */
  errors: PinFailure[];
  /**
   * Set when the API cannot be used at all (AUTH_FAILED, NETWORK_UNREACHABLE, RATE_LIMITED): no
   * further lookup was started, `untried` lists the pairs left. The caller should stop (exit 2).
   */
  fatal?: HttpError;
  untried: PinRequest[];
}

/**
 * Actions that must be referenced by tag: the SLSA generator's reusable workflows check the ref
 * they were called with and fail on a SHA (slsa-framework/slsa-github-generator README).
 */
export const TAG_ONLY_ACTIONS = new Set(["slsa-framework/slsa-github-generator"]);

const FATAL_CODES = new Set(["AUTH_FAILED", "NETWORK_UNREACHABLE", "RATE_LIMITED"]);

export function pinKey(action: string, ref: string): string {
  return `${action.toLowerCase()}@${ref}`;
}

/** The unpinned (owner/repo, ref) pairs used by steps and reusable-workflow calls, once each. */
export function collectPins(targets: readonly AuditTarget[]): PinRequest[] {
  const pins = new Map<string, PinRequest>();
  const add = (node: Scalar | undefined) => {
    const request = unpinnedRequest(node);
    if (request && !pins.has(pinKey(request.action, request.ref))) pins.set(pinKey(request.action, request.ref), request);
  };
  for (const target of targets) {
    for (const { step } of allSteps(target)) add(step.uses);
    if (target.kind === "workflow") for (const job of target.jobs) add(job.uses);
  }
  return [...pins.values()];
}

/** The pairs of `unpinned-uses` findings that carry a pin fix (which respects config and ignore comments). */
export function pinsFromFindings(findings: readonly Finding[]): PinRequest[] {
  const pins = new Map<string, PinRequest>();
  for (const f of findings) {
    if (f.fix?.kind !== "pin" || TAG_ONLY_ACTIONS.has(f.fix.action.toLowerCase())) continue;
    pins.set(pinKey(f.fix.action, f.fix.ref), { action: f.fix.action, ref: f.fix.ref });
  }
  return [...pins.values()];
}

function unpinnedRequest(node: Scalar | undefined): PinRequest | undefined {
  if (!node || typeof node.value !== "string") return undefined;
  const uses = parseUses(node.value);
  if (uses.kind !== "remote" || !uses.owner || !uses.repo || !uses.ref || isShaRef(uses.ref) || uses.ref.includes("${{")) return undefined;
  const action = `${uses.owner}/${uses.repo}`;
  return TAG_ONLY_ACTIONS.has(action.toLowerCase()) ? undefined : { action, ref: uses.ref };
}

export interface ResolvePinsOptions {
  /** GITHUB_API_URL; default https://api.github.com. */
  apiUrl?: string;
  token?: string;
  /** Named in auth errors; default GITHUB_TOKEN. */
  tokenEnv?: string;
  fetch?: typeof globalThis.fetch;
  /** Lookups in flight at once; default 4. */
  concurrency?: number;
  retry?: Omit<RetryOptions, "fetch" | "tokenEnv">;
}

/**
 * Resolves each pair to a commit SHA: the tag (annotated tags dereferenced), else the branch,
 * else an abbreviated SHA. A pair that fails is reported in `errors` without losing the others.
 */
export async function resolvePins(pairs: readonly PinRequest[], options: ResolvePinsOptions = {}): Promise<PinResolution> {
  const api = new RefApi(options);
  const result: PinResolution = { resolved: [], errors: [], untried: [] };
  const queue = [...pairs];
  const worker = async () => {
    for (let pair = queue.shift(); pair; pair = queue.shift()) {
      if (result.fatal) {
        result.untried.push(pair);
        continue;
      }
      try {
        result.resolved.push({ ...pair, ...(await api.resolve(pair)) });
      } catch (err) {
        if (err instanceof HttpError && FATAL_CODES.has(err.code)) {
          result.fatal ??= err;
          result.untried.push(pair);
        } else {
          result.errors.push({ ...pair, code: isPeptideError(err) ? err.code : "ERROR", message: `${pair.action}@${pair.ref}: ${errorMessage(err)}` });
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, pairs.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return result;
}

/** The three documented lookups (refs, tags, commits) behind fetchWithRetry. */
class RefApi {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: ResolvePinsOptions) {
    this.base = (options.apiUrl ?? "https://api.github.com").replace(/\/+$/, "");
    this.headers = { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "peptide" };
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
  }

  async resolve(pair: PinRequest): Promise<Pick<ResolvedPin, "sha" | "kind">> {
    const [owner = "", repo = ""] = pair.action.split("/");
    const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
    const ref = pair.ref.split("/").map(encodeURIComponent).join("/");
    // https://docs.github.com/en/rest/git/refs#get-a-reference
    const tag = await this.get(`${repoPath}/git/ref/tags/${ref}`);
    if (tag !== undefined) {
      const object = gitObject(tag);
      if (object.type === "commit") return { sha: object.sha, kind: "tag" };
      return { sha: await this.dereference(repoPath, object), kind: "annotated-tag" };
    }
    const branch = await this.get(`${repoPath}/git/ref/heads/${ref}`);
    if (branch !== undefined) return { sha: gitObject(branch).sha, kind: "branch" };
    if (/^[0-9a-f]{7,39}$/.test(pair.ref)) {
      // https://docs.github.com/en/rest/commits/commits#get-a-commit (422 when no commit matches)
      const commit = await this.get(`${repoPath}/commits/${ref}`, [404, 422]);
      if (commit !== undefined) return { sha: shaOf(commit), kind: "commit" };
    }
    throw new HttpError("NOT_FOUND", `no tag or branch "${pair.ref}" in ${pair.action} (or the repository does not exist, or the token cannot read it)`, 404);
  }

  /** https://docs.github.com/en/rest/git/tags#get-a-tag: a tag object points at a commit, or at another tag. */
  private async dereference(repoPath: string, object: { type: string; sha: string }): Promise<string> {
    let current = object;
    for (let depth = 0; depth < 5 && current.type === "tag"; depth++) {
      const tag = await this.get(`${repoPath}/git/tags/${current.sha}`);
      if (tag === undefined) throw new HttpError("NOT_FOUND", `tag object ${current.sha} not found`, 404);
      current = gitObject(tag);
    }
    if (current.type !== "commit") throw new HttpError("HTTP_ERROR", `tag points at a ${current.type}, not a commit`);
    return current.sha;
  }

  /** The JSON body, or undefined for the "does not exist" statuses. */
  private async get(path: string, absent: readonly number[] = [404]): Promise<unknown> {
    try {
      const response = await fetchWithRetry(`${this.base}${path}`, { headers: this.headers }, { ...this.options.retry, fetch: this.options.fetch, tokenEnv: this.options.tokenEnv ?? "GITHUB_TOKEN" });
      return (await response.json()) as unknown;
    } catch (err) {
      if (err instanceof HttpError && err.status !== undefined && absent.includes(err.status)) return undefined;
      throw err;
    }
  }
}

function gitObject(body: unknown): { type: string; sha: string } {
  const object = typeof body === "object" && body !== null && "object" in body ? body.object : undefined;
  if (typeof object === "object" && object !== null && "type" in object && "sha" in object && typeof object.type === "string" && typeof object.sha === "string" && isShaRef(object.sha)) {
    return { type: object.type, sha: object.sha };
  }
  throw new HttpError("HTTP_ERROR", "unexpected response: no object.type and object.sha");
}

function shaOf(body: unknown): string {
  if (typeof body === "object" && body !== null && "sha" in body && typeof body.sha === "string" && isShaRef(body.sha)) return body.sha;
  throw new HttpError("HTTP_ERROR", "unexpected response: no commit sha");
}

export interface PinEdit {
  /** 1-based line of the `uses:` value. */
  line: number;
  action: string;
  ref: string;
  sha: string;
}

export interface PinPlan {
  text: string;
  edits: PinEdit[];
  /** Unpinned `uses:` with a resolved SHA that could not be edited safely (block scalars, flow mappings...). */
  skipped: Array<{ line: number; reason: string }>;
}

/**
 * Rewrites each `uses: owner/repo[/path]@ref` whose pair is resolved as `...@<sha> # ref`, keeping
 * quotes, indentation, line endings and any comment already there (after the ref comment).
 * Only real `uses:` keys of steps and jobs are touched, never text inside `run:` scripts.
 * Idempotent. `lines`, when given, limits the edit to those lines (e.g. the findings' lines).
 */
export function planPins(text: string, resolved: readonly ResolvedPin[], options: { lines?: ReadonlySet<number> } = {}): PinPlan {
  const plan: PinPlan = { text, edits: [], skipped: [] };
  const shas = new Map(resolved.map((r) => [pinKey(r.action, r.ref), r.sha]));
  if (shas.size === 0) return plan;
  const source = new SourceFile("<pin>", text);
  if (source.doc.errors.length > 0) return plan;
  const splices: Array<{ start: number; end: number; text: string }> = [];
  for (const node of usesNodes(source)) {
    const request = unpinnedRequest(node);
    const sha = request && shas.get(pinKey(request.action, request.ref));
    if (!request || !sha) continue;
    const line = source.positionOf(node).line;
    if (options.lines && !options.lines.has(line)) continue;
    const splice = spliceFor(text, node, request.ref, sha);
    if (typeof splice === "string") plan.skipped.push({ line, reason: splice });
    else {
      splices.push(splice);
      plan.edits.push({ line, action: request.action, ref: request.ref, sha });
    }
  }
  for (const s of splices.sort((a, b) => b.start - a.start)) plan.text = plan.text.slice(0, s.start) + s.text + plan.text.slice(s.end);
  return plan;
}

/** `planPins(...).text`. */
export function applyPins(text: string, resolved: readonly ResolvedPin[], options: { lines?: ReadonlySet<number> } = {}): string {
  return planPins(text, resolved, options).text;
}

function usesNodes(source: SourceFile): Scalar[] {
  let target: AuditTarget;
  try {
    target = pairOf(source.root, "runs") && !pairOf(source.root, "jobs") ? buildAction(source) : buildWorkflow(source);
  } catch (err) {
    if (err instanceof ModelError) return [];
    throw err;
  }
  const nodes: Scalar[] = [];
  for (const { step } of allSteps(target)) if (step.uses) nodes.push(step.uses);
  if (target.kind === "workflow") for (const job of target.jobs) if (job.uses) nodes.push(job.uses);
  return nodes;
}

/** The replacement for the value and the rest of its line, or why it cannot be edited. */
function spliceFor(text: string, node: Scalar, ref: string, sha: string): { start: number; end: number; text: string } | string {
  const range = node.range;
  if (!range) return "no source position";
  const [start, valueEnd] = range;
  const value = text.slice(start, valueEnd);
  if (value.includes("\n") || value.includes("\r")) return "the value spans lines";
  if (node.type !== Scalar.PLAIN && node.type !== Scalar.QUOTE_DOUBLE && node.type !== Scalar.QUOTE_SINGLE) return "block scalar";
  const quote = node.type === Scalar.PLAIN ? "" : value[0] ?? "";
  const inner = quote ? value.slice(1, -1) : value;
  if (inner !== node.value) return "escaped characters in the value";
  const suffix = `@${ref}`;
  if (!inner.endsWith(suffix)) return "unexpected value";
  const pinned = `${quote}${inner.slice(0, -ref.length)}${sha}${quote}`;
  const newline = text.indexOf("\n", valueEnd);
  let lineEnd = newline < 0 ? text.length : newline;
  if (text[lineEnd - 1] === "\r") lineEnd--;
  const rest = text.slice(valueEnd, lineEnd);
  if (/^\s*$/.test(rest)) return { start, end: lineEnd, text: `${pinned} # ${ref}` };
  const comment = /^(\s+)#\s?(.*)$/.exec(rest);
  if (!comment) return "more YAML follows on the line (flow mapping); pin it by hand";
  const [, space = " ", existing = ""] = comment;
  const kept = existing.trimEnd();
  const tagged = kept === ref || kept.startsWith(`${ref} `) ? kept : kept === "" ? ref : `${ref} # ${kept}`;
  return { start, end: lineEnd, text: `${pinned}${space}# ${tagged}` };
}
