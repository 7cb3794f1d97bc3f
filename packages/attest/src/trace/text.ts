import type { Trace } from "./types.js";

/** Text for a terminal: one line a link, MISSING in red when `color`. */
export function formatTraceText(trace: Trace, color: boolean): string {
  const red = (s: string) => (color ? `\u001b[31m${s}\u001b[0m` : s);
  const lines = [
    `image        ${trace.image.name}@${trace.image.digest}`,
    `             ${trace.image.location}, ${trace.image.mediaType}, ${trace.image.size} bytes; ${trace.attachments} attachment${trace.attachments === 1 ? "" : "s"}`,
  ];
  for (const link of trace.links) {
    const label = link.name.padEnd(12);
    lines.push(link.status === "missing" ? `${label} ${red("MISSING")}: ${link.summary}` : `${label} ${link.summary}`);
    for (const detail of link.details ?? []) lines.push(`${" ".repeat(13)}${detail}`);
  }
  if (trace.missing.length > 0) lines.push(red(`${trace.missing.length} link${trace.missing.length === 1 ? "" : "s"} missing: ${trace.missing.join(", ")}`));
  return `${lines.join("\n")}\n`;
}
