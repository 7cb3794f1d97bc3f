import type { Confidence, Severity } from "../finding.js";
import { memoizeText } from "../memo.js";

/**
 * Context paths whose text a person outside the repository's writers can choose, with the events
 * whose payload fills them. Paths are lower-case and dotted, `*` for any array index, as
 * `contextPaths()` in expressions.ts returns them.
 *
 * Deliberately absent: numbers, SHAs, ids, `github.actor`, logins, `head.repo.full_name` / `name` /
 * `owner.login` (GitHub restricts those to letters, digits, `-`, `_` and `.`), labels and
 * milestones (set by triagers), release fields (set by maintainers), `github.ref` / `ref_name`.
 */
export interface TaintSource {
  pattern: string;
  /** Events whose payload carries the value. */
  events: readonly string[];
  /** The value can hold a newline (bodies, commit messages): enough to add lines to $GITHUB_ENV. */
  multiline: boolean;
  /** Who controls it: anyone who can open an issue/PR/comment, or only who can dispatch the workflow. */
  control: "anyone" | "dispatcher";
}

const PR_EVENTS = ["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"];
const ISSUE_EVENTS = ["issues", "issue_comment"];
const COMMENT_EVENTS = ["issue_comment", "pull_request_review_comment", "commit_comment", "discussion_comment"];
const DISCUSSION_EVENTS = ["discussion", "discussion_comment"];

const line = (pattern: string, events: readonly string[]): TaintSource => ({ pattern, events, multiline: false, control: "anyone" });
const text = (pattern: string, events: readonly string[]): TaintSource => ({ pattern, events, multiline: true, control: "anyone" });

const COMMIT_FIELDS = ["message", "author.name", "author.email", "committer.name", "committer.email"];

export const TAINT_SOURCES: readonly TaintSource[] = [
  text("github.event.issue.title", ISSUE_EVENTS),
  text("github.event.issue.body", ISSUE_EVENTS),
  text("github.event.pull_request.title", PR_EVENTS),
  text("github.event.pull_request.body", PR_EVENTS),
  line("github.event.pull_request.head.ref", PR_EVENTS),
  line("github.event.pull_request.head.label", PR_EVENTS),
  line("github.event.pull_request.head.repo.default_branch", PR_EVENTS),
  text("github.event.pull_request.head.repo.description", PR_EVENTS),
  text("github.event.pull_request.head.repo.homepage", PR_EVENTS),
  line("github.head_ref", ["pull_request", "pull_request_target"]),
  text("github.event.comment.body", COMMENT_EVENTS),
  text("github.event.review.body", ["pull_request_review"]),
  text("github.event.discussion.title", DISCUSSION_EVENTS),
  text("github.event.discussion.body", DISCUSSION_EVENTS),
  line("github.event.pages.*.page_name", ["gollum"]),
  line("github.event.pages.*.title", ["gollum"]),
  ...COMMIT_FIELDS.map((f) => text(`github.event.commits.*.${f}`, ["push"])),
  ...COMMIT_FIELDS.map((f) => text(`github.event.head_commit.${f}`, ["push"])),
  line("github.event.workflow_run.head_branch", ["workflow_run"]),
  text("github.event.workflow_run.display_title", ["workflow_run"]),
  ...COMMIT_FIELDS.map((f) => text(`github.event.workflow_run.head_commit.${f}`, ["workflow_run"])),
  line("github.event.workflow_run.pull_requests.*.head.ref", ["workflow_run"]),
  text("github.event.workflow_run.head_repository.description", ["workflow_run"]),
  line("github.event.check_suite.head_branch", ["check_suite"]),
  line("github.event.check_run.check_suite.head_branch", ["check_run"]),
  { pattern: "github.event.inputs.*", events: ["workflow_dispatch"], multiline: true, control: "dispatcher" },
  { pattern: "github.event.client_payload.*", events: ["repository_dispatch"], multiline: true, control: "dispatcher" },
];

/** How bad it is that an attacker's text reaches code, by the event that carries it. */
export const EVENT_SEVERITY: Record<string, Severity> = {
  pull_request_target: "critical",
  issue_comment: "critical",
  issues: "critical",
  discussion: "critical",
  discussion_comment: "critical",
  workflow_run: "critical",
  commit_comment: "critical",
  gollum: "critical",
  check_suite: "critical",
  check_run: "critical",
  // a caller (or a composite action's user) may run under any of the above
  workflow_call: "high",
  push: "medium",
  workflow_dispatch: "medium",
  repository_dispatch: "medium",
  // a fork's pull_request run has a read-only token and no secrets, and runs the fork's code anyway
  pull_request: "low",
  pull_request_review: "low",
  pull_request_review_comment: "low",
};

/** One segment-wise match where `*` on either side matches any one segment. */
function segmentsMatch(path: readonly string[], pattern: readonly string[]): boolean {
  if (path.length !== pattern.length) return false;
  return path.every((seg, i) => seg === "*" || pattern[i] === "*" || seg === pattern[i]);
}

