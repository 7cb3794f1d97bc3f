import type { Finding } from "./finding.js";
import type { SourceFile } from "./model/source.js";

const IGNORE = /#\s*peptide:\s*ignore\[([^\]]*)\]/;

/** Rule ids ignored on a line by `# peptide: ignore[rule-a, rule-b] reason`. */
function ignoredOn(source: SourceFile, line: number): string[] {
  const match = IGNORE.exec(source.line(line));
  return match ? match[1]!.split(",").map((s) => s.trim()).filter(Boolean) : [];
}

/** True when the finding's line, or the line above it, carries an ignore comment for its rule. */
export function isSuppressed(finding: Finding, source: SourceFile): boolean {
  if (!source.text.includes("peptide:")) return false;
  for (const line of [finding.line, finding.line - 1]) {
    const ids = ignoredOn(source, line);
    if (ids.includes(finding.rule) || ids.includes("*")) return true;
  }
  return false;
}
