import type { AuditResult, Finding } from "@peptide/workflow";
import { SEVERITIES_DESC, bySeverityDesc, countBySeverity } from "./severity.js";

export interface SummaryOptions {
  /** Where files are browsed, ending in `/`: `https://github.com/o/r/blob/<sha>/`. Without it, locations are plain text. */
  baseUrl?: string;
  /** How many findings to list, most severe first (default 20). */
  top?: number;
  /** Findings the runner could not show as annotations (from `splitAnnotations`); listed in full. */
  overflow?: readonly Finding[];
  /** Heading of the summary (default "Peptide audit"). */
  title?: string;
  /** Size the summary must stay under; GitHub refuses a step summary over 1 MiB (default 900 000 bytes). */
  maxBytes?: number;
}

const DEFAULT_TOP = 20;
const DEFAULT_MAX_BYTES = 900_000;
const TABLE_HEAD = "| severity | rule | location | message |\n| --- | --- | --- | --- |";

/**
 * The job summary: counts by severity, the most severe findings with links to the line and to
 * the rule's docs, the findings that did not fit as annotations, and the files skipped. Text
 * that comes from the audited files (messages, paths) is escaped, so a workflow cannot inject
 * markdown or HTML into the summary.
 */
export function toMarkdownSummary(
  result: Pick<AuditResult, "findings" | "files"> & Partial<Pick<AuditResult, "skipped">>,
  options: SummaryOptions = {},
): string {
  const budget = new Budget(options.maxBytes ?? DEFAULT_MAX_BYTES);
  const { findings, files } = result;
  budget.add(`## ${escapeMarkdown(options.title ?? "Peptide audit")}\n`);
  if (findings.length === 0) {
    budget.add(`No findings in ${plural(files, "file")} audited.\n`);
  } else {
    budget.add(`${countsTable(findings)}\n`);
    budget.add(`${plural(findings.length, "finding")} in ${plural(files, "file")} audited.\n`);
    const top = bySeverityDesc(findings).slice(0, Math.max(0, options.top ?? DEFAULT_TOP));
    if (top.length > 0) {
      const shown = top.length < findings.length ? ` (${top.length} of ${findings.length})` : "";
      budget.add(`### Most severe findings${shown}\n`);
      budget.table(top, options.baseUrl);
    }
  }
  const overflow = options.overflow ?? [];
  if (overflow.length > 0) {
    budget.add(`### Not shown as annotations\n\nThe runner shows a limited number of annotations per step; ${plural(overflow.length, "more finding")} did not fit.\n`);
    budget.table(overflow, options.baseUrl);
  }
  const skipped = result.skipped ?? [];
  if (skipped.length > 0) {
    const items = skipped.map((s) => `- ${escapeMarkdown(s.file)}: ${escapeMarkdown(s.reason)}`).join("\n");
    budget.add(`<details><summary>${plural(skipped.length, "file")} skipped</summary>\n\n${items}\n\n</details>\n`);
  }
  return budget.text();
}

function countsTable(findings: readonly Finding[]): string {
  const counts = countBySeverity(findings);
  const rows = SEVERITIES_DESC.map((s) => `| ${s} | ${counts[s]} |`);
  return ["| severity | findings |", "| --- | ---: |", ...rows, `| **total** | **${findings.length}** |`].join("\n");
}

/** One table row: severity, rule (linked to its docs), location (linked to the line), message. */
export function findingRow(f: Finding, baseUrl?: string): string {
  const rule = `[${escapeMarkdown(f.rule)}](${safeUrl(f.docs)})`;
  const where = `${escapeMarkdown(f.file)}:${f.line}:${f.column}`;
  const location = baseUrl === undefined ? where : `[${where}](${fileUrl(baseUrl, f.file, f.line)})`;
  return `| ${f.severity} | ${rule} | ${location} | ${messageMarkdown(f.message)} |`;
}

/** `<base>/<path>#L<line>`, each path segment percent-encoded. */
export function fileUrl(baseUrl: string, file: string, line: number): string {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const encoded = file.replace(/^(\.\/)+/, "").split("/").map(encodeSegment).join("/");
  return `${safeUrl(base)}${encoded}#L${line}`;
}

/** A message with its `code spans` kept as <code>, everything else escaped. */
export function messageMarkdown(message: string): string {
  return message
    .split(/(`[^`\r\n]+`)/)
    .map((part) => (/^`[^`\r\n]+`$/.test(part) ? `<code>${escapeMarkdown(part.slice(1, -1))}</code>` : escapeMarkdown(part)))
    .join("");
}

/**
 * Text that renders as itself inside a line of GitHub markdown (a table cell, a list item):
 * line breaks become spaces, HTML special characters entities, and the punctuation that means
 * something mid-line is backslash-escaped: emphasis, code, links, tables, `$` math, `@` mentions,
 * `#` references, `:` emoji and autolinks. Not for the start of a line (`-`, `+`, `.` are kept).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_{}[\]()#!|~@:$]/g, "\\$&");
}

function safeUrl(url: string): string {
  return url.replace(/[\s()<>|`"']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Accumulates sections and stops adding table rows before the summary outgrows its limit. */
class Budget {
  private readonly parts: string[] = [];
  private bytes = 0;
  private readonly reserve = 200;

  constructor(private readonly max: number) {}

  add(section: string): void {
    this.parts.push(section);
    this.bytes += Buffer.byteLength(section) + 1;
  }

  table(findings: readonly Finding[], baseUrl?: string): void {
    const rows = [TABLE_HEAD];
    let size = Buffer.byteLength(TABLE_HEAD) + 1;
    let shown = 0;
    for (const f of findings) {
      const row = findingRow(f, baseUrl);
      const rowBytes = Buffer.byteLength(row) + 1;
      if (this.bytes + size + rowBytes + this.reserve > this.max) break;
      rows.push(row);
      size += rowBytes;
      shown++;
    }
    if (shown === 0) rows.length = 0;
    const left = findings.length - shown;
    if (left > 0) rows.push(`${shown > 0 ? "\n" : ""}_${plural(left, "more finding")} not listed: the summary is at its size limit. The SARIF output and \`peptide audit\` list them all._`);
    this.add(`${rows.join("\n")}\n`);
  }

  text(): string {
    return this.parts.join("\n");
  }
}
