/**
 * @peptide/sbom: lockfiles to an SBOM model, and the model to CycloneDX 1.6 or SPDX 2.3 JSON.
 *
 *     const sbom = await sbomFromPath("path/to/repo");
 *     const json = writeSbom(sbom, "cyclonedx-json", { sourceDateEpoch: sourceDateEpochFrom(process.env) });
 */
import type { Sbom } from "./model.js";
import { toCycloneDx } from "./writers/cyclonedx.js";
import { sourceDateEpochFrom, type WriteOptions } from "./writers/reproducible.js";
import { toSpdx } from "./writers/spdx.js";

export * from "./model.js";
export { LockfileError, type SbomErrorCode } from "./errors.js";
export { purlOf, splitNpmName } from "./purl.js";
export { sbomFromPath, type ScanOptions } from "./scan.js";
export { ComponentMerger } from "./merge.js";
export { READERS, readerFor } from "./readers/index.js";
export { npmReader, readNpmLockfile } from "./readers/npm.js";
export { yarnReader, readYarnLockfile } from "./readers/yarn.js";
export { pnpmReader, readPnpmLockfile } from "./readers/pnpm.js";
export { spdxExpressionOf } from "./readers/license-expression.js";
export { toCycloneDx } from "./writers/cyclonedx.js";
export { toSpdx } from "./writers/spdx.js";
export { sourceDateEpochFrom, type WriteOptions };

export type SbomFormat = "cyclonedx-json" | "spdx-json";
export const SBOM_FORMATS: readonly SbomFormat[] = ["cyclonedx-json", "spdx-json"];

/**
 * The SBOM in the given format, as the text of a file. Without an explicit `sourceDateEpoch` the
 * SOURCE_DATE_EPOCH environment variable is honoured, as reproducible-build tools do; the
 * writers themselves (toCycloneDx, toSpdx) read only their options.
 */
export function writeSbom(sbom: Sbom, format: SbomFormat, options: WriteOptions = {}): string {
  const withEpoch: WriteOptions = options.sourceDateEpoch === undefined ? { ...options, sourceDateEpoch: sourceDateEpochFrom(process.env) } : options;
  return format === "spdx-json" ? toSpdx(sbom, withEpoch) : toCycloneDx(sbom, withEpoch);
}
export { generateSboms, type GenerateOptions, type GeneratedSbom } from "./generate.js";
export { sbomStats, type SbomStats } from "./stats.js";
