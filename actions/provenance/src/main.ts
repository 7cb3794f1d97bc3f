import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { log, setOutput, writeSummary } from "@peptide/action-kit";
import { collectSubjects, contextFromRunner, provenanceStatement, requestIdToken, sbomDescriptor, type SubjectInputs } from "@peptide/attest";

export interface ProvenanceInputs {
  subjects: SubjectInputs;
  sbomPath: string | undefined;
  outputFile: string;
  oidcIssuer: string | undefined;
  showSummary: boolean;
  workspace: string;
  env: NodeJS.ProcessEnv;
}

export interface ProvenanceOutcome {
  statementPath: string;
  predicateType: string;
  subjectCount: number;
}

export async function run(inputs: ProvenanceInputs): Promise<ProvenanceOutcome> {
  const subjects = await collectSubjects(inputs.subjects, { cwd: inputs.workspace });
  const sbom = inputs.sbomPath === undefined ? undefined : await sbomDescriptor(path.resolve(inputs.workspace, inputs.sbomPath));
  const token = await requestIdToken(inputs.env, "sigstore");
  log.mask(token);
  const context = await contextFromRunner(inputs.env, { token, ...(inputs.oidcIssuer ? { issuer: inputs.oidcIssuer } : {}), ...(sbom ? { sbom } : {}) });
  const statement = await provenanceStatement(subjects, context);

  const statementPath = path.resolve(inputs.workspace, inputs.outputFile);
  await mkdir(path.dirname(statementPath), { recursive: true });
  await writeFile(statementPath, `${JSON.stringify(statement, null, 2)}\n`);
  log.info(`${statementPath}: ${statement.predicateType} for ${subjects.length} subject(s), builder ${statement.predicate.runDetails.builder.id}`);

  setOutput("statement-path", statementPath);
  setOutput("predicate-type", statement.predicateType);
  setOutput("subject-count", subjects.length);
  if (inputs.showSummary) {
    const shown = subjects.slice(0, 20).map((s) => `| \`${s.name.replace(/[|`]/g, "_")}\` | \`sha256:${s.digest.sha256}\` |`);
    const more = subjects.length > 20 ? [`| … and ${subjects.length - 20} more | |`] : [];
    await writeSummary(
      [
        "## Peptide provenance",
        "",
        `${statement.predicateType}, builder \`${statement.predicate.runDetails.builder.id}\`, written to \`${path.relative(inputs.workspace, statementPath)}\`.`,
        "",
        "| subject | digest |",
        "| --- | --- |",
        ...shown,
        ...more,
        "",
      ].join("\n"),
    );
  }
  return { statementPath, predicateType: statement.predicateType, subjectCount: subjects.length };
}
