/**
 * Turning lockfile text into values: TOML and JSON parsing that reports the file and line on
 * failure, and a line iterator that does not copy the text. Parsed objects are only read, never
 * merged into other objects, so `__proto__` keys stay plain data.
 */
import { parse as parseToml, TomlError } from "smol-toml";
import { LockfileError } from "../errors.js";

/** Inline tables and arrays nest a few levels in real lockfiles; anything deeper is hostile. */
const MAX_TOML_DEPTH = 64;

/** Parses a TOML lockfile; a syntax error becomes a LockfileError at the line TOML reports. */
export function parseTomlLockfile(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(withoutBom(text), { maxDepth: MAX_TOML_DEPTH }) as Record<string, unknown>;
  } catch (cause) {
    if (cause instanceof TomlError) throw new LockfileError(file, `invalid TOML: ${firstLine(cause.message)}`, cause.line, { cause });
    throw new LockfileError(file, `invalid TOML: ${firstLine(String(cause))}`, undefined, { cause });
  }
}

/** Parses a JSON lockfile; a syntax error becomes a LockfileError at the line of the failing position. */
export function parseJsonLockfile(text: string, file: string): unknown {
  try {
    return JSON.parse(withoutBom(text)) as unknown;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const position = /at position (\d+)/.exec(message);
    const body = withoutBom(text);
    const line = lineAt(body, position?.[1] !== undefined ? Number(position[1]) : body.length);
    throw new LockfileError(file, `invalid JSON: ${firstLine(message).replace(/ \(line \d+ column \d+\)$/, "")}`, line, { cause });
  }
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** Each line of the text (without its `\n` or `\r\n`, nor a leading byte order mark) with its 1-based number. */
export function* linesOf(text: string): Generator<{ text: string; line: number }> {
  let start = text.startsWith("\uFEFF") ? 1 : 0;
  let line = 1;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end);
    yield { text: raw.endsWith("\r") ? raw.slice(0, -1) : raw, line };
    if (end === text.length) return;
    start = end + 1;
    line++;
  }
}

/** Editors on Windows prepend a UTF-8 byte order mark that JSON.parse rejects. */
function withoutBom(text: string): string {
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).trim();
}

/**
 * 1-based line of the `index`-th (0-based) occurrence of a TOML table header such as
 * `[[package]]`, for pointing an error at the entry; undefined when there are fewer.
 */
export function lineOfHeader(text: string, header: string, index: number): number | undefined {
  let seen = 0;
  for (const { text: line, line: n } of linesOf(text)) {
    if (line.trim() === header && seen++ === index) return n;
  }
  return undefined;
}
