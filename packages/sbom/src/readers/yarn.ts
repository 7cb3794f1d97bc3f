/**
 * `yarn.lock`, both formats: Yarn 1's own text format and Yarn Berry's YAML (`__metadata`).
 *
 * Entries are keyed by the descriptors (`name@range`) that resolved to them; an edge `name: range`
 * is looked up by its descriptor. Neither format records dev or optional scope per package, so
 * scopes come from the graph: the project's package.json (beside the lockfile) says which direct
 * dependencies are dev or optional, and reachability does the rest (see graph-scope.ts).
 *
 * Hashes: Yarn 1 `integrity` (SRI), or the sha1 in the `resolved` URL fragment. Berry's `checksum`
 * is the SHA-512 of Yarn's re-packed cache zip, not of the registry tarball, so it is kept as an
 * other hash (`yarn-checksum`) rather than passed off as the package's digest.
 */
import { LockfileError } from "../errors.js";
import type { Component, Hash, LockfileReader, ReaderContext, ReaderResult, Scope } from "../model.js";
import { purlOf, splitNpmName } from "../purl.js";
import { addEdge, addHashes, strongerScope } from "./component-set.js";
import { scopesFromGraph } from "./graph-scope.js";
import { hashFromUrlFragment, hashesFromIntegrity } from "./integrity.js";
import { isYamlMap, parseLockfileYaml, type YamlMap, yamlMapAt, yamlString } from "./lockfile-yaml.js";
import { type Dict, dictAt, entriesOf, isDict, stringAt } from "./narrow.js";
import { WarningList } from "./warnings.js";
import { parseYarnV1, type YarnV1Map } from "./yarn-v1-text.js";

export const yarnReader: LockfileReader = {
  ecosystem: "npm",
  matches: (fileName) => fileName === "yarn.lock",
  read: readYarnLockfile,
};

/** One lockfile entry in format-neutral terms. */
interface Entry {
  descriptors: string[];
  line: number;
  name: string;
  version: string;
  /** Non-registry origin (git, tarball URL, file), or the workspace path for `workspace:` entries. */
  resolved?: string;
  workspace?: string;
  hashes: Hash[];
  otherHashes: Array<{ alg: string; value: string }>;
  /** Dependency name -> range, and which of them are optional. */
  dependencies: Array<[string, string]>;
  optional: Set<string>;
  component?: Component;
}

export function readYarnLockfile(text: string, file: string, context?: ReaderContext): ReaderResult {
  const warnings = new WarningList(file);
  const entries = /^__metadata:/m.test(text) ? berryEntries(text, file, warnings) : v1Entries(text, file, warnings);
  return buildResult(entries, file, context, warnings);
}

// ---- Yarn 1 ----

function v1Entries(text: string, file: string, warnings: WarningList): Entry[] {
  const out: Entry[] = [];
  for (const raw of parseYarnV1(text, file)) {
    const first = raw.descriptors[0] as string;
    const { name: folderName, range } = splitDescriptor(first);
    const realName = range.startsWith("npm:") ? splitDescriptor(range.slice(4)).name : folderName;
    const version = v1String(raw.fields, "version");
    if (!realName || version === undefined) {
      warnings.add(`line ${raw.line}: entry ${JSON.stringify(first.slice(0, 200))} has no ${realName ? "version" : "name"}; left out`);
      continue;
    }
    const resolved = v1String(raw.fields, "resolved");
    const hashes = hashesFromIntegrity(v1String(raw.fields, "integrity"));
    if (hashes.length === 0) {
      const fromUrl = hashFromUrlFragment(resolved);
      if (fromUrl) hashes.push(fromUrl);
    }
    const dependencies: Array<[string, string]> = [];
    const optional = new Set<string>();
    for (const [field, isOptional] of [["dependencies", false], ["optionalDependencies", true]] as const) {
      const deps = raw.fields.get(field);
      if (!(deps instanceof Map)) continue;
      for (const [dep, depRange] of deps) {
        if (typeof depRange !== "string") continue;
        dependencies.push([dep, depRange]);
        if (isOptional) optional.add(dep);
      }
    }
    const entry: Entry = { descriptors: raw.descriptors, line: raw.line, name: realName, version, hashes, otherHashes: [], dependencies, optional };
    if (resolved !== undefined && !isRegistryUrl(resolved)) entry.resolved = resolved;
    out.push(entry);
  }
  return out;
}

