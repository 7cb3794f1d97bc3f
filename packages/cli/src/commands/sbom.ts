import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "@peptide/core";
import { SBOM_FORMATS, generateSboms, sbomStats, writeSbom, type GeneratedSbom, type SbomFormat } from "@peptide/sbom";
import { listFlag, oneOf, parseCommandArgs, stringFlag } from "../args.js";
import { EXIT, type CliIO } from "../io.js";

const HELP = `usage: peptide sbom <dir|lockfile|oci-layout-dir|registry-ref> [options]

Writes a CycloneDX 1.6 or SPDX 2.3 SBOM of a directory of lockfiles, one lockfile, an OCI image
layout directory, or an image in a registry (host/repo:tag or host/repo@sha256:..., resolved to
a digest). SOURCE_DATE_EPOCH makes the output byte-reproducible.

options:
  --format cyclonedx-json|spdx-json  document format (default: cyclonedx-json)
  -o, --output FILE                  write to FILE instead of standard output; with several
                                     platforms, FILE gets a -<os>-<arch> suffix per platform
  --platform OS/ARCH[/VARIANT]       only this platform of a multi-platform image
  --combined                         one SBOM for every platform of an image index
  --insecure-registry HOST           allow plain HTTP to HOST (loopback hosts always are)
`;

export async function sbomCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("sbom", argv, {
    format: { type: "string" },
    output: { type: "string", short: "o" },
    platform: { type: "string" },
    combined: { type: "boolean" },
    "insecure-registry": { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError("INPUT_INVALID", "give one target: a directory, a lockfile, an OCI layout directory or a registry reference; see `peptide sbom --help`");
  const target = positionals[0]!;
  const format = oneOf("format", stringFlag(values.format), SBOM_FORMATS, "cyclonedx-json" as SbomFormat);
  const generated = await generateSboms(target, {
    cwd: io.cwd,
    platform: stringFlag(values.platform),
    combine: values.combined === true,
    registry: { insecure: listFlag(values["insecure-registry"]) },
  });
  const output = stringFlag(values.output);
  for (const item of generated) {
    for (const warning of item.sbom.warnings) io.stderr(`warning: ${warning}\n`);
    const document = writeSbom(item.sbom, format, { sourceDateEpoch: epochOf(io.env) });
    if (output === undefined) {
      io.stdout(document.endsWith("\n") ? document : `${document}\n`);
      continue;
    }
    const file = path.resolve(io.cwd, generated.length > 1 && item.platform ? withSuffix(output, item.platform) : output);
    await writeFile(file, document);
    const shown = path.relative(io.cwd, file);
    io.stderr(`${describe(item, shown.startsWith("..") ? file : shown, document)}\n`);
  }
  return EXIT.ok;
}

function describe(item: GeneratedSbom, file: string, document: string): string {
  const stats = sbomStats(item.sbom);
  const eco = stats.byEcosystem.map((e) => `${e.ecosystem} ${e.total}`).join(", ");
  const digest = createHash("sha256").update(document).digest("hex");
  const subject = item.sbom.subject.digest ? ` of ${item.sbom.subject.name}@${item.sbom.subject.digest}` : "";
  return `wrote ${file}${subject}${item.platform ? ` (${item.platform})` : ""}: ${stats.total} components${eco ? ` (${eco})` : ""}, sha256:${digest}`;
}

function withSuffix(file: string, platform: string): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${platform.replace(/\//g, "-")}${ext}`;
}

function epochOf(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) throw new InputError("INPUT_INVALID", `SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${raw}"`);
  return Number(raw);
}
