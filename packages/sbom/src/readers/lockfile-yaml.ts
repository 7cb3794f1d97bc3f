/**
 * The YAML that lockfiles are written in (pnpm-lock.yaml, Yarn Berry's yarn.lock): block maps and
 * sequences, plain and quoted scalars, flow `{}`/`[]` collections, block scalars. One pass over the
 * text, one line held at a time, so a 100,000-entry lockfile parses in linear time and memory (the
 * general-purpose `yaml` package took minutes and gigabytes on one). Anchors, aliases and tags are
 * refused: lockfiles never use them, and aliases are how a small YAML file becomes a huge one.
 *
 * Values: maps are `Map`s (a `__proto__` key is just a key), plain `true`/`false` are booleans,
 * plain `null`/`~`/empty are null, everything else stays a string (`1.10` is not the number 1.1).
 */
import { LockfileError } from "../errors.js";

export type YamlValue = string | boolean | null | YamlValue[] | YamlMap;

/** A mapping, with the 1-based line where it starts (for pointing errors at an entry). */
export class YamlMap extends Map<string, YamlValue> {
  constructor(readonly line: number) {
    super();
  }
}

/** Lockfiles nest five or six levels; past this the input is hostile. */
const MAX_DEPTH = 64;

/** Parses a lockfile's YAML; malformed input throws a LockfileError naming the file and line. */
export function parseLockfileYaml(text: string, file: string): YamlValue {
  return new Parser(text, file).document();
}

export function isYamlMap(value: YamlValue | undefined): value is YamlMap {
  return value instanceof Map;
}

/** The string at `key` (a plain boolean or null is not one). */
export function yamlString(map: YamlMap | undefined, key: string): string | undefined {
  const value = map?.get(key);
  return typeof value === "string" ? value : undefined;
}

export function yamlMapAt(map: YamlMap | undefined, key: string): YamlMap | undefined {
  const value = map?.get(key);
  return isYamlMap(value) ? value : undefined;
}

