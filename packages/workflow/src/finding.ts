import type { Position } from "./model/source.js";

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const CONFIDENCES = ["low", "medium", "high"] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export const DOCS_BASE = "https://github.com/peptide-dev/peptide/blob/main/docs/rules";

export function docsUrl(rule: string): string {
  return `${DOCS_BASE}/${rule}.md`;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** One problem found by a rule, at a place in a file. */
export interface Finding {
  rule: string;
  severity: Severity;
  confidence: Confidence;
  /** Path relative to the working directory. */
  file: string;
  line: number;
  column: number;
  /** Job id, when the finding is about a job or one of its steps. */
  job?: string;
  /** 0-based step index in the job or composite action. */
  step?: number;
  message: string;
  docs: string;
  /** A machine-applicable edit, when the rule knows one (used by `--fix`). */
  fix?: FindingFix;
}

export type FindingFix =
  | { kind: "permissions"; job?: string; scopes: Record<string, "read" | "write"> }
  | { kind: "pin"; action: string; ref: string; line: number };

/** What a rule reports; the driver fills in rule id, defaults, file and docs. */
export interface Report {
  at: Position;
  message: string;
  job?: string;
  step?: number;
  severity?: Severity;
  confidence?: Confidence;
  fix?: FindingFix;
}
