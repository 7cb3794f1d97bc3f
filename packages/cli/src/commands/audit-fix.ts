import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { planPins, pinsFromFindings, resolvePins, type AuditResult } from "@peptide/workflow";

export interface FixOutcome {
  /** Lines for stderr: what was changed, and what could not be. */
  log: string[];
  changedFiles: string[];
}

/**
 * `peptide audit --fix`: pins unpinned `uses:` to commit SHAs (resolved through the GitHub API)
 * in every audited file, editing text in place so comments and formatting stay. A fatal API
 * error (bad token, unreachable API) changes nothing and is thrown for exit code 2.
 */
export async function applyFixes(result: AuditResult, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<FixOutcome> {
  const log: string[] = [];
  const changedFiles: string[] = [];
  const pairs = pinsFromFindings(result.findings);
  const resolution = pairs.length === 0 ? undefined : await resolvePins(pairs, { apiUrl: options.env.GITHUB_API_URL, token: options.env.GITHUB_TOKEN || undefined });
  if (resolution?.fatal) throw resolution.fatal;
  for (const failure of resolution?.errors ?? []) log.push(`not pinned: ${failure.message}`);

  const files = [...new Set(result.findings.filter((f) => f.fix).map((f) => f.file))];
  for (const file of files) {
    const absolute = path.resolve(options.cwd, file);
    const before = await readFile(absolute, "utf8");
    const plan = planPins(before, resolution?.resolved ?? []);
    for (const skip of plan.skipped) log.push(`${file}:${skip.line}: not pinned: ${skip.reason}`);
    if (plan.text === before) continue;
    await writeFile(absolute, plan.text);
    changedFiles.push(file);
    log.push(`fixed ${file}: ${plan.edits.length} pin(s)`);
  }
  return { log, changedFiles };
}
