import type { Node } from "yaml";
import { findExpressions } from "../expressions.js";
import { memoizeText } from "../memo.js";
import type { Position, SourceFile } from "../model/source.js";

/**
 * Just enough shell reading for taint tracking in `run:` scripts: logical lines, variable uses,
 * assignments and writes to the runner's command files ($GITHUB_ENV, $GITHUB_PATH,
 * $GITHUB_OUTPUT). Regular expressions over lines, not a parser: good for the forms workflows use.
 */

/** A logical line: physical lines joined at a trailing backslash. */
export interface ScriptLine {
  /** The joined text. */
  text: string;
  /** Offset of the first physical line in the script. */
  offset: number;
  /** The first physical line, trimmed: what to search for in the YAML source. */
  first: string;
}

/** The logical lines of a script, split once per text and shared: do not modify the result. */
export function scriptLines(script: string): ScriptLine[] {
  return linesOf(script);
}

const linesOf = memoizeText(splitLines, 5000);

function splitLines(script: string): ScriptLine[] {
  const out: ScriptLine[] = [];
  const physical = script.split("\n");
  let offset = 0;
  let pending: ScriptLine | undefined;
  for (const raw of physical) {
    const lineText = raw.replace(/\r$/, "");
    if (pending) pending.text += " " + lineText.trim();
    else pending = { text: lineText, offset, first: lineText.trim() };
    offset += raw.length + 1;
    if (/\\$/.test(pending.text) && !/^\s*#/.test(pending.text)) {
      pending.text = pending.text.replace(/\\$/, "");
      continue;
    }
    out.push(pending);
    pending = undefined;
  }
  if (pending) out.push(pending);
  return out;
}

/** Text of a line without its `# comment`: a `#` that starts a word outside quotes and `${{ }}`. */
export function stripComment(text: string): string {
  let quote: string | undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (text.startsWith("${{", i)) depth++;
    else if (depth > 0 && text.startsWith("}}", i)) depth--;
    else if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "\\") i++;
    else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#" && depth === 0 && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i).replace(/\s+$/, "");
  }
  return text;
}

/**
 * Where `needle`, found at `offset` of a scalar's value, sits in the YAML source. Counts earlier
 * occurrences in the value so the same text twice in one script points at the right one.
 */
export function locateInValue(source: SourceFile, node: Node, value: string, offset: number, needle: string): Position {
  let occurrence = 0;
  let at = value.indexOf(needle);
  while (at >= 0 && at < offset) {
    occurrence++;
    at = value.indexOf(needle, at + 1);
  }
  return source.positionIn(node, needle, occurrence);
}

const NAME = "[A-Za-z_][A-Za-z0-9_]*";

/** Names of shell or PowerShell variables read in a piece of script: `$X`, `${X}`, `${X:-y}`, `$env:X`. */
export function variableUses(text: string): string[] {
  const out = new Set<string>();
  const re = new RegExp(`\\$(?:env:(${NAME})|\\{(${NAME})[^}]*\\}|(${NAME}))`, "g");
  for (const m of text.matchAll(re)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (name) out.add(name);
  }
  return [...out];
}

/** `NAME=value`, `export NAME=value`, `local NAME=value`, `$NAME = value` (PowerShell) in a line. */
export function assignmentsIn(text: string): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  const re = new RegExp(`(?:^|[;&|(]\\s*|\\b(?:export|local|declare|readonly)\\s+(?:-\\w+\\s+)?)(${NAME})=(.*)$`);
  const m = re.exec(text.trim());
  if (m && m[1] && m[2] !== undefined) out.push({ name: m[1], value: m[2] });
  const ps = new RegExp(`^\\s*\\$(?:env:)?(${NAME})\\s*=\\s*(.*)$`).exec(text);
  if (ps && ps[1] && ps[2] !== undefined) out.push({ name: ps[1], value: ps[2] });
  return out;
}

export type CommandFile = "GITHUB_ENV" | "GITHUB_PATH" | "GITHUB_OUTPUT";

/** One write to a runner command file. */
export interface CommandFileWrite {
  file: CommandFile;
  /** The line holding the redirect (or `tee`, `Add-Content`...). */
  line: ScriptLine;
  /** What is written: the command without its redirect, plus a here-doc body or `{ ...; }` group. */
  data: string;
  /** `NAME` for `NAME=value` / `NAME<<DELIM` writes, when visible. */
  name?: string;
  /** The data is a bare value, not `NAME=...`: the writer controls the whole line. */
  bare: boolean;
}

const FILE_REF = "(?:\\$\\{?(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\\}?|\\$env:(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT))";
const REDIRECT = new RegExp(`(?:>>?|\\btee\\s+(?:-a\\s+|--append\\s+)?|\\b(?:Add-Content|Out-File|Set-Content)\\b[^|;]*?(?:-(?:Path|FilePath)\\s+)?)\\s*["']?${FILE_REF}["']?`, "i");

/** Writes to $GITHUB_ENV / $GITHUB_PATH / $GITHUB_OUTPUT in a script, found once per text and shared: do not modify the result. */
export function commandFileWrites(script: string): CommandFileWrite[] {
  return writesOf(script);
}

const writesOf = memoizeText(findCommandFileWrites, 5000);

