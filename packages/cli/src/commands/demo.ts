import { existsSync } from "node:fs";
import path from "node:path";
import { InputError } from "@peptide/core";
import { audit, loadPolicy } from "@peptide/workflow";
import { toText } from "@peptide/report";
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

  heading("Next links of the chain");
  io.stdout("scan, sbom, provenance, sign, verify and promote are being built; see README.md for status.\n");
  return EXIT.ok;
}
