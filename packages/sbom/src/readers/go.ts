/**
 * `go.mod` with the `go.sum` beside it: the required modules (direct and `// indirect`), with
 * `replace` directives applied (a module replacement becomes the component, a local directory
 * replacement keeps the module's identity with the path as `resolved`), and each module's `h1:`
 * hash from go.sum kept as an other hash (`/go.mod` hashes are for the graph, not the code).
 */
import path from "node:path";
import { LockfileError } from "../errors.js";
import type { Component, LockfileReader, ReaderContext, ReaderResult } from "../model.js";
import { purlOf } from "../purl.js";
import { ComponentSet } from "./component-set.js";
import { linesOf } from "./lockfile-text.js";

/** Go module versions as go.mod records them (semver with `v`, pseudo-versions, `+incompatible`). */
const GO_VERSION = /^v(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const KNOWN_VERBS = new Set(["module", "go", "toolchain", "godebug", "require", "replace", "exclude", "retract", "tool", "ignore"]);

interface Require {
  path: string;
  version: string;
  indirect: boolean;
  line: number;
}

interface Replace {
  from: string;
  fromVersion?: string;
  to: string;
  toVersion?: string;
}

interface GoMod {
  module?: string;
  go?: string;
  requires: Require[];
  replaces: Replace[];
}

export const goReader: LockfileReader = {
  ecosystem: "golang",
  matches: (fileName) => fileName === "go.mod",
  read(text: string, file: string, context?: ReaderContext): ReaderResult {
    const warnings: string[] = [];
    const mod = parseGoMod(text, file, warnings);
    if (!mod.module) throw new LockfileError(file, "no module directive: not a go.mod", 1);
    const sumFile = path.posix.join(path.posix.dirname(file.replace(/\\/g, "/")), "go.sum");
    const sums = readGoSum(siblingText(context, "go.sum", warnings), sumFile);
    if (sums === undefined && mod.requires.length > 0) warnings.push(`${file}: no go.sum beside it; modules have no hashes`);
    if (mod.go && olderThan117(mod.go)) warnings.push(`${file}: go ${mod.go} predates module graph pruning (1.17); indirect modules may be missing from go.mod`);

    const replaces = new Map<string, Replace>();
    for (const r of mod.replaces) replaces.set(r.fromVersion ? `${r.from} ${r.fromVersion}` : r.from, r);
    const components = new ComponentSet();
    const direct = new Set<string>();
    for (const req of mod.requires) {
      const replace = replaces.get(`${req.path} ${req.version}`) ?? replaces.get(req.path);
      const kept = components.add(componentOf(req, replace, sums, file, warnings));
      if (!req.indirect) direct.add(kept.purl);
    }
    const root = { name: mod.module, purl: purlOf("golang", ...splitModule(mod.module), undefined), dependsOn: [...direct] };
    return { root, components: components.list(), warnings };
  },
};

function componentOf(req: Require, replace: Replace | undefined, sums: Map<string, string[]> | undefined, file: string, warnings: string[]): Component {
  const local = replace !== undefined && replace.toVersion === undefined;
  const modulePath = replace && !local ? replace.to : req.path;
  const version = replace && !local ? (replace.toVersion ?? req.version) : req.version;
  const [namespace, name] = splitModule(modulePath);
  const hashes = local ? [] : (sums?.get(`${modulePath} ${version}`) ?? []);
  if (sums && !local && hashes.length === 0) warnings.push(`${file}:${req.line}: ${modulePath} ${version} has no h1: hash in go.sum`);
  return {
    ecosystem: "golang",
    ...(namespace ? { namespace } : {}),
    name,
    version,
    purl: purlOf("golang", namespace, name, version),
    hashes: [],
    ...(hashes.length > 0 ? { otherHashes: hashes.map((value) => ({ alg: "h1", value })) } : {}),
    scope: "required",
    source: file,
    ...(local && replace ? { resolved: replace.to } : {}),
    dependsOn: [],
  };
}

/** Module path to the purl's namespace (all but the last element) and name. */
function splitModule(modulePath: string): [string | undefined, string] {
  const slash = modulePath.lastIndexOf("/");
  return slash === -1 ? [undefined, modulePath] : [modulePath.slice(0, slash), modulePath.slice(slash + 1)];
}

function parseGoMod(text: string, file: string, warnings: string[]): GoMod {
  const mod: GoMod = { requires: [], replaces: [] };
  let block: { verb: string; line: number } | undefined;
  for (const { text: raw, line } of linesOf(text)) {
    const { tokens, comment } = tokenize(raw, file, line);
    if (tokens.length === 0) continue;
    if (block) {
      if (tokens.length === 1 && tokens[0] === ")") {
        block = undefined;
        continue;
      }
      directive(mod, block.verb, tokens, comment, file, line, warnings);
      continue;
    }
    const [verb = "", ...args] = tokens;
    if (args.length === 1 && args[0] === "(") {
      if (!KNOWN_VERBS.has(verb)) throw new LockfileError(file, `unknown block "${verb.slice(0, 40)} ("`, line);
      block = { verb, line };
      continue;
    }
    directive(mod, verb, args, comment, file, line, warnings);
  }
  if (block) throw new LockfileError(file, `${block.verb} block opened here is never closed: the file is truncated`, block.line);
  return mod;
}

function directive(mod: GoMod, verb: string, args: string[], comment: string, file: string, line: number, warnings: string[]): void {
  switch (verb) {
    case "module":
      if (args.length !== 1) throw new LockfileError(file, "module directive takes one path", line);
      mod.module = args[0];
      return;
    case "go":
      mod.go = args[0];
      return;
    case "require": {
      const [modulePath, version] = args;
      if (args.length !== 2 || !modulePath || !version) throw new LockfileError(file, "require takes a module path and a version", line);
      checkVersion(version, file, line);
      mod.requires.push({ path: modulePath, version, indirect: /^indirect\b/.test(comment), line });
      return;
    }
    case "replace":
      mod.replaces.push(parseReplace(args, file, line));
      return;
    case "toolchain":
    case "godebug":
    case "exclude":
    case "retract":
    case "tool":
    case "ignore":
      return;
    default:
      warnings.push(`${file}:${line}: unknown directive "${verb.slice(0, 40)}" ignored`);
  }
}

function parseReplace(args: string[], file: string, line: number): Replace {
  const arrow = args.indexOf("=>");
  const left = args.slice(0, arrow);
  const right = args.slice(arrow + 1);
  if (arrow === -1 || left.length < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
    throw new LockfileError(file, "replace takes `path [version] => path [version]`", line);
  }
  const [from = "", fromVersion] = left;
  const [to = "", toVersion] = right;
  if (fromVersion) checkVersion(fromVersion, file, line);
  if (toVersion) checkVersion(toVersion, file, line);
  if (!toVersion && !isLocalPath(to)) throw new LockfileError(file, `replacement ${to.slice(0, 80)} needs a version unless it is a local directory`, line);
  return { from, ...(fromVersion ? { fromVersion } : {}), to, ...(toVersion ? { toVersion } : {}) };
}

function isLocalPath(target: string): boolean {
  return /^(?:\.{1,2}(?:\/|\\|$)|\/|[A-Za-z]:[\\/])/.test(target);
}

function checkVersion(version: string, file: string, line: number): void {
  if (!GO_VERSION.test(version)) throw new LockfileError(file, `"${version.slice(0, 60)}" is not a module version`, line);
}

/** Splits a go.mod line into tokens (Go-quoted strings unquoted) and the text of its `//` comment. */
function tokenize(raw: string, file: string, line: number): { tokens: string[]; comment: string } {
  if (!raw.includes('"') && !raw.includes("`")) {
    const slashes = raw.indexOf("//");
    const code = slashes === -1 ? raw : raw.slice(0, slashes);
    const tokens = code.split(/[ \t]+/).filter((t) => t !== "");
    return { tokens, comment: slashes === -1 ? "" : raw.slice(slashes + 2).trim() };
  }
  const tokens: string[] = [];
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i];
    if (ch === " " || ch === "\t") {
      i++;
    } else if (raw.startsWith("//", i)) {
      return { tokens, comment: raw.slice(i + 2).trim() };
    } else if (ch === '"' || ch === "`") {
      const end = ch === "`" ? raw.indexOf("`", i + 1) : closingQuote(raw, i + 1);
      if (end === -1) throw new LockfileError(file, "unterminated quoted string", line);
      const quoted = raw.slice(i, end + 1);
      tokens.push(ch === "`" ? quoted.slice(1, -1) : unquote(quoted, file, line));
      i = end + 1;
    } else {
      let end = i;
      while (end < raw.length && !/[\s"`]/.test(raw[end] ?? "") && !raw.startsWith("//", end)) end++;
      tokens.push(raw.slice(i, end));
      i = end;
    }
  }
  return { tokens, comment: "" };
}

function closingQuote(raw: string, from: number): number {
  for (let i = from; i < raw.length; i++) {
    if (raw[i] === "\\") i++;
    else if (raw[i] === '"') return i;
  }
  return -1;
}

function unquote(quoted: string, file: string, line: number): string {
  try {
    const value: unknown = JSON.parse(quoted);
    if (typeof value === "string") return value;
  } catch {
    // fall through
  }
  throw new LockfileError(file, `invalid quoted string ${quoted.slice(0, 60)}`, line);
}

function siblingText(context: ReaderContext | undefined, name: string, warnings: string[]): string | undefined {
  try {
    return context?.sibling?.(name);
  } catch (cause) {
    warnings.push(`${name} beside the go.mod cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`);
    return undefined;
  }
}

/** go.sum: `module version[/go.mod] h1:…` lines to the code hashes of each `module version`. */
function readGoSum(text: string | undefined, file: string): Map<string, string[]> | undefined {
  if (text === undefined) return undefined;
  const sums = new Map<string, string[]>();
  for (const { text: raw, line } of linesOf(text)) {
    const fields = raw.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === "") continue;
    const [modulePath, version, hash] = fields;
    if (fields.length !== 3 || !modulePath || !version || !hash || !/^h\d+:[A-Za-z0-9+/]+=*$/.test(hash)) {
      throw new LockfileError(file, "expected `module version hash`", line);
    }
    if (version.endsWith("/go.mod")) continue;
    const key = `${modulePath} ${version}`;
    const list = sums.get(key);
    if (!list) sums.set(key, [hash]);
    else if (!list.includes(hash)) list.push(hash);
  }
  return sums;
}

function olderThan117(go: string): boolean {
  const [major = 0, minor = 0] = go.split(".").map((n) => Number.parseInt(n, 10));
  return major < 1 || (major === 1 && minor < 17);
}