function findCommandFileWrites(script: string): CommandFileWrite[] {
  const lines = scriptLines(script);
  const out: CommandFileWrite[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const code = stripComment(line.text);
    const m = REDIRECT.exec(code);
    if (!m) continue;
    const file = (m[1] ?? m[2])!.toUpperCase() as CommandFile;
    let data = code.slice(0, m.index) + " " + code.slice(m.index + m[0].length);
    // a here-document: cat <<EOF >> $GITHUB_ENV ... EOF
    const heredoc = /<<-?\s*["']?([A-Za-z_][\w]*)["']?/.exec(code.replace(/"[^"]*<<[^"]*"|'[^']*<<[^']*'/g, ""));
    if (heredoc && heredoc[1]) {
      const delim = heredoc[1];
      for (let j = i + 1; j < lines.length; j++) {
        if (lines[j]!.text.trim() === delim) {
          i = j;
          break;
        }
        data += "\n" + lines[j]!.text;
      }
    }
    // a group: { echo a; echo b; } >> $GITHUB_ENV
    if (/^\s*\}/.test(code)) {
      for (let j = i - 1; j >= 0; j--) {
        data = lines[j]!.text + "\n" + data;
        if (/^\s*\{\s*$|^\s*\{\s/.test(lines[j]!.text)) break;
      }
    }
    out.push({ file, line, data, ...nameOf(data) });
  }
  return out;
}

/** The variable name written by `echo "NAME=value"` / `echo "NAME<<EOF"`, and whether the line is bare. */
function nameOf(data: string): { name?: string; bare: boolean } {
  const body = data.replace(/^\s*\{?\s*(?:echo|printf|print|Write-Output|Add-Content|Out-File|cat)\b(?:\s+-[a-zA-Z]+)*\s*/, "");
  const m = /^["']?([A-Za-z_][\w-]*)(=|<<)/.exec(body.trim());
  if (m && m[1]) return { name: m[1], bare: false };
  const setOutput = /::set-(?:output|env) name=([\w-]+)::/.exec(data);
  if (setOutput && setOutput[1]) return { name: setOutput[1], bare: false };
  return { bare: true };
}

/** Deprecated `::set-output name=x::value` lines (still read for provenance of old workflows). */
export function setOutputCommands(script: string): Array<{ name: string; data: string }> {
  const out: Array<{ name: string; data: string }> = [];
  if (!script.includes("::set-output name=")) return out;
  for (const m of script.matchAll(/::set-output name=([\w-]+)::(.*)$/gm)) {
    if (m[1]) out.push({ name: m[1], data: m[2] ?? "" });
  }
  return out;
}

/**
 * A multi-line value written with a delimiter the script makes unguessable
 * (`NAME<<$EOF` with `EOF=$(openssl rand -hex 8)`, or `ghadelimiter_$(uuidgen)`): a newline in
 * the value cannot end it early.
 */
export function usesRandomDelimiter(write: CommandFileWrite): boolean {
  return /<<\s*["']?(?:\$|[\w-]*\$\()/.test(write.data);
}

/** Reads of the event payload: `jq -r '.pull_request.title' "$GITHUB_EVENT_PATH"` → github.event.pull_request.title. */
export function eventPayloadReads(text: string): string[] {
  if (!/GITHUB_EVENT_PATH/.test(text)) return [];
  const out: string[] = [];
  for (const m of text.matchAll(/jq\b[^|;]*?['"]?(\.[A-Za-z_][\w.[\]]*)['"]?/g)) {
    const path = m[1]!.replace(/\[\d*\]/g, ".*").replace(/\.+/g, ".").replace(/\.$/, "");
    out.push(`github.event${path}`.toLowerCase());
  }
  return out;
}

/** The text reads a file's content (`$(cat f)`, `$(< f)`, `cat f >>`, `jq . f`, `read X < f`). */
export function readsFile(text: string): boolean {
  return /\$\(\s*(?:<(?!<)|cat\s+(?!<)|jq\b|head\b|tail\b|awk\b|sed\b|tr\b)|^\s*\{?\s*(?:cat\s+(?![<-])|(?:jq|head|tail|awk|sed)\s+)\S|(?<![<])<(?![<(])\s*["']?[\w./$-]+["']?\s*$|\bGet-Content\b/m.test(text);
}

/**
 * The script checks a variable against an anchored pattern before using it
 * (`printf '%s' "$V" | grep -Eq '^[0-9a-f]{40}$' || exit 1`, `[[ $V =~ ^[0-9]+$ ]]`): treated as
 * validated. Only anchored patterns count; the check's failure branch is not verified.
 */
export function isValidated(name: string, scriptBefore: string): boolean {
  const use = new RegExp(`\\$\\{?${name}\\b`);
  return scriptLines(scriptBefore).some((l) => use.test(l.text) && /\bgrep\s+-\w*[qx]\w*\s+(?:-\w+\s+)*['"]\^.*\$['"]|=~\s*['"]?\^/.test(l.text));
}

/** Text with each `${{ }}` replaced by a placeholder word, for regular expressions over commands. */
export function withoutExpressions(text: string): string {
  let out = text;
  for (const span of findExpressions(text).reverse()) out = out.slice(0, span.start) + "EXPR" + out.slice(span.end);
  return out;
}
