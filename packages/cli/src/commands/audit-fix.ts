import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { isPeptideError } from "@peptide/core";
import { SourceFile, buildWorkflow, fixPermissions, loadLocalUses, pinsFromFindings, planPins, resolvePins, type AuditResult, type PinResolution } from "@peptide/workflow";

export interface FixOutcome {
  /** Lines for stderr: what was changed, and what could not be. */
  log: string[];
  changedFiles: string[];
}

/**
 * `peptide audit --fix`: writes the minimal `permissions:` of each job (and `permissions: {}` at
 * the top) and pins unpinned `uses:` to commit SHAs resolved through the GitHub API, editing text
 * in place so comments and formatting stay. A fatal API error (bad token, unreachable API)
 * changes nothing and is thrown for exit code 2.
 */
export async function applyFixes(result: AuditResult, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<FixOutcome> {
  const log: string[] = [];
  const changedFiles: string[] = [];
  const pins = await resolveAll(result, options.env);
  for (const failure of pins?.errors ?? []) log.push(`not pinned: ${failure.message}`);

  const files = [...new Set(result.findings.filter((f) => f.fix).map((f) => f.file))];
  for (const file of files) {
    const absolute = path.resolve(options.cwd, file);
    const before = await readFile(absolute, "utf8");
    const done: string[] = [];
    let text = before;
    const needsPermissions = result.findings.some((f) => f.file === file && f.fix?.kind === "permissions");
    if (needsPermissions) {
      const permitted = await permissionsFixed(file, text, repoRootOf(absolute, options.cwd));
      if (permitted.error) log.push(`${file}: permissions not written: ${permitted.error}`);
      else if (permitted.text !== text) {
        text = permitted.text;
        done.push("permissions");
      }
    }
    const plan = planPins(text, pins?.resolved ?? []);
    for (const skip of plan.skipped) log.push(`${file}:${skip.line}: not pinned: ${skip.reason}`);
    if (plan.edits.length > 0) done.push(`${plan.edits.length} pin(s)`);
    text = plan.text;
    if (text === before) continue;
    await writeFile(absolute, text);
    changedFiles.push(file);
    log.push(`fixed ${file}: ${done.join(", ")}`);
  }
  return { log, changedFiles };
}

async function resolveAll(result: AuditResult, env: NodeJS.ProcessEnv): Promise<PinResolution | undefined> {
  const pairs = pinsFromFindings(result.findings);
  if (pairs.length === 0) return undefined;
  const resolution = await resolvePins(pairs, { apiUrl: env.GITHUB_API_URL, token: env.GITHUB_TOKEN || undefined });
  if (resolution.fatal) throw resolution.fatal;
  return resolution;
}

async function permissionsFixed(file: string, text: string, repoRoot: string): Promise<{ text: string; error?: string }> {
  try {
    const source = new SourceFile(file, text);
    const workflow = buildWorkflow(source);
    return { text: fixPermissions(source, workflow, await loadLocalUses(workflow, repoRoot)) };
  } catch (err) {
    if (isPeptideError(err)) return { text, error: err.message };
    throw err;
  }
}

/** The repository a workflow lives in: the folder above `.github/workflows/`, else the working directory. */
function repoRootOf(file: string, cwd: string): string {
  const marker = `${path.sep}.github${path.sep}workflows${path.sep}`;
  const at = file.lastIndexOf(marker);
  return at >= 0 ? file.slice(0, at) : cwd;
}
