import { writeFile } from "node:fs/promises";
import path from "node:path";
import { log, setOutput, writeSummary } from "@peptide/action-kit";
import { loadTrustedRoot, policyFromJSON, readPolicyFile, verifyBundles, type Artifact, type ArtifactVerificationReport, type TrustedRootSource } from "@peptide/attest";
import { findBundles } from "./bundles.js";
import { reportMarkdown } from "./summary.js";

export interface VerifyInputs {
  subjectPath: string | undefined;
  subjectDigest: string | undefined;
  subjectName: string | undefined;
  bundle: string | undefined;
  /** A trusted_root.json (nothing fetched), or TUF: the public-good repository or a mirror. */
  trustedRoot: TrustedRootSource;
  policyFile: string | undefined;
  /** Policy fields from inputs, flag spelling. */
  policyInputs: Record<string, string | string[]>;
  showSummary: boolean;
  workspace: string;
  tempDir: string;
  /** For the TUF cache directory (XDG_CACHE_HOME, HOME). */
  env?: NodeJS.ProcessEnv;
}

export async function run(inputs: VerifyInputs): Promise<ArtifactVerificationReport> {
  const fromFile = inputs.policyFile === undefined ? {} : await readPolicyFile(path.resolve(inputs.workspace, inputs.policyFile), inputs.policyFile);
  const policy = policyFromJSON({ ...fromFile, ...inputs.policyInputs }, inputs.policyFile ?? "inputs");
  const trustedRoot = await loadTrustedRoot(inputs.trustedRoot);
  const { bundles, from } = await findBundles(inputs);
  const artifact: Artifact = inputs.subjectPath !== undefined ? { path: path.resolve(inputs.workspace, inputs.subjectPath) } : { sha256: (inputs.subjectDigest ?? "").replace(/^sha256:/, "") };
  const subject = inputs.subjectPath ?? inputs.subjectDigest ?? "";
  const report = await verifyBundles(bundles, artifact, policy, { trustedRoot });

  const reportPath = path.join(inputs.tempDir, "peptide-verify-report.json");
  await writeFile(reportPath, `${JSON.stringify({ version: 1, subject, bundlesFrom: from, ...report }, null, 2)}\n`);
  const signer = report.bundles.find((b) => b.ok)?.identity?.subjectAlternativeName ?? "";
  for (const bundle of report.bundles) {
    for (const check of bundle.checks) log.info(`${check.ok ? "pass" : "FAIL"} ${check.name}: ${check.reason}`);
  }
  setOutput("verified", report.ok);
  setOutput("report-path", reportPath);
  setOutput("signer", signer);
  if (inputs.showSummary) await writeSummary(reportMarkdown(subject, from, report));
  if (!report.ok) {
    const failed = [...report.checks, ...report.bundles.flatMap((b) => b.checks)].filter((c) => !c.ok);
    const first = failed.find((c) => c.name !== "bundle") ?? failed[0];
    log.fail(`verification of ${subject} failed: ${first ? `${first.name}: ${first.reason}` : "no bundle passes"}`);
  } else {
    log.info(`${subject}: verified (${from})`);
  }
  return report;
}
