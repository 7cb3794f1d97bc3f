/**
 * The yarn.lock v1 text format (not YAML): entries keyed by comma-separated descriptors, fields as
 * `name value` pairs, nested maps by two-space indentation.
 *
 *     "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
 *       version "7.12.13"
 *       dependencies:
 *         "@babel/highlight" "^7.12.13"
 */
import { LockfileError } from "../errors.js";

export type YarnV1Value = string | boolean | YarnV1Map;
export type YarnV1Map = Map<string, YarnV1Value>;

export interface YarnV1Entry {
  descriptors: string[];
  fields: YarnV1Map;
  line: number;
}

const MAX_DEPTH = 16;

export function parseYarnV1(text: string, file: string): YarnV1Entry[] {
  const entries: YarnV1Entry[] = [];
  /** Open maps by depth: [0] is the entry's fields. */
  const open: YarnV1Map[] = [];
  let lineNo = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lineNo++;
    const raw = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (raw.charCodeAt(indent) === 9) throw new LockfileError(file, "tab used for indentation", lineNo);
    if (indent % 2 !== 0) throw new LockfileError(file, "indentation is not a multiple of two spaces", lineNo);
    const depth = indent / 2;
    if (depth === 0) {
      if (!trimmed.endsWith(":")) throw new LockfileError(file, "expected an entry header ending with `:`", lineNo);
      const descriptors = splitDescriptors(trimmed.slice(0, -1), file, lineNo);
      const fields: YarnV1Map = new Map();
      entries.push({ descriptors, fields, line: lineNo });
      open.length = 0;
      open.push(fields);
      continue;
    }
    if (depth > open.length) throw new LockfileError(file, "unexpected indentation", lineNo);
    if (depth > MAX_DEPTH) throw new LockfileError(file, `nesting deeper than ${MAX_DEPTH} levels`, lineNo);
    open.length = depth;
    const into = open[depth - 1] as YarnV1Map;
    const [key, rest] = readToken(trimmed, 0, file, lineNo);
    const after = trimmed.slice(rest).trim();
    if (after === ":" || (after === "" && trimmed.endsWith(":") && !trimmed.startsWith('"'))) {
      const name = after === ":" ? key : key.replace(/:$/, "");
      const nested: YarnV1Map = new Map();
      into.set(name, nested);
      open.push(nested);
      continue;
    }
    if (after === "") throw new LockfileError(file, `field ${JSON.stringify(key.slice(0, 100))} has no value`, lineNo);
    const [value] = after.startsWith('"') ? readToken(after, 0, file, lineNo) : [after];
    into.set(key, after.startsWith('"') ? value : plain(value));
  }
  return entries;
}

/** A quoted (JSON-style escapes) or bare token starting at `at`; returns it and where it ends. */
function readToken(line: string, at: number, file: string, lineNo: number): [string, number] {
  if (line[at] === '"') {
    for (let i = at + 1; i < line.length; i++) {
      const c = line[i];
      if (c === "\\") {
        i++;
        continue;
      }
      if (c === '"') {
        try {
          return [JSON.parse(line.slice(at, i + 1)) as string, i + 1];
        } catch (cause) {
          throw new LockfileError(file, "invalid escape in a quoted string", lineNo, { cause });
        }
      }
    }
    throw new LockfileError(file, "unterminated quoted string", lineNo);
  }
  let i = at;
  while (i < line.length && line[i] !== " ") i++;
  return [line.slice(at, i), i];
}

function splitDescriptors(header: string, file: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < header.length) {
    while (header[i] === " " || header[i] === ",") i++;
    if (i >= header.length) break;
    if (header[i] === '"') {
      const [value, end] = readToken(header, i, file, lineNo);
      out.push(value);
      i = end;
    } else {
      let j = header.indexOf(",", i);
      if (j === -1) j = header.length;
      out.push(header.slice(i, j).trim());
      i = j;
    }
  }
  if (out.length === 0) throw new LockfileError(file, "entry header names no package", lineNo);
  return out;
}

function plain(value: string): YarnV1Value {
  if (value === "true") return true;
  if (value === "false") return false;
  return value;
}
