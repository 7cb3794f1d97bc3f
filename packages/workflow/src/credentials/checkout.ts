import { contextPaths, findExpressions } from "../expressions.js";
import { scalarText, type SourceFile } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";
import { input, stepAction, stepUses } from "../step-inputs.js";

export function isCheckout(step: StepModel): boolean {
  return stepAction(step) === "actions/checkout";
}

/**
 * Whether a checkout leaves the token in git's config for later steps: `default` (the input is
 * not set, so true), `explicit` (`persist-credentials: true`), `no`, or `unknown` (an expression).
 */
export function persistence(step: StepModel): "default" | "explicit" | "no" | "unknown" {
  const value = input(step, "persist-credentials");
  if (value === undefined) return "default";
  if (value.includes("${{")) return "unknown";
  return value.trim().toLowerCase() === "false" ? "no" : "explicit";
}

/**
 * The checkout's major version, from a `@v4` tag or the `# v4.2.2` comment beside a SHA.
 * Undefined when neither says.
 */
export function checkoutMajor(source: SourceFile, step: StepModel): number | undefined {
  const ref = stepUses(step);
  if (ref?.kind !== "remote") return undefined;
  const tag = /^v(\d+)/.exec(ref.ref ?? "");
  if (tag) return Number(tag[1]);
  const line = source.line(source.positionOf(step.uses).line);
  const comment = /#\s*v?(\d+)(?:\.\d+)*\b/.exec(line.slice(line.indexOf("#")));
  return line.includes("#") && comment ? Number(comment[1]) : undefined;
}

/** Context paths whose value is a ref or commit of code from a pull request (a fork's, maybe). */
const UNTRUSTED_REF_PATHS = [
  "github.event.pull_request.head.sha",
  "github.event.pull_request.head.ref",
  "github.event.pull_request.head.repo.full_name",
  "github.event.pull_request.merge_commit_sha",
  "github.event.pull_request.number",
  "github.head_ref",
  "github.event.workflow_run.head_sha",
  "github.event.workflow_run.head_branch",
  "github.event.workflow_run.head_commit.id",
  "github.event.workflow_run.head_repository.full_name",
  "github.event.workflow_run.pull_requests.*.head.sha",
  "github.event.workflow_run.pull_requests.*.head.ref",
  "github.event.issue.number",
];

function readsUntrustedRef(text: string): boolean {
  if (/refs\/pull\//.test(text)) return true;
  return findExpressions(text).some((span) => contextPaths(span.inner).some((p) => UNTRUSTED_REF_PATHS.includes(p.path)));
}

/**
 * True when a step puts code from a pull request into the workspace: `actions/checkout` with a
 * PR head `ref:`/`repository:`, or a script running `gh pr checkout` / fetching `pull/N/head`.
 */
export function checksOutPullRequest(step: StepModel): boolean {
  if (isCheckout(step)) {
    return [input(step, "ref"), input(step, "repository")].some((v) => v !== undefined && readsUntrustedRef(v));
  }
  const run = scalarText(step.run);
  if (!run) return false;
  if (/\bgh\s+pr\s+checkout\b/.test(run)) return true;
  return /\bgit\s+(?:fetch|checkout|switch|pull)\b[^\n]*(?:pull\/|\$\{\{)/.test(run) && readsUntrustedRef(run);
}

/** Index of the first step of a job that checks out pull-request code, or -1. */
export function pullRequestCheckoutIndex(job: JobModel): number {
  const step = job.steps.find(checksOutPullRequest);
  return step ? step.index : -1;
}
