import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { InputError, assertInsideRoot, isPeptideError } from "@peptide/core";

export type FileKind = "workflow" | "action";

export interface Candidate {
  /** Absolute path. */
  absolute: string;
  kind: FileKind;
  /** The root the file was found under; reads must stay inside it. */
  root: string;
  /** Given by name on the command line: audited even if it does not look like a workflow. */
  explicit: boolean;
}

export interface Skip {
  file: string;
  reason: string;
}

const SKIP_DIRS = new Set(["node_modules", ".git", "vendor", "dist"]);
const YAML_EXT = /\.ya?ml$/i;
const ACTION_NAME = /^action\.ya?ml$/i;

export function kindOf(file: string): FileKind {
  return ACTION_NAME.test(path.basename(file)) ? "action" : "workflow";
}

/**
 * Expands files and directories into audit candidates: `.github/workflows/*.y{a,}ml` and
 * `action.y{a,}ml` anywhere below a directory, plus YAML files directly inside a directory given
 * by name (a folder of workflows). Symlinks are not followed out of the directory given.
 */
export async function discover(inputs: readonly string[], cwd: string): Promise<{ candidates: Candidate[]; skipped: Skip[] }> {
  const candidates: Candidate[] = [];
  const skipped: Skip[] = [];
  const seen = new Set<string>();
  const add = (c: Candidate) => {
    if (seen.has(c.absolute)) return;
    seen.add(c.absolute);
    candidates.push(c);
  };
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new InputError("INPUT_NOT_FOUND", `${input}: no such file or directory; pass workflow files or directories`);
    if (info.isFile()) {
      add({ absolute, kind: kindOf(absolute), root: path.dirname(absolute), explicit: true });
      continue;
    }
    await walk(absolute, absolute, 0, add, skipped);
  }
  candidates.sort((a, b) => (a.absolute < b.absolute ? -1 : a.absolute > b.absolute ? 1 : 0));
  return { candidates, skipped };
}

async function walk(root: string, dir: string, depth: number, add: (c: Candidate) => void, skipped: Skip[]): Promise<void> {
  if (depth > 32) return;
  const dirents = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const inWorkflows = /(^|[\\/])\.github[\\/]workflows$/.test(dir);
  const subdirs: string[] = [];
  for (const d of dirents) {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) {
      if (!SKIP_DIRS.has(d.name)) subdirs.push(full);
      continue;
    }
    const isAction = ACTION_NAME.test(d.name);
    const isWorkflow = YAML_EXT.test(d.name) && (inWorkflows || depth === 0);
    if (!isAction && !isWorkflow) continue;
    if (d.isSymbolicLink()) {
      try {
        await assertInsideRoot(full, root);
        if (!(await stat(full)).isFile()) continue;
      } catch (err) {
        skipped.push({ file: full, reason: isPeptideError(err) && err.code === "INPUT_OUTSIDE_ROOT" ? "symlink leaves the scanned directory; not followed" : "broken symlink" });
        continue;
      }
    } else if (!d.isFile()) continue;
    add({ absolute: full, kind: isAction ? "action" : "workflow", root, explicit: inWorkflows || isAction });
  }
  await Promise.all(subdirs.map((s) => walk(root, s, depth + 1, add, skipped)));
}
