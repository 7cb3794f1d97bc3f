import type { Confidence, Severity } from "./finding.js";
import { RULE_DOCS } from "./generated/rule-docs.js";
import { RULES } from "./registry.js";

export interface RuleEntry {
  id: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  /** The rule's docs page (docs/rules/<id>.md), markdown. */
  help?: string;
}

/** Every rule with its docs, `parse-error` included: the metadata SARIF and help screens show. */
export function ruleCatalog(): RuleEntry[] {
  return [
    ...RULES.map((r) => ({ id: r.id, title: r.title, severity: r.severity, confidence: r.confidence, help: RULE_DOCS[r.id] })),
    { id: "parse-error", title: "File cannot be read as a workflow or action", severity: "high", confidence: "high", help: RULE_DOCS["parse-error"] },
  ];
}
