import type { Sbom, SbomStats } from "@peptide/sbom";

/** The job summary: what was described, counts per ecosystem and scope, licenses. */
export function sbomSummary(sbom: Sbom, stats: SbomStats, file: { file: string; digest: string; format: string }): string {
  const subject = sbom.subject;
  const lines = [
    "## Peptide SBOM",
    "",
    `**${escape(subject.name)}**${subject.version ? ` ${escape(subject.version)}` : ""}${subject.digest ? ` \`${subject.digest}\`` : ""}`,
    "",
    `${stats.total} components in \`${escape(file.file)}\` (${file.format}, \`${file.digest}\`); ${stats.hashed} with a hash.`,
    "",
  ];
  if (stats.byEcosystem.length > 0) {
    lines.push("| ecosystem | required | optional | dev | total |", "| --- | ---: | ---: | ---: | ---: |");
    for (const e of stats.byEcosystem) lines.push(`| ${e.ecosystem} | ${e.scopes.required} | ${e.scopes.optional} | ${e.scopes.dev} | ${e.total} |`);
    lines.push("");
  }
  if (stats.licenses.length > 0) {
    const top = stats.licenses.slice(0, 15).map((l) => `${escape(l.license)} (${l.count})`).join(", ");
    const more = stats.licenses.length > 15 ? `, and ${stats.licenses.length - 15} more` : "";
    lines.push(`**Licenses:** ${top}${more}; ${stats.unlicensed} components without a known license.`, "");
  }
  return lines.join("\n");
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#|<>!]/g, "\\$&");
}
