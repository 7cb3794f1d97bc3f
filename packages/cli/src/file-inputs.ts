/**
 * File arguments as `peptide sign` takes them: paths and globs relative to the working
 * directory, `!pattern` excluding files the others match. The result keeps each file's path (a
 * blob's bundle is written beside it), which collectSubjects does not return.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "@peptide/core";
import { expandGlob, globMatcher, isGlob } from "@peptide/attest";

/** The files the inputs name, spelled as given (relative to cwd when relative), each once, in input order. */
export async function expandFileInputs(inputs: readonly string[], cwd: string): Promise<string[]> {
  const excluded = inputs.filter((input) => input.startsWith("!")).map((input) => globMatcher(input.slice(1)));
  const seen = new Set<string>();
  const files: string[] = [];
  for (const input of inputs) {
    if (input === "" || input.startsWith("!")) continue;
    const kind = await kindOf(path.resolve(cwd, input));
    let matched: string[];
    if (kind === "file") matched = [input];
    else if (isGlob(input)) matched = await expandGlob(input, cwd);
    else if (kind === "directory") throw new InputError("INPUT_INVALID", `${input}: a directory; name its files or a glob such as ${input.replace(/\/+$/, "")}/**`);
    else if (kind === "missing") throw new InputError("INPUT_NOT_FOUND", `${input}: no such file`);
    else throw new InputError("INPUT_INVALID", `${input}: not a regular file`);
    if (matched.length === 0) throw new InputError("INPUT_NOT_FOUND", `${input}: the glob matches no file (from ${cwd})`);
    const kept = matched.filter((file) => !excluded.some((exclude) => exclude(file)));
    if (kept.length === 0) throw new InputError("INPUT_NOT_FOUND", `${input}: every file it names is excluded by a \`!\` pattern`);
    for (const file of kept) {
      const key = path.resolve(cwd, file);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(file);
    }
  }
  return files;
}

async function kindOf(file: string): Promise<"file" | "directory" | "other" | "missing"> {
  try {
    const info = await stat(file);
    return info.isFile() ? "file" : info.isDirectory() ? "directory" : "other";
  } catch {
    return "missing";
  }
}