function v1String(fields: YarnV1Map, key: string): string | undefined {
  const value = fields.get(key);
  return typeof value === "string" ? value : undefined;
}

// ---- Berry ----

function berryEntries(text: string, file: string, warnings: WarningList): Entry[] {
  const root = parseLockfileYaml(text, file);
  if (!isYamlMap(root)) throw new LockfileError(file, "not a yarn lockfile: the top level is not a mapping", 1);
  const out: Entry[] = [];
  for (const [key, value] of root) {
    if (key === "__metadata") continue;
    if (!isYamlMap(value)) throw new LockfileError(file, `entry ${JSON.stringify(key.slice(0, 200))} is not a mapping`);
    const entry = berryEntry(key, value, warnings);
    if (entry) out.push(entry);
  }
  return out;
}

function berryEntry(key: string, fields: YamlMap, warnings: WarningList): Entry | undefined {
  const descriptors = key.split(",").map((d) => d.trim()).filter((d) => d !== "");
  const resolution = yamlString(fields, "resolution") ?? descriptors[0] ?? "";
  const version = yamlString(fields, "version");
  const located = locatorOf(resolution);
  if (!located || version === undefined) {
    warnings.add(`line ${fields.line}: entry ${JSON.stringify(key.slice(0, 200))} has no ${located ? "version" : "resolution"}; left out`);
    return undefined;
  }
  const dependencies: Array<[string, string]> = [];
  const optional = new Set<string>();
  for (const field of ["dependencies", "optionalDependencies"]) {
    for (const [dep, range] of yamlMapAt(fields, field) ?? []) {
      if (typeof range !== "string") continue;
      dependencies.push([dep, range]);
      if (field === "optionalDependencies") optional.add(dep);
    }
  }
  for (const [dep, meta] of yamlMapAt(fields, "dependenciesMeta") ?? []) {
    if (isYamlMap(meta) && meta.get("optional") === true) optional.add(dep);
  }
  const entry: Entry = { descriptors, line: fields.line, name: located.name, version, hashes: [], otherHashes: [], dependencies, optional };
  const checksum = yamlString(fields, "checksum");
  if (checksum !== undefined && /^(?:[0-9a-z]+\/)?[0-9a-f]{128}$/.test(checksum)) entry.otherHashes.push({ alg: "yarn-checksum", value: checksum });
  if (located.workspace !== undefined) entry.workspace = located.workspace;
  else if (located.resolved !== undefined) entry.resolved = located.resolved;
  return entry;
}

/**
 * A Berry locator (`name@npm:1.2.3`, `name@workspace:path`, `name@patch:inner#…`, `name@https://…`)
 * to the package's real name and where it comes from. A patch is the package it patches.
 */
