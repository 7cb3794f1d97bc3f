import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { log } from "@peptide/action-kit";
import type { Subject } from "@peptide/attest";
import { InputError } from "@peptide/core";
import { generateSboms, writeSbom, type SbomFormat } from "@peptide/sbom";
import { isImageSubject } from "@peptide/action-kit/attest";

/** Predicate types of SBOM attestations, as actions/attest-sbom and cosign name them. */
export const SBOM_PREDICATE_TYPES: Record<SbomFormat, string> = {
  "cyclonedx-json": "https://cyclonedx.org/bom",
  "spdx-json": "https://spdx.dev/Document/v2.3",
};

export interface MadeSbom {
  file: string;
  predicateType: string;
  document: unknown;
  components: number | undefined;
}

/** The SBOM to attest: the given file, or one made from the image subject or the workspace. */
export async function sbomFor(
  subjects: readonly Subject[],
  options: { sbomPath?: string; source?: string; format: SbomFormat; workspace: string; outDir: string },
): Promise<MadeSbom> {
  if (options.sbomPath !== undefined) {
    const file = path.resolve(options.workspace, options.sbomPath);
    const text = await readFile(file, "utf8").catch((cause: unknown) => {
      throw new InputError("INPUT_NOT_FOUND", `${options.sbomPath}: sbom-path cannot be read`, { cause });
    });
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (cause) {
      throw new InputError("INPUT_INVALID", `${options.sbomPath}: sbom-path is not JSON`, { cause });
    }
    const isSpdx = typeof document === "object" && document !== null && "spdxVersion" in document;
    return { file, predicateType: SBOM_PREDICATE_TYPES[isSpdx ? "spdx-json" : "cyclonedx-json"], document, components: undefined };
  }
  const image = subjects.find(isImageSubject);
  const source = options.source ?? (image ? `${image.name}@sha256:${image.digest.sha256}` : ".");
  const [generated] = await generateSboms(source, { cwd: options.workspace, combine: true });
  if (!generated) throw new InputError("INPUT_INVALID", `${source}: no SBOM was produced`);
  for (const warning of generated.sbom.warnings) log.warning(warning);
  const text = writeSbom(generated.sbom, options.format);
  const file = path.join(options.outDir, options.format === "spdx-json" ? "sbom.spdx.json" : "sbom.cdx.json");
  await writeFile(file, text);
  log.info(`${file}: SBOM of ${source}, ${generated.sbom.components.length} components, sha256:${createHash("sha256").update(text).digest("hex")}`);
  return { file, predicateType: SBOM_PREDICATE_TYPES[options.format], document: JSON.parse(text) as unknown, components: generated.sbom.components.length };
}
