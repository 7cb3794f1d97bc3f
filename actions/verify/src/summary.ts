import type { ArtifactVerificationReport, Check } from "@peptide/attest";

/** The job summary: the verdict, then each bundle's checks with pass/fail and the reason. */
export function reportMarkdown(subject: string, from: string, report: ArtifactVerificationReport): string {
  const lines = [
    "## Peptide verify",
    "",
    `${report.ok ? "✅ **verified**" : "❌ **not verified**"}: \`${escape(subject)}\` with ${report.bundles.length} bundle(s) from \`${escape(from)}\`.`,
    "",
    ...table(report.checks),
  ];
  report.bundles.forEach((bundle, i) => {
    const who = bundle.identity?.subjectAlternativeName ?? "unknown signer";
    lines.push(`### bundle ${i + 1}: ${bundle.ok ? "pass" : "fail"}`, "", `${bundle.statement ? `\`${escape(bundle.statement.predicateType)}\`, ` : ""}signed by \`${escape(who)}\``, "", ...table(bundle.checks));
  });
  return lines.join("\n");
}

function table(checks: readonly Check[]): string[] {
  if (checks.length === 0) return [];
  return ["| check | result | reason |", "| --- | --- | --- |", ...checks.map((c) => `| ${c.name} | ${c.ok ? "pass" : "**fail**"} | ${escape(c.reason)} |`), ""];
}

function escape(text: string): string {
  return text.replace(/[|`<>]/g, "\\$&").replace(/\r?\n/g, " ");
}