function locatorOf(resolution: string): { name: string; workspace?: string; resolved?: string } | undefined {
  const { name, range } = splitDescriptor(resolution);
  if (!name) return undefined;
  if (range.startsWith("npm:")) {
    // `alias@npm:real@1.2.3` never appears in a resolution (it names the real package), but be safe.
    const inner = range.slice(4);
    return /^@?[^@]+@/.test(inner) ? { name: splitDescriptor(inner).name || name } : { name };
  }
  if (range.startsWith("workspace:")) return { name, workspace: range.slice("workspace:".length) };
  if (range.startsWith("patch:")) {
    const inner = decodeSafely(range.slice("patch:".length).split("#")[0] ?? "");
    const innerLocator = locatorOf(inner);
    return innerLocator?.workspace !== undefined ? { name, workspace: innerLocator.workspace } : { name, ...(innerLocator?.resolved ? { resolved: innerLocator.resolved } : {}) };
  }
  return { name, resolved: range };
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// ---- both ----

/** `@scope/name@range` / `name@range` -> name and range (the range may itself hold `@`). */
function splitDescriptor(descriptor: string): { name: string; range: string } {
  const at = descriptor.indexOf("@", descriptor.startsWith("@") ? 1 : 0);
  if (at <= 0) return { name: descriptor, range: "" };
  return { name: descriptor.slice(0, at), range: descriptor.slice(at + 1) };
}

function buildResult(entries: Entry[], file: string, context: ReaderContext | undefined, warnings: WarningList): ReaderResult {
  const byDescriptor = new Map<string, Entry>();
  for (const entry of entries) for (const descriptor of entry.descriptors) byDescriptor.set(descriptor, entry);
  const lookup = (name: string, range: string): Entry | undefined =>
    byDescriptor.get(`${name}@${range}`) ?? byDescriptor.get(`${name}@npm:${range}`);

  const manifest = readJson(context?.sibling?.("package.json"));
  const rootEntry = entries.find((e) => e.workspace === "." || e.workspace === "");

  // Components (workspace entries other than the root are projects of their own).
  const byPurl = new Map<string, Component>();
  for (const entry of entries) {
    if (entry === rootEntry) continue;
    const made = componentOf(entry, file, context, warnings);
    if (!made) continue;
    const kept = byPurl.get(made.purl);
    if (kept) {
      addHashes(kept.hashes, made.hashes);
      for (const other of made.otherHashes ?? []) {
        if (!kept.otherHashes?.some((h) => h.value === other.value)) (kept.otherHashes ??= []).push(other);
      }
      entry.component = kept;
    } else {
      byPurl.set(made.purl, made);
      entry.component = made;
    }
  }

  // Edges.
  let unresolved = 0;
  const edgesOf = new Map<Entry, Array<readonly [Entry, boolean]>>();
  for (const entry of entries) {
    const out: Array<readonly [Entry, boolean]> = [];
    for (const [dep, range] of entry.dependencies) {
      const target = lookup(dep, range);
      if (!target) {
        if (!entry.optional.has(dep)) unresolved++;
        continue;
      }
      out.push([target, entry.optional.has(dep)]);
      if (entry.component && target.component) addEdge(entry.component, target.component.purl);
    }
    edgesOf.set(entry, out);
  }
  if (unresolved > 0) warnings.add(`${unresolved} dependencies have no entry in the lockfile; run yarn install to refresh it`);

  // The project's direct dependencies, by kind.
  const rootDirect = directDependencies(manifest, rootEntry, lookup, entries, edgesOf);
  const direct: Direct = { required: [...rootDirect.required], optional: [...rootDirect.optional], dev: [...rootDirect.dev] };
  const workspaces: Entry[] = [];
  for (const entry of entries) {
    if (entry.workspace === undefined || entry === rootEntry) continue;
    workspaces.push(entry);
    const wsManifest = readJson(context?.sibling?.(`${entry.workspace}/package.json`));
    const split = directDependencies(wsManifest, entry, lookup, entries, edgesOf);
    direct.required.push(entry, ...split.required);
    direct.optional.push(...split.optional);
    direct.dev.push(...split.dev);
  }
  const scopes = scopesFromGraph({ ...direct, edges: (node: Entry) => edgesOf.get(node) ?? [] });
  const componentScopes = new Map<Component, Scope>();
  for (const entry of entries) {
    // An entry reached from no project (a patch variant, a stale entry) does not decide the scope.
    const scope = scopes.get(entry);
    if (!entry.component || scope === undefined) continue;
    const before = componentScopes.get(entry.component);
    componentScopes.set(entry.component, before === undefined ? scope : strongerScope(before, scope));
  }
  for (const component of byPurl.values()) component.scope = componentScopes.get(component) ?? "required";

  const rootDeps = new Set<string>();
  for (const entry of [...rootDirect.required, ...rootDirect.optional, ...rootDirect.dev, ...workspaces]) {
    if (entry.component) rootDeps.add(entry.component.purl);
  }
  const root = rootOf(manifest, rootEntry, [...rootDeps]);
  return { ...(root ? { root } : {}), components: [...byPurl.values()], warnings: warnings.list() };
}

interface Direct {
  required: Entry[];
  optional: Entry[];
  dev: Entry[];
}

/**
 * Direct dependencies of a project by kind. From its package.json when given (the source of dev
 * and optional); else from its workspace entry (all required); else, for a Yarn 1 lockfile with no
 * package.json, the entries nothing else depends on.
 */
function directDependencies(
  manifest: Dict | undefined,
  projectEntry: Entry | undefined,
  lookup: (name: string, range: string) => Entry | undefined,
  entries: Entry[],
  edgesOf: Map<Entry, Array<readonly [Entry, boolean]>>,
): Direct {
  const direct: Direct = { required: [], optional: [], dev: [] };
  if (manifest) {
    // Berry rewrites ranges in the workspace entry (`^1` -> `npm:^1`): find a dependency there by name too.
    const entryRanges = new Map(projectEntry?.dependencies ?? []);
    const kinds: Array<[string, keyof Direct]> = [
      ["dependencies", "required"],
      ["optionalDependencies", "optional"],
      ["devDependencies", "dev"],
      ["peerDependencies", "required"],
    ];
    for (const [field, kind] of kinds) {
      for (const [name, range] of entriesOf(dictAt(manifest, field))) {
        if (typeof range !== "string") continue;
        const entryRange = entryRanges.get(name);
        const target = lookup(name, range) ?? (entryRange === undefined ? undefined : lookup(name, entryRange));
        if (target) direct[kind].push(target);
      }
    }
    return direct;
  }
  if (projectEntry) {
    for (const [name, range] of projectEntry.dependencies) {
      const target = lookup(name, range);
      if (target) (projectEntry.optional.has(name) ? direct.optional : direct.required).push(target);
    }
    return direct;
  }
  const dependedOn = new Set<Entry>();
  for (const edges of edgesOf.values()) for (const [target] of edges) dependedOn.add(target);
  direct.required = entries.filter((e) => !dependedOn.has(e) && e.workspace === undefined);
  return direct;
}

function componentOf(entry: Entry, file: string, context: ReaderContext | undefined, warnings: WarningList): Component | undefined {
  let version = entry.version;
  if (entry.workspace !== undefined) {
    const manifestVersion = stringAt(readJson(context?.sibling?.(`${entry.workspace}/package.json`)), "version");
    if (manifestVersion !== undefined) version = manifestVersion;
  }
  const { namespace, name } = splitNpmName(entry.name);
  let purl: string;
  try {
    purl = purlOf("npm", namespace, name, version);
  } catch {
    warnings.add(`line ${entry.line}: ${JSON.stringify(entry.name.slice(0, 100))} is not a valid package name; left out`);
    return undefined;
  }
  const component: Component = {
    ecosystem: "npm",
    name,
    version,
    purl,
    hashes: entry.hashes,
    scope: "required",
    source: file,
    dependsOn: [],
  };
  if (namespace !== undefined) component.namespace = namespace;
  if (entry.otherHashes.length > 0) component.otherHashes = entry.otherHashes;
  if (entry.workspace !== undefined) {
    component.kind = "application";
    component.resolved = `workspace:${entry.workspace}`;
  } else if (entry.resolved !== undefined) component.resolved = entry.resolved;
  return component;
}

function rootOf(manifest: Dict | undefined, rootEntry: Entry | undefined, dependsOn: string[]): ReaderResult["root"] {
  const name = stringAt(manifest, "name") ?? rootEntry?.name;
  if (name === undefined) return dependsOn.length > 0 ? { name: "", dependsOn } : undefined;
  const version = stringAt(manifest, "version");
  const { namespace, name: bare } = splitNpmName(name);
  let purl: string | undefined;
  try {
    purl = purlOf("npm", namespace, bare, version);
  } catch {
    purl = undefined;
  }
  return { name, version, purl, dependsOn };
}

function readJson(text: string | undefined): Dict | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isDict(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRegistryUrl(url: string): boolean {
  return /^https?:\/\/[^/]+\/.+\/-\/[^/]+\.tgz(?:#.*)?$/.test(url);
}
