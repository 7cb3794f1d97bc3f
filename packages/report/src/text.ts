import type { AuditResult, Finding } from "@peptide/workflow";
import { SEVERITIES_DESC, colorize, countBySeverity, dim } from "./severity.js";

export interface TextOptions {
  /** ANSI colours; the caller decides (TTY, NO_COLOR, --no-color). */
  color: boolean;
}

const SEVERITY_WIDTH = "critical".length;

/**
 * Human output: findings grouped by file, one line each, `file:line:col severity rule message`
 * (the location first, so terminals and editors can jump to it); then the files skipped and
 * why; then one summary line with the counts by severity and the number of files audited.
 */
export function toText(result: Pick<AuditResult, "findings" | "files"> & Partial<Pick<AuditResult, "skipped">>, options: TextOptions): string {
  const { color } = options;
  const blocks: string[] = [];
  for (const findings of groupByFile(result.findings).values()) {
    blocks.push(findings.map((f) => findingLine(f, color)).join("\n"));
  }
  const skipped = result.skipped ?? [];
  if (skipped.length > 0) blocks.push(skipped.map((s) => `skipped ${oneLine(s.file)}: ${oneLine(s.reason)}`).join("\n"));
  blocks.push(summaryLine(result.findings, result.files, skipped.length, color));
  return `${blocks.join("\n\n")}\n`;
}

export function findingLine(f: Finding, color: boolean): string {
  const severity = f.severity.padEnd(SEVERITY_WIDTH);
  return [
    `${oneLine(f.file)}:${f.line}:${f.column}`,
    color ? colorize(f.severity, severity) : severity,
    color ? dim(f.rule) : f.rule,
    oneLine(f.message),
  ].join(" ");
}

/** `3 findings (1 critical, 2 high) in 5 files audited, 1 skipped` or `no findings in 5 files audited`. */
export function summaryLine(findings: readonly Finding[], files: number, skipped: number, color: boolean): string {
  const counts = countBySeverity(findings);
  const parts = SEVERITIES_DESC.filter((s) => counts[s] > 0).map((s) => {
    const text = `${counts[s]} ${s}`;
    return color ? colorize(s, text) : text;
  });
  const head = findings.length === 0 ? "no findings" : `${plural(findings.length, "finding")} (${parts.join(", ")})`;
  const tail = skipped > 0 ? `, ${skipped} skipped` : "";
  return `${head} in ${plural(files, "file")} audited${tail}`;
}

function groupByFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const group = groups.get(f.file);
    if (group) group.push(f);
    else groups.set(f.file, [f]);
  }
  return groups;
}

/**
 * One line, and no terminal control characters: a message can quote text from the audited file,
 * and an escape sequence there must not recolour, hide or rewrite the output.
 */
function oneLine(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, " ")
    .replace(/\t/g, " ")
    .trim()
    .replace(/[^ -~\u00a0-\uffff]/gu, (c) => (isControl(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : c));
}

/** C0 controls, DEL and C1 controls: what a terminal may act on. */
function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