/** `github.event` is an ancestor of `github.event.issue.title`: `toJSON(github.event)` carries it. */
function isAncestor(path: readonly string[], pattern: readonly string[]): boolean {
  if (path.length >= pattern.length) return false;
  return segmentsMatch(path, pattern.slice(0, path.length));
}

export interface SourceMatch {
  source: TaintSource;
  /** The path is an object that contains the source (`toJSON(github.event)`). */
  whole: boolean;
}

/** The taint sources a context path reads, directly or as part of a whole object. */
export function matchSources(path: string): SourceMatch[] {
  return sourcesOf(path);
}

/** Each source with its pattern split into segments, once. */
const SOURCE_SEGMENTS = TAINT_SOURCES.map((source) => ({ source, pattern: source.pattern.split(".") }));

/** Matches by path, worked out once per path and shared: do not modify the result. */
const sourcesOf = memoizeText((path: string): SourceMatch[] => {
  const parts = path.split(".");
  const out: SourceMatch[] = [];
  for (const { source, pattern } of SOURCE_SEGMENTS) {
    if (segmentsMatch(parts, pattern)) out.push({ source, whole: false });
    // a whole object: github.event.inputs.* is matched above by github.event.inputs (length differs)
    else if (isAncestor(parts, pattern)) out.push({ source, whole: true });
  }
  return out;
});

/** Where an attacker's text comes from and how sure and how bad, once resolved against the triggers. */
export interface Taint {
  /** The attacker-controlled origin, e.g. `github.event.issue.title`. */
  origin: string;
  /** The trigger (or `workflow_call`/`action`) through which it arrives. */
  via: string;
  severity: Severity;
  confidence: Confidence;
  multiline: boolean;
}

/** Triggers of the file being audited; `action` for a composite action (used from any event). */
export interface TriggerScope {
  events: ReadonlySet<string>;
  kind: "workflow" | "action";
}

const SEVERITY_ORDER: readonly Severity[] = ["low", "medium", "high", "critical"];

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b;
}

export function minSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) <= SEVERITY_ORDER.indexOf(b) ? a : b;
}

/**
 * The event through which a source reaches this file, the worst one when several do: one of the
 * workflow's own triggers that fills it, or `workflow_call` / `action` when a caller decides.
 */
export function arrivingEvent(source: TaintSource, scope: TriggerScope): string | undefined {
  if (scope.kind === "action") return "action";
  let best: string | undefined;
  for (const event of source.events) {
    if (!scope.events.has(event)) continue;
    if (best === undefined || SEVERITY_ORDER.indexOf(EVENT_SEVERITY[event] ?? "medium") > SEVERITY_ORDER.indexOf(EVENT_SEVERITY[best] ?? "medium")) best = event;
  }
  // a caller may run this reusable workflow on any event: at least as bad as workflow_call
  if (scope.events.has("workflow_call") && (best === undefined || SEVERITY_ORDER.indexOf(EVENT_SEVERITY[best] ?? "medium") < SEVERITY_ORDER.indexOf("high"))) return "workflow_call";
  return best;
}

/** Direct taint of a context path (no env/steps/needs/inputs resolution: see flow.ts). */
export function contextTaint(path: string, scope: TriggerScope): Taint[] {
  const out: Taint[] = [];
  for (const { source, whole } of matchSources(path)) {
    const via = arrivingEvent(source, scope);
    if (via === undefined) continue;
    const severity = via === "action" ? "high" : (EVENT_SEVERITY[via] ?? "medium");
    const dispatcher = source.control === "dispatcher";
    out.push({
      origin: whole ? source.pattern : path,
      via,
      severity: dispatcher ? minSeverity(severity, "medium") : severity,
      confidence: dispatcher ? "medium" : "high",
      multiline: source.multiline,
    });
  }
  return dedupe(out);
}

/** One taint per origin, keeping the worst. */
export function dedupe(taints: Taint[]): Taint[] {
  const byOrigin = new Map<string, Taint>();
  for (const t of taints) {
    const seen = byOrigin.get(t.origin);
    if (!seen || SEVERITY_ORDER.indexOf(t.severity) > SEVERITY_ORDER.indexOf(seen.severity)) byOrigin.set(t.origin, t);
  }
  return [...byOrigin.values()];
}

/** The worst of several taints (highest severity, then confidence). */
export function worstTaint(taints: readonly Taint[]): Taint | undefined {
  const conf: readonly Confidence[] = ["low", "medium", "high"];
  let best: Taint | undefined;
  for (const t of taints) {
    if (!best) best = t;
    else {
      const d = SEVERITY_ORDER.indexOf(t.severity) - SEVERITY_ORDER.indexOf(best.severity);
      if (d > 0 || (d === 0 && conf.indexOf(t.confidence) > conf.indexOf(best.confidence))) best = t;
    }
  }
  return best;
}
