import { writeFile } from "node:fs/promises";
import path from "node:path";
import { annotate, log, setOutput, writeSummary } from "@peptide/action-kit";
import { annotationLevel, atOrAbove, splitAnnotations, toMarkdownSummary, toSarif } from "@peptide/report";
import { audit, loadPolicy, ruleCatalog, type Severity } from "@peptide/workflow";

export interface AuditInputs {
  paths: string[];
  failOn: Severity | "none";
  /** Policy file; the default one is optional, one named by the user must exist. */
  config?: string;
  configExplicit: boolean;
  sarifFile?: string;
  showSummary: boolean;
  workspace: string;
  /** `https://github.com/o/r/blob/<sha>/`, for links in the summary. */
  blobBaseUrl?: string;
  version: string;
}

export interface AuditOutcome {
  findings: number;
  failed: boolean;
  sarifFile?: string;
}

export async function run(inputs: AuditInputs): Promise<AuditOutcome> {
  const cwd = inputs.workspace;
  const config = await loadPolicy(inputs.config, { explicit: inputs.configExplicit, cwd });
  const result = await log.group("Audit", () => audit(inputs.paths, { cwd, config }));
  log.info(`${result.files} files audited, ${result.findings.length} findings`);
  for (const skip of result.skipped) log.warning(`${skip.file}: skipped, ${skip.reason}`);

  const { annotations, overflow } = splitAnnotations(result.findings);
  annotate(annotations.map((f) => ({ level: annotationLevel(f.severity), message: `${f.message}\n${f.docs}`, title: `${f.rule} (${f.severity})`, file: f.file, line: f.line, column: f.column })));

  let sarifFile: string | undefined;
  if (inputs.sarifFile) {
    sarifFile = path.resolve(cwd, inputs.sarifFile);
    await writeFile(sarifFile, `${JSON.stringify(toSarif(result, ruleCatalog(), { version: inputs.version, srcRoot: cwd }), null, 2)}\n`);
    setOutput("sarif-file", sarifFile);
  }
  setOutput("findings", result.findings.length);
  if (inputs.showSummary) await writeSummary(toMarkdownSummary(result, { baseUrl: inputs.blobBaseUrl, overflow }));

  const failing = inputs.failOn === "none" ? [] : result.findings.filter((f) => atOrAbove(f.severity, inputs.failOn as Severity));
  if (failing.length > 0) log.fail(`${failing.length} finding(s) at or above ${inputs.failOn}; see the annotations and the job summary`);
  return { findings: result.findings.length, failed: failing.length > 0, sarifFile };
}
