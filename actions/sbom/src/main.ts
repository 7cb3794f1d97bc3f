import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { log, setOutput, writeSummary } from "@peptide/action-kit";
import { generateSboms, sbomStats, writeSbom, type SbomFormat } from "@peptide/sbom";
import { sbomSummary } from "./summary.js";

export interface SbomInputs {
  /** A directory, a lockfile, an OCI layout directory or a registry reference. */
  target: string;
  isImage: boolean;
  format: SbomFormat;
  outputFile: string;
  showSummary: boolean;
  workspace: string;
}

export interface SbomOutcome {
  sbomPath: string;
  sbomDigest: string;
  components: number;
}

/**
 * Writes one SBOM. A multi-platform image gives one SBOM for all its platforms (the index's
 * digest is the subject); run the action once per platform with a platform-specific digest for one each.
 */
export async function run(inputs: SbomInputs): Promise<SbomOutcome> {
  const [generated] = await generateSboms(inputs.target, { cwd: inputs.workspace, combine: inputs.isImage });
  if (!generated) throw new Error("no SBOM was produced");
  const { sbom } = generated;
  for (const warning of sbom.warnings) log.warning(warning);
  if (sbom.components.length === 0) log.warning(`${inputs.target}: no components found; is this the right ${inputs.isImage ? "image" : "path"}?`);

  const document = writeSbom(sbom, inputs.format);
  const sbomPath = path.resolve(inputs.workspace, inputs.outputFile);
  await writeFile(sbomPath, document);
  const sbomDigest = `sha256:${createHash("sha256").update(document).digest("hex")}`;
  const stats = sbomStats(sbom);
  log.info(`${sbomPath}: ${stats.total} components, ${sbomDigest}`);

  setOutput("sbom-path", sbomPath);
  setOutput("sbom-digest", sbomDigest);
  setOutput("components", stats.total);
  if (inputs.showSummary) await writeSummary(sbomSummary(sbom, stats, { file: path.relative(inputs.workspace, sbomPath), digest: sbomDigest, format: inputs.format }));
  return { sbomPath, sbomDigest, components: stats.total };
}
