/**
 * pip requirements files (`requirements*.txt`, `*-requirements.txt`): pinned `name==version`
 * lines with their `--hash` values, URL / VCS / editable requirements, `-r` / `-c` includes read
 * beside the file, and pip-compile's `# via` comments as dependency edges.
 */
import path from "node:path";
import { LockfileError } from "../errors.js";
import type { Component, Hash, LockfileReader, ReaderContext, ReaderResult, Scope } from "../model.js";
import { addEdge, addHashes, ComponentSet, MAX_NAME_CANDIDATES } from "./component-set.js";
import { hashOfPrefixed } from "./digests.js";
import { linesOf } from "./lockfile-text.js";
import { normalizePythonName, pypiPurl } from "./python-names.js";
import { parseRequirementLine, type Requirement } from "./requirement-line.js";

const REQUIREMENTS_FILE = /^(?:[\w.-]*[-_.])?requirements(?:[-_.][\w.-]*)?\.txt$/i;
/** Words in a requirements file name that mark development-only requirements. */
const DEV_WORDS = new Set(["dev", "develop", "development", "test", "tests", "testing", "lint", "docs", "doc", "ci"]);
const MAX_INCLUDE_DEPTH = 8;

export const pythonReader: LockfileReader = {
  ecosystem: "pypi",
  matches: (fileName) => REQUIREMENTS_FILE.test(fileName),
  read(text: string, file: string, context?: ReaderContext): ReaderResult {
    const walk = new RequirementsWalk(file, context);
    walk.readFile(text, path.posix.basename(file), false, 0);
    return walk.result();
  },
};

interface Entry {
  requirement: Requirement;
  /** File the line is in, as the result names it. */
  source: string;
  line: number;
  scope: Scope;
  /** pip-compile `# via` parents (names as written). */
  parents: string[];
}

class RequirementsWalk {
  private readonly entries: Entry[] = [];
  private readonly constraints = new Map<string, Entry>();
  private readonly warnings: string[] = [];
  private readonly visited = new Set<string>();
  private readonly dir: string;

  constructor(
    private readonly file: string,
    private readonly context: ReaderContext | undefined,
  ) {
    this.dir = path.posix.dirname(file.replace(/\\/g, "/"));
  }

  /** Reads one file; `rel` is its path relative to the top file's directory. */
  readFile(text: string, rel: string, constraint: boolean, depth: number): void {
    this.visited.add(rel);
    const source = this.dir === "." ? rel : path.posix.join(this.dir, rel);
    const scope = scopeOfFile(rel);
    let last: Entry | undefined;
    let viaOpen = false;
    for (const item of logicalLines(text)) {
      if (item.comment !== undefined) {
        const via = viaOf(item.comment);
        if (item.text === "") {
          if (via !== undefined) {
            viaOpen = via.length === 0;
            last?.parents.push(...via);
          } else if (viaOpen && /^#\s{2,}\S/.test(item.comment)) {
            last?.parents.push(...parentsIn(item.comment.slice(1)));
          } else {
            viaOpen = false;
          }
          continue;
        }
      }
      viaOpen = false;
      const parsed = parseRequirementLine(item.text);
      if (!parsed) continue;
      if (parsed.kind === "invalid") throw new LockfileError(source, parsed.reason, item.line);
      if (parsed.kind === "option") {
        if (!parsed.known) this.warnings.push(`${source}:${item.line}: unknown option ${parsed.option} ignored`);
        continue;
      }
      if (parsed.kind === "include") {
        this.include(parsed.path, parsed.constraint || constraint, rel, source, item.line, depth);
        continue;
      }
      last = { requirement: parsed.requirement, source, line: item.line, scope, parents: [] };
      if (item.comment !== undefined) last.parents.push(...(viaOf(item.comment) ?? []));
      if (constraint) this.addConstraint(last);
      else this.entries.push(last);
    }
  }

  private include(target: string, constraint: boolean, fromRel: string, source: string, line: number, depth: number): void {
    const rel = includePath(fromRel, target);
    const what = constraint ? "constraints file" : "requirements file";
    if (rel === undefined) {
      this.warnings.push(`${source}:${line}: ${what} ${target} is outside the directory or remote; not read`);
      return;
    }
    if (this.visited.has(rel)) return;
    if (depth >= MAX_INCLUDE_DEPTH) {
      this.warnings.push(`${source}:${line}: ${what} ${target} is nested more than ${MAX_INCLUDE_DEPTH} deep; not read`);
      return;
    }
    let text: string | undefined;
    try {
      text = this.context?.sibling?.(rel);
    } catch (cause) {
      this.warnings.push(`${source}:${line}: cannot read ${what} ${target}: ${cause instanceof Error ? cause.message : String(cause)}`);
      return;
    }
    if (text === undefined) {
      this.warnings.push(`${source}:${line}: ${what} ${target} not found; its requirements are missing`);
      return;
    }
    this.readFile(text, rel, constraint, depth + 1);
  }

  private addConstraint(entry: Entry): void {
    const { name, version } = entry.requirement;
    if (name && version) this.constraints.set(normalizePythonName(name), entry);
  }

