import type { Scalar } from "yaml";
import { scalarText, type Position, type SourceFile } from "./model/source.js";

/** One logical command line of a `run:` script: continuation lines joined, comments removed. */
export interface ScriptLine {
  text: string;
  /** Where the line starts in the file. */
  pos: Position;
  /** Where `needle` occurs in the line in the file, falling back to the line start. */
  find(needle: string): Position;
}

/**
 * Splits a `run:` script into logical lines and maps each back to the file. Lines ending in `\`
 * (sh) or a backtick (pwsh) continue on the next one. Mapping is done by searching the scalar's
 * source text in order, so block scalars map exactly and escaped quoted scalars fall back to the
 * scalar's start. Computed once per scalar and shared by the rules: do not modify the result.
 */
export function scriptLines(source: SourceFile, run: Scalar): ScriptLine[] {
  const cached = linesCache.get(run);
  if (cached && cached.source === source) return cached.lines;
  const lines = splitLines(source, run);
  linesCache.set(run, { source, lines });
  return lines;
}

const linesCache = new WeakMap<Scalar, { source: SourceFile; lines: ScriptLine[] }>();

function splitLines(source: SourceFile, run: Scalar): ScriptLine[] {
  const value = scalarText(run);
  if (value === undefined) return [];
  const range = run.range;
  const rawStart = range ? range[0] : -1;
  const raw = range ? source.text.slice(range[0], range[1]) : "";
  const physical = value.split(/\r?\n/);
  const lines: ScriptLine[] = [];
  let cursor = 0;
  let pending: { text: string; start: number; end: number } | undefined;
  for (const line of physical) {
    const trimmed = line.trim();
    let start = -1;
    let end = -1;
    if (trimmed && raw) {
      const at = raw.indexOf(trimmed, cursor);
      if (at >= 0) {
        start = at;
        end = at + trimmed.length;
        cursor = end;
      }
    }
    const code = stripComment(trimmed);
    const continues = code.endsWith("\\") || code.endsWith("`");
    const piece = continues ? code.slice(0, -1) : code;
    if (pending) {
      pending.text += ` ${piece.trim()}`;
      if (end >= 0) pending.end = end;
    } else {
      pending = { text: piece.trim(), start, end };
    }
    if (continues) continue;
    if (pending.text) lines.push(new MappedLine(source, run, pending, rawStart, raw));
    pending = undefined;
  }
  if (pending?.text) lines.push(new MappedLine(source, run, pending, rawStart, raw));
  return lines;
}

/** A logical line whose positions are worked out only when a rule reports on it. */
class MappedLine implements ScriptLine {
  readonly text: string;
  private startPos?: Position;

  constructor(
    private readonly source: SourceFile,
    private readonly run: Scalar,
    private readonly span: { text: string; start: number; end: number },
    private readonly rawStart: number,
    private readonly raw: string,
  ) {
    this.text = span.text;
  }

  get pos(): Position {
    this.startPos ??= this.span.start >= 0 ? this.source.position(this.rawStart + this.span.start) : this.source.positionOf(this.run);
    return this.startPos;
  }

  find(needle: string): Position {
    const { start, end } = this.span;
    if (start < 0) return this.pos;
    const at = this.raw.slice(start, end).indexOf(needle);
    return at < 0 ? this.pos : this.source.position(this.rawStart + start + at);
  }
}

/** Removes a shell comment: a `#` at the start or after whitespace, outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === "\\" && quote === '"') i++;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "\\") i++;
    else if (ch === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return line.slice(0, i).trimEnd();
  }
  return line;
}

/** A simple command of a line and the operator that follows it (`|`, `&&`, `||`, `;`, `&`). */
export interface ScriptCommand {
  text: string;
  next?: string;
}

/**
 * The simple commands of a line: split on `;`, `&&`, `||`, `|` and `&` outside quotes, each
 * trimmed. Enough to tell `npm publish --dry-run` from `npm publish; echo --dry-run`.
 */
export function commandsOf(line: string): ScriptCommand[] {
  const out: ScriptCommand[] = [];
  let quote: string | undefined;
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === "\\" && quote === '"') i++;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "\\") i++;
    else if (ch === ";" || ch === "|" || ch === "&") {
      if (ch === "&" && (line[i - 1] === ">" || line[i + 1] === ">" || line[i - 1] === "<")) continue; // 2>&1, &>, <&
      const double = (ch === "|" || ch === "&") && line[i + 1] === ch;
      pushCommand(out, line.slice(from, i), double ? ch + ch : ch);
      if (double) i++;
      from = i + 1;
    }
  }
  pushCommand(out, line.slice(from), undefined);
  return out;
}

function pushCommand(out: ScriptCommand[], text: string, next: string | undefined): void {
  const trimmed = text.trim();
  if (trimmed) out.push({ text: trimmed, next });
}

/** The simple commands of a script line, split once and shared: do not modify the result. */
export function commandsIn(line: ScriptLine): readonly ScriptCommand[] {
  let commands = commandsCache.get(line);
  if (!commands) {
    commands = commandsOf(line.text);
    commandsCache.set(line, commands);
  }
  return commands;
}

const commandsCache = new WeakMap<ScriptLine, ScriptCommand[]>();

/** The words of a simple command, split once and shared: do not modify the result. */
export function wordsIn(command: ScriptCommand): readonly string[] {
  let words = wordsCache.get(command);
  if (!words) {
    words = wordsOf(command.text);
    wordsCache.set(command, words);
  }
  return words;
}

const wordsCache = new WeakMap<ScriptCommand, string[]>();

/** Words of a simple command, quotes removed (no expansion). */
export function wordsOf(command: string): string[] {
  const words: string[] = [];
  let quote: string | undefined;
  let current = "";
  let has = false;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      has = true;
    } else if (isSpace(ch)) {
      if (has || current) words.push(current);
      current = "";
      has = false;
    } else {
      current += ch;
      has = true;
    }
  }
  if (has || current) words.push(current);
  return words;
}

/** `/\s/.test(ch)`, without the regular expression for printable ASCII. */
function isSpace(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code > 32 && code < 127) return false;
  return /\s/.test(ch);
}
