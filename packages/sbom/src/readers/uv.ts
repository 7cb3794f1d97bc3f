/**
 * `uv.lock`: every `[[package]]` with its sdist and wheel hashes, `dependencies` edges (a name,
 * with version and source when one name resolves twice), and scopes by reachability from the
 * workspace members: their `dependencies` required, `optional-dependencies` optional,
 * `dev-dependencies` dev. The member at `.` is the root; other members are components.
 */
import { LockfileError } from "../errors.js";
import type { Component, Hash, LockfileReader, ReaderResult } from "../model.js";
import { addEdge, addHashes, ComponentSet, MAX_NAME_CANDIDATES, pushTo } from "./component-set.js";
import { hashOfPrefixed } from "./digests.js";
import { lineOfHeader, parseTomlLockfile } from "./lockfile-text.js";
import { arrayAt, dictAt, entriesOf, isDict, own, stringAt, type Dict } from "./narrow.js";
import { normalizePythonName, pypiPurl } from "./python-names.js";
import { scopesByReach } from "./scope-walk.js";

const PYPI = /^https:\/\/pypi\.org\/simple\/?$/;

interface Locked {
  raw: Dict;
  component: Component;
  /** The source table rendered as a string, for disambiguating dependencies. */
  sourceKey: string;
  member: boolean;
  atRoot: boolean;
}

export const uvReader: LockfileReader = {
  ecosystem: "pypi",
  matches: (fileName) => fileName === "uv.lock",
  read(text: string, file: string): ReaderResult {
    const doc = parseTomlLockfile(text, file);
    const lockVersion = own(doc, "version");
    if (typeof lockVersion !== "number") throw new LockfileError(file, "no lock `version`: not a uv.lock", 1);
    const warnings: string[] = [];
    if (lockVersion > 1) warnings.push(`${file}: uv.lock version ${lockVersion} is newer than this reader knows (1); read as version 1`);
    const members = new Set(arrayAt(dictAt(doc, "manifest"), "members").filter((m): m is string => typeof m === "string").map(normalizePythonName));

    const locked: Locked[] = [];
    const byName = new Map<string, Locked[]>();
    arrayAt(doc, "package").forEach((raw, index) => {
      const entry = lockedOf(raw, file, members);
      if (!entry) throw new LockfileError(file, `package #${index + 1} has no name, or a registry package no version`, lineOfHeader(text, "[[package]]", index));
      locked.push(entry);
      pushTo(byName, normalizePythonName(entry.component.name), entry);
    });
    if (members.size === 0) for (const entry of locked) entry.member = entry.atRoot;

    const graph = new Map<Locked, Edges>();
    for (const entry of locked) {
      const edges = edgesOf(entry.raw, byName);
      graph.set(entry, edges);
      for (const { target } of [...edges.required, ...[...edges.optional.values()].flat(), ...edges.dev]) addEdge(entry.component, target.component.purl);
    }

    const memberEntries = locked.filter((e) => e.member);
    if (memberEntries.length > 0) {
      // A dependency on `pkg[extra]` also reaches what pkg's optional group `extra` lists.
      const reach = (deps: Dependency[]): Locked[] =>
        deps.flatMap(({ target, extras }) => [target, ...extras.flatMap((x) => (graph.get(target)?.optional.get(x) ?? []).map((d) => d.target))]);
      const scopes = scopesByReach((e: Locked) => reach(graph.get(e)?.required ?? []), {
        required: memberEntries.flatMap((m) => [m, ...reach(graph.get(m)?.required ?? [])]),
        optional: memberEntries.flatMap((m) => reach([...(graph.get(m)?.optional.values() ?? [])].flat())),
        dev: memberEntries.flatMap((m) => reach(graph.get(m)?.dev ?? [])),
      });
      for (const entry of locked) entry.component.scope = scopes.get(entry) ?? "required";
    }

    const rootEntry = locked.find((e) => e.member && e.atRoot) ?? (memberEntries.length === 1 ? memberEntries[0] : undefined);
    const components = new ComponentSet();
    for (const entry of locked) {
      if (entry === rootEntry) continue;
      if (entry.member) entry.component.kind = "application";
      components.add(entry.component);
    }
    const root = rootEntry
      ? {
          name: rootEntry.component.name,
          ...(rootEntry.component.version ? { version: rootEntry.component.version } : {}),
          purl: rootEntry.component.purl,
          dependsOn: rootEntry.component.dependsOn,
        }
      : undefined;
    return { ...(root ? { root } : {}), components: components.list(), warnings };
  },
};

