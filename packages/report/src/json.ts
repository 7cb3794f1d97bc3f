import type { AuditResult, Confidence, Finding, Severity } from "@peptide/workflow";

/**
 * `peptide audit --format json`, version 1. This shape is public and frozen: it is built key by
 * key from the internal `Finding`, never by serializing internal objects, so a field added to the
 * model does not leak out. A change that removes, renames or retypes a key is version 2.
 *
 * ```json
 * {"version":1,"findings":[{"rule","severity","confidence","file","line","column","job","step","message","docs"}],"files":N}
 * ```
 *
 * - keys always appear, in this order;
 * - `file` is relative to the working directory, `/`-separated; `line` and `column` are 1-based;
 * - `job` is the job id, `null` when the finding is about the whole file (a trigger, top-level
 *   permissions) or an action manifest;
 * - `step` is the 0-based index of the step in the job's `steps:` (or the composite action's
 *   `runs.steps:`), `null` when the finding is not about one step;
 * - `docs` is the URL of the rule's documentation page;
 * - `files` is the number of files audited. Files skipped are not counted.
 * - findings are in the audit's order: by file, then line, column and rule.
 */
export interface JsonReportV1 {
  version: 1;
  findings: JsonFindingV1[];
  files: number;
}

export interface JsonFindingV1 {
  rule: string;
  severity: Severity;
  confidence: Confidence;
  file: string;
  line: number;
  column: number;
  job: string | null;
  step: number | null;
  message: string;
  docs: string;
}

export function toJsonV1(result: Pick<AuditResult, "findings" | "files">): JsonReportV1 {
  return { version: 1, findings: result.findings.map(toJsonFindingV1), files: result.files };
}

export function toJsonFindingV1(f: Finding): JsonFindingV1 {
  return {
    rule: f.rule,
    severity: f.severity,
    confidence: f.confidence,
    file: f.file,
    line: f.line,
    column: f.column,
    job: f.job ?? null,
    step: f.step ?? null,
    message: f.message,
    docs: f.docs,
  };
}

/** The v1 document as text, one line, ending in a newline. */
export function formatJsonV1(result: Pick<AuditResult, "findings" | "files">): string {
  return `${JSON.stringify(toJsonV1(result))}\n`;
}
