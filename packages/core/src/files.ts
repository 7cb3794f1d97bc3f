import { lstat, open, realpath } from "node:fs/promises";
import path from "node:path";
import { InputError } from "./errors.js";

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface ReadTextOptions {
  /** Refuse files larger than this many bytes. */
  maxBytes?: number;
  /** When set, refuse files whose real path leaves this directory (symlinks out of the workspace). */
  root?: string;
}

/**
 * Reads a UTF-8 text file defensively: bounded size, no binary content, no symlink escaping
 * the root. Throws an InputError naming the file and the fix.
 */
export async function readTextFile(file: string, options: ReadTextOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (options.root !== undefined) await assertInsideRoot(file, options.root);
  const handle = await open(file, "r").catch((cause: unknown) => {
    throw new InputError("INPUT_NOT_FOUND", `${file}: cannot be read (${codeOf(cause)}); check the path`, { cause });
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InputError("INPUT_INVALID", `${file}: not a regular file`);
    if (stat.size > maxBytes) {
      throw new InputError("INPUT_TOO_LARGE", `${file}: ${stat.size} bytes is over the ${maxBytes}-byte limit; skip it or split it`);
    }
    const buffer = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
    const bytes = buffer.subarray(0, bytesRead);
    if (isBinary(bytes)) throw new InputError("INPUT_BINARY", `${file}: binary content, not a text file`);
    return bytes.toString("utf8");
  } finally {
    await handle.close();
  }
}

/** A NUL byte in the first 8 KiB marks a binary file, as git does. */
export function isBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8192);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Throws when `file`, after resolving symlinks, is not inside `root`. */
export async function assertInsideRoot(file: string, root: string): Promise<void> {
  const [realFile, realRoot] = await Promise.all([realpath(file), realpath(root)]).catch((cause: unknown) => {
    throw new InputError("INPUT_NOT_FOUND", `${file}: cannot be resolved (${codeOf(cause)}); check the path`, { cause });
  });
  if (!isInside(realFile, realRoot)) {
    throw new InputError("INPUT_OUTSIDE_ROOT", `${file}: resolves outside ${root}; symlinks out of the workspace are not followed`);
  }
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

export async function isSymlink(file: string): Promise<boolean> {
  return (await lstat(file)).isSymbolicLink();
}

function codeOf(cause: unknown): string {
  return typeof cause === "object" && cause !== null && "code" in cause ? String((cause as { code: unknown }).code) : "error";
}
