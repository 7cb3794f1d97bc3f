import type { PromotionResult } from "@peptide/attest";

const VERDICT: Record<PromotionResult["status"], string> = {
  promoted: "✅ **promoted**",
  "already-promoted": "✅ **already promoted** (nothing written)",
  refused: "❌ **refused** (nothing copied)",
};

/** The job summary: the verdict, the gate's checks, what was copied and the evidence attached. */
export function promotionMarkdown(options: { source: string; target: string; result: PromotionResult }): string {
  const { result } = options;
  const lines = [
    "## Peptide promote",
    "",
    `${VERDICT[result.status]} to **${escape(result.environment)}**: \`${escape(options.source)}\` → \`${escape(options.target)}\``,
    "",
    "| check | result | reason |",
    "| --- | --- | --- |",
    ...result.checks.map((c) => `| ${c.name} | ${c.ok ? "pass" : "**fail**"} | ${escape(c.reason)} |`),
    "",
  ];
  const copy = result.copy;
  if (copy !== undefined) {
    const referrers = copy.referrers.map((r) => `\`${escape(r.artifactType ?? "referrer")}\` ${r.status}`);
    lines.push(
      "### copied",
      "",
      "| what | count |",
      "| --- | --- |",
      `| blobs sent | ${copy.copiedBlobs} (${copy.bytesUploaded} bytes) |`,
      `| blobs mounted | ${copy.mountedBlobs} |`,
      `| blobs already there | ${copy.skippedBlobs} |`,
      `| referrers (signatures, SBOM, provenance) | ${copy.referrers.length}${referrers.length > 0 ? `: ${referrers.join(", ")}` : ""} |`,
      `| tag | ${copy.tagged ? "written last" : "unchanged"} |`,
      "",
    );
  }
  if (result.evidence !== undefined) {
    lines.push(`Promotion attestation \`${escape(result.evidence.statement.predicateType)}\` attached as \`${result.evidence.manifest.digest}\`.`, "");
  }
  return lines.join("\n");
}

function escape(text: string): string {
  return text.replace(/[|`<>]/g, "\\$&").replace(/\r?\n/g, " ");
}
