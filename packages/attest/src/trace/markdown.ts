/**
 * The job summary of a trace: a table (link | status | what) and the Mermaid diagram of the
 * chain. GitHub's job summaries strip colour from text, so a missing link is marked with an
 * emoji and bold words ("❌ **missing**") in the table, and drawn red only in the diagram
 * (Mermaid's classDef is rendered).
 */
import { traceMermaid } from "./mermaid.js";
import type { EnvironmentFact, Trace, TraceLink } from "./types.js";

const STATUS: Record<TraceLink["status"], string> = {
  present: "✅ present",
  missing: "❌ **missing**",
  none: "➖ none yet",
};

export function traceMarkdown(trace: Trace, environments: readonly EnvironmentFact[]): string {
  const verdict =
    trace.missing.length === 0
      ? "✅ every link is present"
      : `❌ **${trace.missing.length} link${trace.missing.length === 1 ? "" : "s"} missing**: ${trace.missing.map(markdownText).join(", ")}`;
  const lines = [
    "## Peptide trace",
    "",
    `${markdownText(trace.image.name)}@${markdownText(trace.image.digest)} (${trace.attachments} attachment${trace.attachments === 1 ? "" : "s"}): ${verdict}`,
    "",
    "| link | status | what |",
    "| --- | --- | --- |",
    ...trace.links.map((l) => `| ${markdownText(l.name)} | ${STATUS[l.status]} | ${[l.summary, ...(l.details ?? [])].map(markdownText).join("<br>")} |`),
    "",
  ];
  lines.push("```mermaid", traceMermaid(trace, environments), "```", "", "The attestations are read, not verified: the verify action and `peptide verify` are the gate.", "");
  return lines.join("\n");
}

/**
 * Text safe in a Markdown table cell: line breaks flattened, and every character that could
 * start markup (emphasis, links, HTML, code, the cell separator) backslash-escaped.
 */
export function markdownText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").replace(/[\\`*_[\]<>|~&!#]/g, "\\$&");
}
