import { readFile, stat } from "node:fs/promises";
import path from "node:path";

/**
 * The commit checked out in `workspace`, read from `.git` without running git: HEAD holds the
 * commit itself when detached (as actions/checkout leaves it) or a ref resolved through
 * `refs/…` or `packed-refs`. Undefined when there is no git metadata (a checkout through the
 * REST API has none) or it cannot be read.
 */
export async function workspaceCommit(workspace: string): Promise<string | undefined> {
  const gitDir = await gitDirOf(workspace);
  if (gitDir === undefined) return undefined;
  const head = (await text(path.join(gitDir, "HEAD")))?.trim();
  if (head === undefined) return undefined;
  if (isObjectId(head)) return head;
  const ref = /^ref:\s*(refs\/\S+)$/.exec(head)?.[1];
  if (ref === undefined) return undefined;
  const loose = (await text(path.join(gitDir, ...ref.split("/"))))?.trim();
  if (loose !== undefined && isObjectId(loose)) return loose;
  const packed = await text(path.join(gitDir, "packed-refs"));
  for (const line of packed?.split("\n") ?? []) {
    const [id, name] = line.trim().split(" ");
    if (name === ref && id !== undefined && isObjectId(id)) return id;
  }
  return undefined;
}

async function gitDirOf(workspace: string): Promise<string | undefined> {
  const dotGit = path.join(workspace, ".git");
  const info = await stat(dotGit).catch(() => undefined);
  if (info?.isDirectory()) return dotGit;
  if (!info?.isFile()) return undefined;
  // A worktree or submodule: `.git` is a file `gitdir: <path>`.
  const pointer = /^gitdir:\s*(.+)$/m.exec((await text(dotGit)) ?? "")?.[1]?.trim();
  return pointer === undefined ? undefined : path.resolve(workspace, pointer);
}

async function text(file: string): Promise<string | undefined> {
  return readFile(file, "utf8").catch(() => undefined);
}

function isObjectId(value: string): boolean {
  return /^[0-9a-f]{40}$/.test(value) || /^[0-9a-f]{64}$/.test(value);
}
