import type { Severity } from "../finding.js";
import { scalarText } from "../model/source.js";
import type { Rule } from "../rule.js";
import { minSeverity, worstTaint, type Taint } from "../taint/contexts.js";
import { stepLabel } from "../taint/describe.js";
import { scopeFor, shellDataTaint } from "../taint/flow.js";
import { commandFileWrites, locateInValue, usesRandomDelimiter, type CommandFileWrite } from "../taint/shell.js";
import { whoControls } from "../taint/wording.js";
import { allSteps } from "../walk.js";

/** Under these a fork's own code runs anyway: setting its environment gains nothing. */
const UNPRIVILEGED = new Set(["pull_request", "pull_request_review", "pull_request_review_comment"]);

/**
 * A line an attacker can shape, written to $GITHUB_ENV, sets any variable for the job's later
 * steps: BASH_ENV, LD_PRELOAD or NODE_OPTIONS turn that into code execution. The same goes for a
 * directory prepended through $GITHUB_PATH.
 */
export const envInjection: Rule = {
  id: "env-injection",
  title: "Attacker-controlled data written to $GITHUB_ENV or $GITHUB_PATH",
  severity: "high",
  confidence: "medium",
  check(ctx) {
    for (const { step, job } of allSteps(ctx.target)) {
      const script = scalarText(step.run);
      if (!step.run || !script || !/GITHUB_(ENV|PATH)/.test(script)) continue;
      const writes = commandFileWrites(script).filter((w) => w.file !== "GITHUB_OUTPUT");
      const randomDelimiter = writes.some(usesRandomDelimiter);
      const scope = scopeFor(ctx.target, job, step);
      for (const write of writes) {
        const taints = shellDataTaint(write.data, script, scope, write.line.offset).filter((t) => relevant(t, write, randomDelimiter));
        const taint = worstTaint(taints);
        if (!taint) continue;
        ctx.report({
          at: locateInValue(ctx.target.source, step.run, script, write.line.offset, write.line.first),
          job: job?.id,
          step: step.index,
          severity: severityOf(taint),
          confidence: taint.confidence,
          message: `${stepLabel(step, job)} writes data carrying ${taint.origin} to $${write.file}; ${whoControls(taint)}; ${consequence(write)}; ${fixFor(write)}`,
        });
      }
    }
  },
};

const PRIVILEGED_SEVERITY: Record<string, true> = {
  pull_request_target: true, issue_comment: true, issues: true, discussion: true, discussion_comment: true,
  workflow_run: true, commit_comment: true, gollum: true, check_suite: true, check_run: true,
};

/** Privileged triggers keep the taint's severity; a dispatcher already has write access: low. */
function severityOf(taint: Taint): Severity {
  if (taint.via in PRIVILEGED_SEVERITY) return taint.severity;
  if (taint.via === "workflow_dispatch" || taint.via === "repository_dispatch") return "low";
  return minSeverity(taint.severity, "medium");
}

/** Whether a taint can do harm through this write. */
function relevant(taint: Taint, write: CommandFileWrite, randomDelimiter: boolean): boolean {
  if (UNPRIVILEGED.has(taint.via)) return false;
  if (write.file === "GITHUB_PATH") return true;
  // the whole line: NAME=value of the attacker's choosing, unless it is the body of a NAME<<$RANDOM block
  if (write.bare) return !randomDelimiter;
  // NAME=value: only a newline reaches another variable; a random delimiter stops NAME<<DELIM bodies
  return taint.multiline && !usesRandomDelimiter(write);
}

function consequence(write: CommandFileWrite): string {
  if (write.file === "GITHUB_PATH") return "it decides where later steps of the job find their commands";
  return write.bare
    ? "it chooses a whole NAME=value line, so it can set BASH_ENV, LD_PRELOAD or NODE_OPTIONS for every later step of the job"
    : `a newline in it adds lines after ${write.name ?? "the variable"}, so it can set BASH_ENV, LD_PRELOAD or NODE_OPTIONS for every later step of the job`;
}

function fixFor(write: CommandFileWrite): string {
  if (write.file === "GITHUB_PATH") return "append only fixed directories to $GITHUB_PATH";
  if (write.bare) return "write only NAME=value lines with a fixed NAME and a validated value, or pass the value as a step output read through env:";
  return `pass it as a step output read through env:, or write it as ${write.name ?? "NAME"}<<$DELIM with a random delimiter (DELIM=$(openssl rand -hex 16))`;
}