  result(): ReaderResult {
    const components = new ComponentSet();
    const purlsByName = new Map<string, string[]>();
    const placed: Array<[Entry, string]> = [];
    for (const entry of this.entries) {
      const component = this.componentOf(entry);
      if (!component) continue;
      components.add(component);
      placed.push([entry, component.purl]);
      const key = normalizePythonName(component.name);
      const purls = purlsByName.get(key);
      if (!purls) purlsByName.set(key, [component.purl]);
      else if (purls.length < MAX_NAME_CANDIDATES && !purls.includes(component.purl)) purls.push(component.purl);
    }
    for (const [entry, purl] of placed) {
      for (const parent of entry.parents) {
        for (const parentPurl of purlsByName.get(normalizePythonName(parent)) ?? []) {
          const from = components.get(parentPurl);
          if (from) addEdge(from, purl);
        }
      }
    }
    return { components: components.list(), warnings: this.warnings };
  }

  private componentOf(entry: Entry): Component | undefined {
    const { requirement, source, line } = entry;
    const where = `${source}:${line}`;
    if (!requirement.name) {
      this.warnings.push(`${where}: ${requirement.url ?? "requirement"} names no package (add #egg=<name>); left out`);
      return undefined;
    }
    let version = requirement.version;
    let hashTexts = requirement.hashes;
    const pinnedBy = requirement.url === undefined && version === undefined ? this.constraints.get(normalizePythonName(requirement.name)) : undefined;
    if (pinnedBy) {
      version = pinnedBy.requirement.version;
      hashTexts = [...hashTexts, ...pinnedBy.requirement.hashes];
    }
    if (version === undefined && requirement.url === undefined) {
      const spec = requirement.specifier === "" ? "" : ` ${requirement.specifier}`;
      this.warnings.push(`${where}: ${requirement.name}${spec} is not pinned to one version (use ==); left out`);
      return undefined;
    }
    return {
      ecosystem: "pypi",
      name: requirement.name,
      version: version ?? "",
      purl: pypiPurl(requirement.name, version ?? ""),
      hashes: this.hashesOf(hashTexts, where),
      scope: entry.scope,
      source,
      ...(requirement.url !== undefined ? { resolved: requirement.url } : {}),
      dependsOn: [],
    };
  }

  private hashesOf(texts: string[], where: string): Hash[] {
    const found: Hash[] = [];
    for (const text of texts) {
      const hash = hashOfPrefixed(text);
      if (hash) found.push(hash);
      else this.warnings.push(`${where}: --hash ${text.slice(0, 80)} is not a known digest; ignored`);
    }
    const hashes: Hash[] = [];
    addHashes(hashes, found);
    return hashes;
  }
}

/**
 * pip's line joining: a line ending in `\` continues on the next one; a comment line ends it.
 * `text` is the logical line without its comment, `comment` the comment (from `#`) when present.
 */
function* logicalLines(text: string): Generator<{ text: string; line: number; comment?: string }> {
  let pending: string[] = [];
  let start = 0;
  for (const { text: raw, line } of linesOf(text)) {
    const commentLine = /^\s*#/.test(raw);
    if (!commentLine && raw.endsWith("\\")) {
      if (pending.length === 0) start = line;
      pending.push(raw.slice(0, -1));
      continue;
    }
    if (pending.length > 0) {
      if (!commentLine) pending.push(raw);
      yield splitComment(pending.join(" "), start);
      pending = [];
      if (!commentLine) continue;
    }
    yield splitComment(raw, line);
  }
  if (pending.length > 0) yield splitComment(pending.join(" "), start);
}

function splitComment(text: string, line: number): { text: string; line: number; comment?: string } {
  const at = /(^|\s)#/.exec(text);
  if (!at) return { text: text.trim(), line };
  const hash = at.index + (at[1]?.length ?? 0);
  return { text: text.slice(0, hash).trim(), line, comment: text.slice(hash).trim() };
}

/** Parents named by a `# via a, b` comment; an empty list for a bare `# via`; undefined otherwise. */
function viaOf(comment: string): string[] | undefined {
  const match = /^#\s*via\b(.*)$/.exec(comment);
  return match ? parentsIn(match[1] ?? "") : undefined;
}

/** Package names in a via list; `-r file` / `-c file` (the project's own inputs) are not packages. */
function parentsIn(text: string): string[] {
  const names: string[] = [];
  for (const part of text.split(",")) {
    const item = part.trim();
    if (item === "" || item.startsWith("-")) continue;
    const name = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(item)?.[1];
    if (name) names.push(name);
  }
  return names;
}

/** Path of an include relative to the top file's directory; undefined when remote or outside it. */
function includePath(fromRel: string, target: string): string | undefined {
  const slashed = target.replace(/\\/g, "/");
  if (/^[a-z][a-z0-9+.-]*:/i.test(slashed) || slashed.startsWith("/") || slashed.includes("${")) return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), slashed));
  return joined === ".." || joined.startsWith("../") ? undefined : joined;
}

function scopeOfFile(rel: string): Scope {
  const words = rel.toLowerCase().replace(/\.txt$/, "").split(/[-_./]+/);
  return words.some((w) => DEV_WORDS.has(w)) ? "dev" : "required";
}
