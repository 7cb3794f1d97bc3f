import type { Confidence, Report, Severity } from "./finding.js";
import type { AuditTarget } from "./model/types.js";
import type { PolicyConfig } from "./policy/config.js";

export interface RuleContext {
  target: AuditTarget;
  config: PolicyConfig;
  report(report: Report): void;
}

/** One audit: its id is its file name and its docs page (`docs/rules/<id>.md`). */
export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  /** Kinds of file the rule reads; both when omitted. */
  targets?: ReadonlyArray<AuditTarget["kind"]>;
  check(ctx: RuleContext): void;
}
