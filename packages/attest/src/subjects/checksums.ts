import path from "node:path";
import { InputError, readTextFile } from "@peptide/core";
import type { Subject } from "../types.js";

/**
 * Subjects from a checksums file, as release pipelines write them with `sha256sum`:
 *
 *     <64 hex>  name        text mode (two spaces)
 *     <64 hex> *name        binary mode
 *     \<64 hex>  na\\me     a name holding `\` or a newline, escaped (GNU coreutils)
 *     SHA256 (name) = <64 hex>   the BSD / `sha256sum --tag` form
 *
 * Blank lines and `#` comments are skipped; a CRLF file reads the same as an LF one. Any other
 * line is an error naming the file and the line number.
 */

const GNU_LINE = /^(\\?)([0-9a-fA-F]+)[ \t]([ *]?)(.*)$/;
const BSD_LINE = /^(SHA\d*(?:-\d+)?|MD5|BLAKE2[bs]?(?:-\d+)?|SM3) ?\((.*)\) ?= ?([0-9a-fA-F]+)$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Largest checksums file read: 64 MiB is several hundred thousand lines. */
const MAX_CHECKSUMS_BYTES = 64 * 1024 * 1024;

/** Reads a checksums file; `file` is resolved against `cwd` and named as given in errors. */
export async function readChecksumsFile(file: string, cwd = process.cwd()): Promise<Subject[]> {
  const absolute = path.resolve(cwd, file);
  const text = await readTextFile(absolute, { maxBytes: MAX_CHECKSUMS_BYTES }).catch((cause: unknown) => {
    if (cause instanceof InputError) {
      const message = cause.message.startsWith(absolute) ? `${file}${cause.message.slice(absolute.length)}` : cause.message;
      throw new InputError(cause.code, `checksums file ${message}`, { cause });
    }
    throw cause;
  });
  return parseChecksums(text, file);
}

/** Parses the text of a checksums file; `file` names it in errors. */
export function parseChecksums(text: string, file: string): Subject[] {
  const subjects: Subject[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "" || line.startsWith("#")) return;
    subjects.push(parseLine(line, file, index + 1));
  });
  if (subjects.length === 0) throw new InputError("INPUT_INVALID", `${file}: no checksum line; expected \`<sha256 hex>  <name>\` lines as sha256sum writes them`);
  return subjects;
}

function parseLine(line: string, file: string, lineNumber: number): Subject {
  const where = `${file}:${lineNumber}`;
  const bsd = BSD_LINE.exec(line);
  if (bsd) {
    const [, algorithm = "", name = "", hex = ""] = bsd;
    if (algorithm.toUpperCase() !== "SHA256") throw new InputError("INPUT_INVALID", `${where}: a ${algorithm} checksum, not SHA256; write the file with sha256sum`);
    return subject(name, hex, where);
  }
  const gnu = GNU_LINE.exec(line);
  if (!gnu) throw new InputError("INPUT_INVALID", `${where}: not a checksum line; expected \`<sha256 hex>  <name>\` or \`<sha256 hex> *<name>\``);
  const [, escaped = "", hex = "", , rawName = ""] = gnu;
  const name = escaped ? unescapeName(rawName, where) : rawName;
  return subject(name, hex, where);
}

function subject(name: string, hex: string, where: string): Subject {
  const digest = hex.toLowerCase();
  if (!SHA256_HEX.test(digest)) {
    const what = digest.length === 40 ? "a sha1" : digest.length === 128 ? "a sha512" : `a ${digest.length}-character`;
    throw new InputError("INPUT_INVALID", `${where}: ${what} digest, not sha256 (64 hex characters); write the file with sha256sum`);
  }
  if (name === "") throw new InputError("INPUT_INVALID", `${where}: a digest without a file name`);
  return { name, digest: { sha256: digest } };
}

/** GNU coreutils escapes `\` as `\\`, newline as `\n` and carriage return as `\r` when it prefixes a line with `\`. */
function unescapeName(name: string, where: string): string {
  return name.replace(/\\(.?)/g, (_, ch: string) => {
    if (ch === "\\") return "\\";
    if (ch === "n") return "\n";
    if (ch === "r") return "\r";
    throw new InputError("INPUT_INVALID", `${where}: bad escape \`\\${ch}\` in an escaped file name`);
  });
}
