import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InputError } from "@peptide/core";
import { audit, loadPolicy } from "@peptide/workflow";
import { toText } from "@peptide/report";
import { generateSboms, sbomStats, writeSbom } from "@peptide/sbom";
import { EXIT, type CliIO } from "../io.js";

/** The example service shipped in the repository (found from the working directory up): the demo's embedded input. */
export function exampleDir(cwd: string): string {
  const candidates: string[] = [];
  for (let dir = cwd; candidates.length < 8; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, "examples/payments-service"));
    if (path.dirname(dir) === dir) break;
  }
  const found = candidates.find((c) => existsSync(path.join(c, ".github/workflows")));
  if (!found) throw new InputError("INPUT_NOT_FOUND", "examples/payments-service not found; run the demo from the repository root");
  return found;
}

export async function demoCommand(_argv: string[], io: CliIO): Promise<number> {
  const dir = exampleDir(io.cwd);
  const rel = path.relative(io.cwd, dir) || ".";
  const heading = (text: string) => io.stdout(`\n${io.color ? `\u001b[1m${text}\u001b[0m` : text}\n${"─".repeat(Math.min(text.length, 78))}\n`);

  heading("Peptide demo: the release path of a payments service");
  io.stdout(`Input: ${rel} (a small payments service with a realistic CI/CD workflow set, some of it deliberately unsafe).\n`);

  heading("1. audit: scoped permissions, verified triggers, pinned inputs, isolated secrets");
  const config = await loadPolicy(path.join(rel, ".github/peptide.yml"), { explicit: false, cwd: io.cwd });
  const started = performance.now();
  const result = await audit([path.join(rel, ".github/workflows")], { cwd: io.cwd, config });
  const ms = performance.now() - started;
  io.stdout(toText(result, { color: io.color }));
  io.stdout(`(audited in ${ms.toFixed(0)} ms)\n`);
  io.stdout(`Fix the permissions and pins in place with: peptide audit ${rel}/.github/workflows --fix\n`);

  heading("2. sbom: what is inside the artifact");
  const out = await mkdtemp(path.join(os.tmpdir(), "peptide-demo-"));
  const [generated] = await generateSboms(rel, { cwd: io.cwd });
  if (generated) {
    const stats = sbomStats(generated.sbom);
    for (const [format, name] of [["cyclonedx-json", "sbom.cdx.json"], ["spdx-json", "sbom.spdx.json"]] as const) {
      const document = writeSbom(generated.sbom, format, { sourceDateEpoch: 0 });
      await writeFile(path.join(out, name), document);
      io.stdout(`${format.padEnd(15)} ${path.join(out, name)}  sha256:${createHash("sha256").update(document).digest("hex")}\n`);
    }
    const eco = stats.byEcosystem.map((e) => `${e.total} ${e.ecosystem} (${e.scopes.required} required, ${e.scopes.dev} dev, ${e.scopes.optional} optional)`).join("; ");
    io.stdout(`${stats.total} components: ${eco}; ${stats.hashed} with a hash from the lockfile.\n`);
    io.stdout(`Licenses: ${stats.licenses.map((l) => `${l.license} ${l.count}`).join(", ") || "none recorded"}.\n`);
  }

  heading("Next links of the chain");
  io.stdout("scan, provenance, sign, verify and promote are being built; see README.md for status.\n");
  return EXIT.ok;
}
