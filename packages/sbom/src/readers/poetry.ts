/**
 * `poetry.lock` (lock-version 1.1, 2.0, 2.1): every `[[package]]` with its file hashes, the
 * `[package.dependencies]` edges, a private index / git / path source as `resolved`, and the
 * scope from `groups` (2.1), `category` (1.1), or, when the lock has neither, from the direct
 * dependencies `pyproject.toml` declares beside it.
 */
import { LockfileError } from "../errors.js";
import type { Component, Hash, LockfileReader, ReaderContext, ReaderResult, Scope } from "../model.js";
import { addEdge, addHashes, ComponentSet, MAX_NAME_CANDIDATES, pushTo } from "./component-set.js";
import { hashOfPrefixed } from "./digests.js";
import { lineOfHeader, parseTomlLockfile } from "./lockfile-text.js";
import { arrayAt, dictAt, entriesOf, isDict, own, stringAt, type Dict } from "./narrow.js";
import { readPyproject, type PyprojectDeclarations } from "./pyproject.js";
import { normalizePythonName, pypiPurl } from "./python-names.js";
import { scopesByReach } from "./scope-walk.js";

export const poetryReader: LockfileReader = {
  ecosystem: "pypi",
  matches: (fileName) => fileName === "poetry.lock",
  read(text: string, file: string, context?: ReaderContext): ReaderResult {
    const doc = parseTomlLockfile(text, file);
    const metadata = dictAt(doc, "metadata");
    if (!metadata) throw new LockfileError(file, "no [metadata] table (poetry writes it last): the file is truncated or not a poetry.lock", text.split("\n").length);
    const warnings: string[] = [];
    const pyproject = pyprojectBeside(context, warnings);
    const legacyFiles = dictAt(metadata, "files");

    const packages = arrayAt(doc, "package");
    const entries: Array<{ component: Component; raw: Dict }> = [];
    const byName = new Map<string, Component[]>();
    packages.forEach((raw, index) => {
      const name = stringAt(raw, "name");
      const version = stringAt(raw, "version");
      if (!isDict(raw) || !name || version === undefined) {
        throw new LockfileError(file, `package #${index + 1} has no name or version`, lineOfHeader(text, "[[package]]", index));
      }
      const resolved = resolvedOf(dictAt(raw, "source"));
      const component: Component = {
        ecosystem: "pypi",
        name,
        version,
        purl: pypiPurl(name, version),
        hashes: hashesOf(arrayAt(raw, "files").length > 0 ? arrayAt(raw, "files") : legacyFilesOf(legacyFiles, name)),
        scope: lockScope(raw),
        source: file,
        ...(resolved ? { resolved } : {}),
        dependsOn: [],
      };
      entries.push({ component, raw });
      pushTo(byName, normalizePythonName(name), component);
    });

    for (const { component, raw } of entries) {
      for (const [dep] of entriesOf(dictAt(raw, "dependencies"))) {
        const targets = byName.get(normalizePythonName(dep)) ?? [];
        if (targets.length > MAX_NAME_CANDIDATES) continue;
        for (const target of targets) addEdge(component, target.purl);
      }
    }

    const lockHasScopes = entries.some(({ raw }) => arrayAt(raw, "groups").length > 0 || stringAt(raw, "category") !== undefined);
    if (!lockHasScopes && pyproject) applyDeclaredScopes(entries.map((e) => e.component), byName, pyproject);

    const components = new ComponentSet();
    for (const { component } of entries) components.add(component);
    const root = pyproject?.name ? rootOf(pyproject, byName) : undefined;
    return { ...(root ? { root } : {}), components: components.list(), warnings };
  },
};

/** Scope the lock itself records: 2.1 `groups`, 1.1 `category`, and `optional` for extras. */
function lockScope(raw: Dict): Scope {
  const groups = arrayAt(raw, "groups").filter((g): g is string => typeof g === "string");
  const category = stringAt(raw, "category");
  let scope: Scope = "required";
  if (groups.length > 0) scope = groups.includes("main") ? "required" : "dev";
  else if (category) scope = category === "dev" ? "dev" : "required";
  return own(raw, "optional") === true && scope !== "dev" ? "optional" : scope;
}

function applyDeclaredScopes(components: Component[], byName: Map<string, Component[]>, declared: PyprojectDeclarations): void {
  const byPurl = new Map(components.map((c) => [c.purl, c]));
  const purlsOf = (names: string[]) => names.flatMap((n) => (byName.get(n) ?? []).map((c) => c.purl));
  const scopes = scopesByReach((purl: string) => byPurl.get(purl)?.dependsOn ?? [], {
    required: purlsOf(declared.required),
    optional: purlsOf(declared.optional),
    dev: purlsOf(declared.dev),
  });
  for (const component of components) {
    const scope = scopes.get(component.purl);
    if (scope) component.scope = scope;
  }
}

function rootOf(declared: PyprojectDeclarations, byName: Map<string, Component[]>): ReaderResult["root"] {
  const name = declared.name ?? "";
  const dependsOn = new Set<string>();
  for (const dep of [...declared.required, ...declared.optional, ...declared.dev]) {
    for (const c of byName.get(dep) ?? []) dependsOn.add(c.purl);
  }
  return { name, ...(declared.version ? { version: declared.version } : {}), purl: pypiPurl(name, declared.version ?? ""), dependsOn: [...dependsOn] };
}

function pyprojectBeside(context: ReaderContext | undefined, warnings: string[]): PyprojectDeclarations | undefined {
  let text: string | undefined;
  try {
    text = context?.sibling?.("pyproject.toml");
  } catch (cause) {
    warnings.push(`pyproject.toml beside the lockfile cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`);
    return undefined;
  }
  if (text === undefined) return undefined;
  const declared = readPyproject(text);
  if (!declared) warnings.push("pyproject.toml beside the lockfile is not valid TOML; scopes come from the lockfile only");
  return declared;
}

/** Lock 1.1 keeps hashes in `[metadata.files]` keyed by the name as written (or normalized). */
function legacyFilesOf(files: Dict | undefined, name: string): unknown[] {
  if (!files) return [];
  const exact = own(files, name);
  if (Array.isArray(exact)) return exact;
  const wanted = normalizePythonName(name);
  for (const [key, value] of entriesOf(files)) if (normalizePythonName(key) === wanted && Array.isArray(value)) return value;
  return [];
}

function hashesOf(files: unknown[]): Hash[] {
  const found: Hash[] = [];
  for (const entry of files) {
    const hash = hashOfPrefixed(stringAt(entry, "hash") ?? "");
    if (hash) found.push(hash);
  }
  const hashes: Hash[] = [];
  addHashes(hashes, found);
  return hashes;
}

/** Where a package came from when not PyPI: a git URL at its commit, a path, a URL, a private index. */
function resolvedOf(source: Dict | undefined): string | undefined {
  const type = stringAt(source, "type");
  const url = stringAt(source, "url");
  if (!type || !url) return undefined;
  if (type === "git") {
    const commit = stringAt(source, "resolved_reference") ?? stringAt(source, "reference");
    return `git+${url}${commit ? `@${commit}` : ""}`;
  }
  return url;
}
