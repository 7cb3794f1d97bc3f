import { InputError } from "@peptide/core";
import { SEVERITIES, isSeverity, severityRank, type Confidence, type Severity } from "@peptide/workflow";

/**
 * The one place where a severity becomes something a consumer understands: a SARIF level, a
 * runner annotation level, a GitHub code scanning score, a terminal colour, a threshold check.
 * Every output format goes through these functions; none maps severities on its own.
 */

export type SarifLevel = "error" | "warning" | "note";
export type AnnotationLevel = "error" | "warning" | "notice";
export type SarifPrecision = "very-high" | "high" | "medium" | "low";

const SARIF_LEVEL: Readonly<Record<Severity, SarifLevel>> = { critical: "error", high: "error", medium: "warning", low: "note" };
const ANNOTATION_LEVEL: Readonly<Record<Severity, AnnotationLevel>> = { critical: "error", high: "error", medium: "warning", low: "notice" };

/**
 * GitHub code scanning reads `properties.security-severity` (0.0-10.0) of a rule and buckets it:
 * over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. Each value sits inside its bucket,
 * written as CodeQL writes it: a decimal number in a string.
 */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.5" };

const PRECISION: Readonly<Record<Confidence, SarifPrecision>> = { high: "high", medium: "medium", low: "low" };

const ESC = "\u001b[";
const RESET = `${ESC}0m`;
/** ANSI SGR codes: critical bold red, high red, medium yellow, low cyan. */
const COLOR: Readonly<Record<Severity, string>> = { critical: "1;31", high: "31", medium: "33", low: "36" };

export function sarifLevel(severity: Severity): SarifLevel {
  return SARIF_LEVEL[severity];
}

export function annotationLevel(severity: Severity): AnnotationLevel {
  return ANNOTATION_LEVEL[severity];
}

export function securitySeverity(severity: Severity): string {
  return SECURITY_SEVERITY[severity];
}

export function sarifPrecision(confidence: Confidence): SarifPrecision {
  return PRECISION[confidence];
}

/** `text` in the severity's colour; callers decide whether colour is wanted. */
export function colorize(severity: Severity, text: string): string {
  return `${ESC}${COLOR[severity]}m${text}${RESET}`;
}

/** `text` dimmed (secondary detail such as rule ids), for coloured output only. */
export function dim(text: string): string {
  return `${ESC}2m${text}${RESET}`;
}

/** True when the severity (of a finding, or given directly) is at or above `threshold`. */
export function atOrAbove(subject: Severity | { severity: Severity }, threshold: Severity): boolean {
  const severity = typeof subject === "string" ? subject : subject.severity;
  return severityRank(severity) >= severityRank(threshold);
}

/** Most severe first; stable, so equal severities keep their order (file, line). */
export function bySeverityDesc<T extends { severity: Severity }>(items: readonly T[]): T[] {
  return items.map((item, index) => ({ item, index }))
    .sort((a, b) => severityRank(b.item.severity) - severityRank(a.item.severity) || a.index - b.index)
    .map((entry) => entry.item);
}

/** Count of findings per severity, every severity present (zero when none). */
export function countBySeverity(findings: readonly { severity: Severity }[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Severities from most to least severe, for tables and summaries. */
export const SEVERITIES_DESC: readonly Severity[] = [...SEVERITIES].reverse();

/** Reads a threshold as the user spelled it (`--fail-on`, `fail-on:`); `input` names it in the error. */
export function parseSeverity(value: string, input = "--fail-on"): Severity {
  const normalized = value.trim().toLowerCase();
  if (isSeverity(normalized)) return normalized;
  throw new InputError("INPUT_INVALID", `${input} must be one of ${SEVERITIES.join(", ")}; got "${value}"`);
}
