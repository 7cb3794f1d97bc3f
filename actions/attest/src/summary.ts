import path from "node:path";
import type { ProvenanceStatement, SigningStats, Subject } from "@peptide/attest";
import type { MadeSbom } from "./sbom.js";
import type { StoredBundles } from "@peptide/action-kit/attest";

export function attestSummary(facts: { subjects: Subject[]; provenance: ProvenanceStatement; sbom: MadeSbom | undefined; stored: StoredBundles; stats: SigningStats; workspace: string }): string {
  const { subjects, provenance, sbom, stored, stats } = facts;
  const rows = subjects.slice(0, 20).map((s) => `| \`${escape(s.name)}\` | \`sha256:${s.digest.sha256}\` |`);
  if (subjects.length > 20) rows.push(`| … and ${subjects.length - 20} more | |`);
  const attestations = [`| provenance | \`${provenance.predicateType}\` | \`${stored.attestationDigests[0] ?? ""}\` |`];
  if (sbom) attestations.push(`| SBOM${sbom.components !== undefined ? ` (${sbom.components} components)` : ""} | \`${sbom.predicateType}\` | \`${stored.attestationDigests[1] ?? ""}\` |`);
  return [
    "## Peptide attest",
    "",
    `Builder \`${escape(provenance.predicate.runDetails.builder.id)}\`; ${stats.certificates} certificate(s), ${stats.tlogEntries} transparency log entries, ${stats.timestamps} timestamps.`,
    "",
    "| subject | digest |",
    "| --- | --- |",
    ...rows,
    "",
    "| attestation | predicate type | bundle digest |",
    "| --- | --- | --- |",
    ...attestations,
    "",
    ...stored.notes.map((n) => `- ${escape(n)}`),
    ...stored.bundlePaths.slice(0, 10).map((p) => `- \`${escape(path.relative(facts.workspace, p))}\``),
    "",
  ].join("\n");
}

function escape(text: string): string {
  return text.replace(/[|`<>]/g, "\\$&");
}