class Parser {
  /** Start of the current line, its end (before `\r\n`), 1-based number. */
  private start = 0;
  private end = 0;
  private next = 0;
  private lineNo = 0;
  /** Column where the current line's content starts (may be moved right past a `- `). */
  private indent = 0;
  private eof = false;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.load(0, 1);
  }

  document(): YamlValue {
    this.skipBlank();
    while (!this.eof && this.indent === 0 && (this.startsWith("%") || this.isMarker("---"))) {
      this.advance();
      this.skipBlank();
    }
    if (this.eof) return null;
    const root = this.block(this.indent, 0);
    this.skipBlank();
    if (!this.eof && this.isMarker("...")) {
      this.advance();
      this.skipBlank();
    }
    if (!this.eof) this.fail("unexpected content (bad indentation?)");
    return root;
  }

  // ---- lines ----

  private load(from: number, lineNo: number): void {
    if (from > this.text.length) {
      this.eof = true;
      return;
    }
    let nl = this.text.indexOf("\n", from);
    if (nl === -1) nl = this.text.length;
    this.start = from;
    this.next = nl + 1;
    this.end = nl > from && this.text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    this.lineNo = lineNo;
    let i = from;
    while (i < this.end && this.text.charCodeAt(i) === 32) i++;
    if (i < this.end && this.text.charCodeAt(i) === 9) this.fail("tab used for indentation");
    this.indent = i - from;
    if (from === this.text.length) this.eof = true;
  }

  private advance(): void {
    this.load(this.next, this.lineNo + 1);
  }

  /** Moves to the line holding `offset`, `lines` lines further down. */
  private moveTo(offset: number, lines: number): void {
    if (lines > 0) {
      const lineStart = this.text.lastIndexOf("\n", offset - 1) + 1;
      this.load(lineStart, this.lineNo + lines);
    }
  }

  private col(): number {
    return this.start + this.indent;
  }

  private isBlankFrom(offset: number): boolean {
    let i = offset;
    while (i < this.end && (this.text.charCodeAt(i) === 32 || this.text.charCodeAt(i) === 9)) i++;
    return i >= this.end || this.text.charCodeAt(i) === 35;
  }

  private skipBlank(): void {
    while (!this.eof && this.isBlankFrom(this.col())) this.advance();
  }

  private startsWith(s: string): boolean {
    return this.text.startsWith(s, this.col());
  }

  private isMarker(marker: string): boolean {
    return this.startsWith(marker) && this.isBlankFrom(this.col() + marker.length);
  }

  private isSeqItem(): boolean {
    const c = this.col();
    return this.text.charCodeAt(c) === 45 && (c + 1 >= this.end || this.text.charCodeAt(c + 1) === 32);
  }

  private fail(message: string, line = this.lineNo): never {
    throw new LockfileError(this.file, message, line);
  }

  // ---- block structure ----

  /** A map or sequence whose first line is the current one, at column `indent`. */
  private block(indent: number, depth: number): YamlValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    if (this.isSeqItem()) return this.sequence(indent, depth);
    if (this.keyEnd(this.col()) === undefined) {
      // A lone scalar document or value block.
      const value = this.inlineValue(indent - 1, this.col(), depth);
      return value;
    }
    return this.mapping(indent, depth);
  }

  private mapping(indent: number, depth: number): YamlMap {
    const map = new YamlMap(this.lineNo);
    for (;;) {
      this.skipBlank();
      if (this.eof || this.indent < indent) break;
      if (this.indent > indent) this.fail("unexpected indentation");
      if (this.isSeqItem()) break;
      const line = this.lineNo;
      let key: string;
      let valueAt: number;
      if (this.startsWith("?") && (this.col() + 1 >= this.end || this.text.charCodeAt(this.col() + 1) === 32)) {
        key = this.explicitKey(indent);
        valueAt = this.col() + 1;
      } else {
        const found = this.keyEnd(this.col());
        if (found === undefined) this.fail("expected a `key: value` line");
        key = found.key;
        valueAt = found.colon + 1;
      }
      if (map.has(key)) this.fail(`duplicate key ${JSON.stringify(key.slice(0, 100))}`, line);
      map.set(key, this.inlineValue(indent, valueAt, depth + 1, true));
    }
    return map;
  }

  /** `? key` then `: value` on the next line at the same indentation (keys over 1024 characters). */
  private explicitKey(indent: number): string {
    const at = this.col() + 2;
    const key = this.scalarOnLine(at);
    this.advance();
    this.skipBlank();
    if (this.eof || this.indent !== indent || !this.startsWith(":")) this.fail("expected `:` after an explicit `?` key");
    return key;
  }

  private scalarOnLine(at: number): string {
    let i = at;
    while (i < this.end && this.text.charCodeAt(i) === 32) i++;
    const ch = this.text[i];
    if (ch === '"' || ch === "'") {
      const lineBefore = this.lineNo;
      const { value, end, lines } = this.quoted(i);
      this.moveTo(end, lines);
      if (this.lineNo !== lineBefore || !this.isBlankFrom(end)) this.fail("unexpected text after a quoted key");
      return value;
    }
    return this.plainUntilComment(i, this.end).trim();
  }

  /**
   * Where the key of a `key: value` line ends: a quoted key followed by `:`, or a plain key up
   * to the first `: ` / final `:`. Undefined when the line is not a mapping entry.
   */
  private keyEnd(at: number): { key: string; colon: number } | undefined {
    const ch = this.text[at];
    if (ch === '"' || ch === "'") {
      const close = this.closingQuoteOnLine(at);
      if (close === undefined) return undefined;
      let i = close + 1;
      while (i < this.end && this.text.charCodeAt(i) === 32) i++;
      if (this.text.charCodeAt(i) !== 58) return undefined;
      return { key: this.quoted(at).value, colon: i };
    }
    if (ch === "{" || ch === "[" || ch === "#" || ch === undefined) return undefined;
    for (let i = at; i < this.end; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 35 && i > at && this.text.charCodeAt(i - 1) === 32) return undefined;
      if (c === 58 && (i + 1 >= this.end || this.text.charCodeAt(i + 1) === 32)) {
        return { key: this.text.slice(at, i).trimEnd(), colon: i };
      }
    }
    return undefined;
  }

  private closingQuoteOnLine(at: number): number | undefined {
    const quote = this.text.charCodeAt(at);
    for (let i = at + 1; i < this.end; i++) {
      const c = this.text.charCodeAt(i);
      if (quote === 34 && c === 92) {
        i++;
        continue;
      }
      if (c === quote) {
        if (quote === 39 && this.text.charCodeAt(i + 1) === 39) {
          i++;
          continue;
        }
        return i;
      }
    }
    return undefined;
  }

  private sequence(indent: number, depth: number): YamlValue[] {
    const list: YamlValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.eof || this.indent < indent) break;
      if (this.indent > indent) this.fail("unexpected indentation");
      if (!this.isSeqItem()) break;
      let at = this.col() + 1;
      while (at < this.end && this.text.charCodeAt(at) === 32) at++;
      if (this.isBlankFrom(at)) {
        list.push(this.inlineValue(indent, at, depth + 1));
        continue;
      }
      // `- key: value` or `- - x`: the item is a block starting at this column.
      const column = at - this.start;
      const savedIndent = this.indent;
      this.indent = column;
      if (this.isSeqItem() || this.keyEnd(at) !== undefined) {
        list.push(this.block(column, depth + 1));
      } else {
        this.indent = savedIndent;
        list.push(this.inlineValue(indent, at, depth + 1));
      }
    }
    return list;
  }

  /**
   * The value that starts at `at` on the current line, owned by a key or `-` at column `owner`;
   * leaves the cursor on the first line after it. An empty value takes the more-indented block
   * below (or a same-indented sequence, for map values).
   */
  private inlineValue(owner: number, at: number, depth: number, allowCompactSequence = false): YamlValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    let i = at;
    while (i < this.end && this.text.charCodeAt(i) === 32) i++;
    if (i >= this.end || (this.text.charCodeAt(i) === 35 && (i === this.start || this.text.charCodeAt(i - 1) === 32))) {
      this.advance();
      this.skipBlank();
      if (this.eof) return null;
      if (this.indent > owner) return this.block(this.indent, depth);
      if (allowCompactSequence && this.indent === owner && this.isSeqItem()) return this.sequence(owner, depth);
      return null;
    }
    const ch = this.text[i];
    if (ch === "{" || ch === "[") {
      const { value, end, lines } = this.flow(i, depth);
      this.finishAt(end, lines);
      return value;
    }
    if (ch === '"' || ch === "'") {
      const { value, end, lines } = this.quoted(i);
      this.finishAt(end, lines);
      return value;
    }
    if (ch === "|" || ch === ">") return this.blockScalar(owner, i);
    if (ch === "&" || ch === "*" || ch === "!") this.fail("anchors, aliases and tags are not supported in a lockfile");
    if (ch === "-" && this.text.charCodeAt(i + 1) === 32 && this.text.charCodeAt(i - 1) === 32) {
      this.fail("a sequence cannot start on the line of its key");
    }
    let value = this.plainUntilComment(i, this.end).trim();
    this.advance();
    // Continuation lines of a multi-line plain scalar are indented past the owner.
    for (;;) {
      this.skipBlank();
      if (this.eof || this.indent <= owner) break;
      value += ` ${this.plainUntilComment(this.col(), this.end).trim()}`;
      this.advance();
    }
    return plainValue(value);
  }

  private finishAt(end: number, lines: number): void {
    this.moveTo(end, lines);
    if (!this.isBlankFrom(end)) this.fail("unexpected text after a value");
    this.advance();
  }

  /** The text from `from` to `to` (one line) without a trailing ` # comment`. */
  private plainUntilComment(from: number, to: number): string {
    for (let i = from + 1; i < to; i++) {
      if (this.text.charCodeAt(i) === 35 && this.text.charCodeAt(i - 1) === 32) return this.text.slice(from, i);
    }
    return this.text.slice(from, to);
  }

  private blockScalar(owner: number, at: number): string {
    const header = this.text.slice(at, this.end).replace(/\s+#.*$/, "").trim();
    const literal = header.startsWith("|");
    const chomp = header.includes("-") ? "strip" : header.includes("+") ? "keep" : "clip";
    const lines: string[] = [];
    let contentIndent = -1;
    this.advance();
    while (!this.eof) {
      const blank = this.indent >= this.end - this.start;
      if (!blank) {
        if (this.indent <= owner) break;
        if (contentIndent === -1) contentIndent = this.indent;
        if (this.indent < contentIndent) break;
      }
      lines.push(blank ? "" : this.text.slice(this.start + contentIndent, this.end));
      this.advance();
    }
    let trailing = 0;
    while (lines.length > trailing && lines[lines.length - 1 - trailing] === "") trailing++;
    const body = lines.slice(0, lines.length - trailing);
    const joined = literal ? body.join("\n") : body.join(" ");
    if (chomp === "strip" || body.length === 0) return joined;
    return chomp === "keep" ? joined + "\n".repeat(trailing + 1) : `${joined}\n`;
  }

  // ---- scalars and flow collections (may span lines) ----

  private quoted(at: number): { value: string; end: number; lines: number } {
    const text = this.text;
    const quote = text[at];
    let out = "";
    let lines = 0;
    let i = at + 1;
    for (;;) {
      if (i >= text.length) this.fail("unterminated quoted string");
      const ch = text[i] as string;
      if (ch === quote) {
        if (quote === "'" && text[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        return { value: out, end: i + 1, lines };
      }
      if (ch === "\n" || ch === "\r") {
        // Folding: a line break becomes a space, an empty line a newline.
        out = out.replace(/[ \t]+$/, "");
        let breaks = 0;
        while (i < text.length && (text[i] === "\n" || text[i] === "\r" || text[i] === " " || text[i] === "\t")) {
          if (text[i] === "\n") {
            breaks++;
            lines++;
          }
          i++;
        }
        out += breaks > 1 ? "\n".repeat(breaks - 1) : " ";
        continue;
      }
      if (quote === '"' && ch === "\\") {
        const after = text[i + 1];
        if (after === "\n" || (after === "\r" && text[i + 2] === "\n")) {
          // Escaped line break: the lines join without a space.
          i = text.indexOf("\n", i) + 1;
          lines++;
          while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
          continue;
        }
        const [decoded, width] = this.escape(i);
        out += decoded;
        i += width;
        continue;
      }
      out += ch;
      i++;
    }
  }

  private escape(at: number): [string, number] {
    const c = this.text[at + 1];
    const simple: Record<string, string> = {
      "0": "\0", a: "\x07", b: "\b", t: "\t", "\t": "\t", n: "\n", v: "\v", f: "\f", r: "\r", e: "\x1b",
      " ": " ", '"': '"', "/": "/", "\\": "\\", N: "\u0085", _: "\u00a0", L: "\u2028", P: "\u2029",
    };
    if (c === undefined) this.fail("unterminated quoted string");
    const known = Object.prototype.hasOwnProperty.call(simple, c) ? simple[c] : undefined;
    if (known !== undefined) return [known, 2];
    const width = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
    const hex = this.text.slice(at + 2, at + 2 + width);
    if (width === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) this.fail(`invalid escape \\${c}`);
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff) this.fail(`invalid escape \\${c}${hex}`);
    return [String.fromCodePoint(code), 2 + width];
  }

  private flow(at: number, depth: number): { value: YamlValue; end: number; lines: number } {
    const state = { i: at, lines: 0 };
    const value = this.flowValue(state, depth, false);
    return { value, end: state.i, lines: state.lines };
  }

  private flowSpace(state: { i: number; lines: number }): void {
    const text = this.text;
    for (;;) {
      const ch = text[state.i];
      if (ch === " " || ch === "\t" || ch === "\r") state.i++;
      else if (ch === "\n") {
        state.i++;
        state.lines++;
      } else if (ch === "#" && /\s/.test(text[state.i - 1] ?? " ")) {
        const nl = text.indexOf("\n", state.i);
        state.i = nl === -1 ? text.length : nl;
      } else return;
    }
  }

  private flowValue(state: { i: number; lines: number }, depth: number, isKey: boolean): YamlValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`, this.lineNo + state.lines);
    this.flowSpace(state);
    const text = this.text;
    const ch = text[state.i];
    if (ch === undefined) this.fail("unterminated flow collection", this.lineNo + state.lines);
    if (ch === "{") {
      const map = new YamlMap(this.lineNo + state.lines);
      state.i++;
      for (;;) {
        this.flowSpace(state);
        if (text[state.i] === "}") {
          state.i++;
          return map;
        }
        const keyValue = this.flowValue(state, depth + 1, true);
        const key = keyValue === null ? "" : String(keyValue);
        this.flowSpace(state);
        let value: YamlValue = null;
        if (text[state.i] === ":") {
          state.i++;
          this.flowSpace(state);
          if (text[state.i] !== "," && text[state.i] !== "}") value = this.flowValue(state, depth + 1, false);
        }
        if (map.has(key)) this.fail(`duplicate key ${JSON.stringify(key.slice(0, 100))}`, this.lineNo + state.lines);
        map.set(key, value);
        this.flowSpace(state);
        if (text[state.i] === ",") state.i++;
        else if (text[state.i] !== "}") this.fail("expected `,` or `}` in a flow mapping", this.lineNo + state.lines);
      }
    }
    if (ch === "[") {
      const list: YamlValue[] = [];
      state.i++;
      for (;;) {
        this.flowSpace(state);
        if (text[state.i] === "]") {
          state.i++;
          return list;
        }
        list.push(this.flowValue(state, depth + 1, false));
        this.flowSpace(state);
        if (text[state.i] === ",") state.i++;
        else if (text[state.i] !== "]") this.fail("expected `,` or `]` in a flow sequence", this.lineNo + state.lines);
      }
    }
    if (ch === '"' || ch === "'") {
      const { value, end, lines } = this.quoted(state.i);
      state.i = end;
      state.lines += lines;
      return value;
    }
    if (ch === "&" || ch === "*" || ch === "!") this.fail("anchors, aliases and tags are not supported in a lockfile", this.lineNo + state.lines);
    // Plain scalar in flow context: ends at `,` `]` `}`, a `: ` (for keys), a line end or ` #`.
    const start = state.i;
    let i = start;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 44 || c === 93 || c === 125 || c === 10 || c === 13) break;
      if (c === 58 && isKey) {
        const after = text.charCodeAt(i + 1);
        if (Number.isNaN(after) || after === 32 || after === 44 || after === 125 || after === 93 || after === 10) break;
      }
      if (c === 35 && i > start && text.charCodeAt(i - 1) === 32) break;
      i++;
    }
    state.i = i;
    return plainValue(text.slice(start, i).trim());
  }
}

function plainValue(raw: string): YamlValue {
  if (raw === "" || raw === "~" || raw === "null" || raw === "Null" || raw === "NULL") return null;
  if (raw === "true" || raw === "True" || raw === "TRUE") return true;
  if (raw === "false" || raw === "False" || raw === "FALSE") return false;
  return raw;
}