function lockedOf(raw: unknown, file: string, members: Set<string>): Locked | undefined {
  const name = stringAt(raw, "name");
  if (!isDict(raw) || !name) return undefined;
  const source = dictAt(raw, "source") ?? {};
  const registry = stringAt(source, "registry");
  const version = stringAt(raw, "version");
  if (version === undefined && registry !== undefined) return undefined;
  const local = stringAt(source, "editable") ?? stringAt(source, "virtual");
  const resolved = resolvedOf(source);
  const hashes: Hash[] = [];
  const files = [dictAt(raw, "sdist"), ...arrayAt(raw, "wheels")];
  addHashes(hashes, files.map((f) => hashOfPrefixed(stringAt(f, "hash") ?? "")).filter((h): h is Hash => h !== undefined));
  const component: Component = {
    ecosystem: "pypi",
    name,
    version: version ?? "",
    purl: pypiPurl(name, version ?? ""),
    hashes,
    scope: "required",
    source: file,
    ...(resolved ? { resolved } : {}),
    dependsOn: [],
  };
  return {
    raw,
    component,
    sourceKey: sourceKeyOf(source),
    member: local !== undefined && members.has(normalizePythonName(name)),
    atRoot: local === ".",
  };
}

interface Dependency {
  target: Locked;
  /** Extras the dependency asks for (`extra = ["http2"]`). */
  extras: string[];
}

interface Edges {
  required: Dependency[];
  /** By extra name. */
  optional: Map<string, Dependency[]>;
  /** All dev groups together. */
  dev: Dependency[];
}

function edgesOf(raw: Dict, byName: Map<string, Locked[]>): Edges {
  const list = (deps: unknown): Dependency[] => {
    if (!Array.isArray(deps)) return [];
    const out: Dependency[] = [];
    for (const dep of deps) {
      const target = resolveDependency(dep, byName);
      if (target) out.push({ target, extras: arrayAt(dep, "extra").filter((x): x is string => typeof x === "string") });
    }
    return out;
  };
  const optional = new Map<string, Dependency[]>();
  for (const [extra, deps] of entriesOf(dictAt(raw, "optional-dependencies"))) optional.set(extra, list(deps));
  return {
    required: list(own(raw, "dependencies")),
    optional,
    dev: entriesOf(dictAt(raw, "dev-dependencies")).flatMap(([, deps]) => list(deps)),
  };
}

/** A `{ name, version?, source? }` dependency to the package it names. */
function resolveDependency(dep: unknown, byName: Map<string, Locked[]>): Locked | undefined {
  const name = stringAt(dep, "name");
  if (!name) return undefined;
  let candidates = byName.get(normalizePythonName(name)) ?? [];
  if (candidates.length > MAX_NAME_CANDIDATES) return undefined;
  const version = stringAt(dep, "version");
  if (candidates.length > 1 && version !== undefined) candidates = candidates.filter((c) => c.component.version === version);
  const source = dictAt(dep, "source");
  if (candidates.length > 1 && source) candidates = candidates.filter((c) => c.sourceKey === sourceKeyOf(source));
  return candidates.length === 1 ? candidates[0] : undefined;
}

function sourceKeyOf(source: Dict): string {
  return entriesOf(source)
    .filter(([, v]) => typeof v === "string")
    .map(([k, v]) => `${k}=${String(v)}`)
    .sort()
    .join("&");
}

/** Where a package came from when not PyPI: git at its commit, a path, a URL, a private index. */
function resolvedOf(source: Dict): string | undefined {
  const git = stringAt(source, "git");
  if (git) {
    const [base = git, commit] = git.split("#", 2);
    return `git+${base.split("?")[0] ?? base}${commit ? `@${commit}` : ""}`;
  }
  const registry = stringAt(source, "registry");
  if (registry) return PYPI.test(registry) ? undefined : registry;
  return stringAt(source, "url") ?? stringAt(source, "path") ?? stringAt(source, "directory") ?? stringAt(source, "editable") ?? stringAt(source, "virtual");
}
