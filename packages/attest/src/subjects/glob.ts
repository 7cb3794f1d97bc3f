import { readdir, stat } from "node:fs/promises";
import path from "node:path";

/**
 * File globs without a dependency (node:fs `glob` arrives with Node 22; we run on 20 too).
 *
 * Syntax, as @actions/glob and the shell give it: `*` and `?` within one path segment, `[abc]`,
 * `[a-z]`, `[!a]` classes, `{a,b}` alternatives (nested too), and `**` for any number of
 * directories (a trailing `**` matches every file below). Dot files match like any other.
 * Only files are returned. Symlinks to files are followed; symlinked directories are entered
 * when a pattern segment names them, never by `**` (no loops). `**` does not enter `.git`.
 */

type Segment = { kind: "globstar" } | { kind: "literal"; name: string } | { kind: "pattern"; re: RegExp };

const GLOB_CHARS = /[*?[{]/;

/** Whether `text` holds glob syntax; a path without any is taken literally. */
export function isGlob(text: string): boolean {
  return GLOB_CHARS.test(text);
}

/**
 * The files `pattern` matches below `cwd`, spelled as the pattern spells them (relative when the
 * pattern is relative, `/`-separated), sorted and without duplicates.
 */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const alternative of expandBraces(pattern.split("\\").join("/"))) {
    const absolute = alternative.startsWith("/");
    const parts = alternative.split("/").filter((part, i) => part !== "" && !(part === "." && i === 0));
    const segments = parts.map(toSegment);
    const start = absolute ? "/" : cwd;
    await walk(start, absolute ? "/" : "", segments, 0, found);
  }
  return [...found].sort();
}

/** A compiled matcher for exclusions (`!pattern`), tested against `/`-separated relative paths. */
export function globMatcher(pattern: string): (file: string) => boolean {
  const regexps = expandBraces(pattern.split("\\").join("/")).map((alternative) => {
    const parts = alternative.split("/").filter((part, i) => part !== "" && !(part === "." && i === 0));
    const body = parts
      .map((part, i) => {
        if (part === "**") return i === parts.length - 1 ? ".*" : "(?:[^/]+/)*";
        return `${segmentSource(part)}${i === parts.length - 1 ? "" : "/"}`;
      })
      .join("");
    return new RegExp(`^${alternative.startsWith("/") ? "/" : ""}${body}$`);
  });
  return (file) => {
    const normalized = file.split("\\").join("/").replace(/^\.\//, "");
    return regexps.some((re) => re.test(normalized));
  };
}

async function walk(dir: string, shown: string, segments: readonly Segment[], index: number, found: Set<string>): Promise<void> {
  const segment = segments[index];
  if (segment === undefined) return;
  const last = index === segments.length - 1;
  if (segment.kind === "literal") {
    const child = path.join(dir, segment.name);
    const kind = await kindOf(child);
    if (last && kind === "file") found.add(join(shown, segment.name));
    else if (!last && kind === "directory") await walk(child, join(shown, segment.name), segments, index + 1, found);
    return;
  }
  const entries = await list(dir);
  if (segment.kind === "globstar") {
    // Zero directories: the rest of the pattern applies here; a trailing `**` takes every file.
    if (last) {
      for (const entry of entries) if (entry.kind === "file") found.add(join(shown, entry.name));
    } else {
      await walk(dir, shown, segments, index + 1, found);
    }
    for (const entry of entries) {
      if (entry.kind === "directory" && !entry.symlink && entry.name !== ".git") {
        await walk(path.join(dir, entry.name), join(shown, entry.name), segments, index, found);
      }
    }
    return;
  }
  for (const entry of entries) {
    if (!segment.re.test(entry.name)) continue;
    if (last && entry.kind === "file") found.add(join(shown, entry.name));
    else if (!last && entry.kind === "directory") await walk(path.join(dir, entry.name), join(shown, entry.name), segments, index + 1, found);
  }
}

interface Entry {
  name: string;
  /** `missing` for a dangling symlink. */
  kind: "file" | "directory" | "other" | "missing";
  symlink: boolean;
}

async function list(dir: string): Promise<Entry[]> {
  const dirents = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const entries: Entry[] = [];
  for (const dirent of dirents) {
    if (dirent.isFile()) entries.push({ name: dirent.name, kind: "file", symlink: false });
    else if (dirent.isDirectory()) entries.push({ name: dirent.name, kind: "directory", symlink: false });
    else if (dirent.isSymbolicLink()) entries.push({ name: dirent.name, kind: await kindOf(path.join(dir, dirent.name)), symlink: true });
  }
  return entries;
}

async function kindOf(file: string): Promise<Entry["kind"]> {
  try {
    const info = await stat(file);
    return info.isFile() ? "file" : info.isDirectory() ? "directory" : "other";
  } catch {
    return "missing";
  }
}

function join(shown: string, name: string): string {
  if (shown === "") return name;
  return shown.endsWith("/") ? `${shown}${name}` : `${shown}/${name}`;
}

function toSegment(part: string): Segment {
  if (part === "**") return { kind: "globstar" };
  if (!isGlob(part)) return { kind: "literal", name: part };
  return { kind: "pattern", re: new RegExp(`^${segmentSource(part)}$`) };
}

/** The RegExp source of one path segment: `*`, `?` and classes never cross a `/`. */
function segmentSource(part: string): string {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const ch = part[i] as string;
    if (ch === "*") {
      while (part[i + 1] === "*") i++;
      re += "[^/]*";
    } else if (ch === "?") {
      re += "[^/]";
    } else if (ch === "[") {
      const close = part.indexOf("]", i + 2);
      if (close < 0) {
        re += "\\[";
        continue;
      }
      let body = part.slice(i + 1, close);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      re += `[${negated ? "^/" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
      i = close;
    } else {
      re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return re;
}

/** `a/{b,c}/*.{tgz,zip}` → four patterns; nested braces expand too; a lone `{` stays literal. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf("{");
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "{") depth++;
    else if (ch === "}") {
      depth--;
      if (depth === 0) {
        if (commas.length === 0) {
          // `{x}` has no alternatives: keep it, expand what follows.
          return expandBraces(pattern.slice(i + 1)).map((rest) => `${pattern.slice(0, i + 1)}${rest}`);
        }
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        const bounds = [open, ...commas, i];
        const options: string[] = [];
        for (let k = 0; k < bounds.length - 1; k++) options.push(pattern.slice((bounds[k] as number) + 1, bounds[k + 1]));
        return options.flatMap((option) => expandBraces(`${head}${option}${tail}`));
      }
    } else if (ch === "," && depth === 1) commas.push(i);
  }
  return [pattern];
}
