/** The report as text for a terminal or a job log: one line per check, failures marked. */
import type { ArtifactVerificationReport, Check, VerificationReport } from "./report.js";

function line(check: Check): string {
  return `  ${check.ok ? "pass" : "FAIL"}  ${check.name}: ${check.reason}`;
}

export function formatReportText(report: VerificationReport): string {
  const lines = [report.ok ? "verified" : "verification failed"];
  if (report.identity?.subjectAlternativeName) lines.push(`  signer: ${report.identity.subjectAlternativeName}`);
  if (report.statement) lines.push(`  predicate: ${report.statement.predicateType}`);
  lines.push(...report.checks.map(line));
  return lines.join("\n");
}

export function formatArtifactReportText(report: ArtifactVerificationReport): string {
  const blocks = report.bundles.map((bundle, index) => `bundle ${index + 1}: ${formatReportText(bundle)}`);
  blocks.push([report.ok ? "artifact verified" : "artifact verification failed", ...report.checks.map(line)].join("\n"));
  return blocks.join("\n\n");
}
