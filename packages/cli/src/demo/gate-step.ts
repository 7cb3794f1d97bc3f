/**
 * Demo step 5: the attestations attached to an image verified the way an admission gate would,
 * against the stand-in's trusted root: who signed (the release workflow of the repository, from
 * a version tag, on a GitHub-hosted runner) and what must be attached (provenance and SBOM).
 */
import { fetchAttachedBundles, SLSA_PROVENANCE_V1 } from "@peptide/attest";
import { verifyBundles, type ArtifactVerificationReport, type Check, type TrustRoot, type VerificationPolicy } from "@peptide/attest/verify";
import type { ImageStore } from "@peptide/oci";
import { CYCLONEDX_PREDICATE_TYPE, RELEASE } from "./attest-step.js";
import type { DemoPrinter } from "./print.js";

/** The admission policy of the demo: what a production cluster would require of this service. */
export function gatePolicy(signerWorkflow = `${RELEASE.repository}/${RELEASE.workflowPath}`): VerificationPolicy {
  return {
    signerWorkflow,
    certificateOidcIssuer: RELEASE.issuer,
    sourceRef: "refs/tags/v*",
    runnerEnvironment: "github-hosted",
    predicateTypes: [SLSA_PROVENANCE_V1, CYCLONEDX_PREDICATE_TYPE],
  };
}

export async function gate(store: ImageStore, digest: string, policy: VerificationPolicy, trustedRoot: TrustRoot): Promise<ArtifactVerificationReport> {
  const found = await fetchAttachedBundles(store, digest);
  return verifyBundles(found.map((f) => f.bundle), { sha256: digest.replace(/^sha256:/, "") }, policy, { trustedRoot });
}

/** One row per check, one column per attestation, then the checks over the image. */
export function printChecksTable(out: DemoPrinter, report: ArtifactVerificationReport): void {
  const columns = report.bundles.map((b) => (b.statement?.predicateType === SLSA_PROVENANCE_V1 ? "provenance" : b.statement?.predicateType === CYCLONEDX_PREDICATE_TYPE ? "sbom" : "bundle"));
  const names = [...new Set(report.bundles.flatMap((b) => b.checks.map((c) => c.name)))];
  const mark = (check: Check | undefined) => (check === undefined ? "-" : check.ok ? out.green("pass") : out.red("FAIL"));
  out.line(`  ${"check".padEnd(24)}${columns.map((c) => c.padEnd(12)).join("")}`.trimEnd());
  for (const name of names) {
    const cells = report.bundles.map((b) => {
      const check = b.checks.find((c) => c.name === name);
      return mark(check) + " ".repeat(check === undefined ? 11 : 8);
    });
    out.line(`  ${name.padEnd(24)}${cells.join("")}`.trimEnd());
  }
  out.line("  over the image:");
  for (const check of report.checks) out.line(`  ${check.name.padEnd(24)}${mark(check)}  ${out.dim(check.reason)}`);
}

/** The failing checks, each name once with its first reason: what a refused deploy says. */
export function failingChecks(report: ArtifactVerificationReport): Check[] {
  const seen = new Map<string, Check>();
  for (const check of [...report.bundles.flatMap((b) => b.checks), ...report.checks]) {
    if (!check.ok && !seen.has(check.name)) seen.set(check.name, check);
  }
  return [...seen.values()];
}

export function printRefusal(out: DemoPrinter, report: ArtifactVerificationReport): void {
  out.line(`      ${report.ok ? out.green("admitted") : out.red("refused")}: ${report.ok ? "every check passes" : "failing checks:"}`);
  for (const check of failingChecks(report)) out.line(`        ${out.red("FAIL")} ${check.name}: ${check.reason}`);
}
