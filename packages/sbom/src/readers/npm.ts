/**
 * npm `package-lock.json` / `npm-shrinkwrap.json`, lockfile versions 1, 2 and 3.
 *
 * v2/v3 list every installed folder under `packages` keyed by its path (`node_modules/a/node_modules/b`);
 * v1 nests the same tree under `dependencies`, which is flattened to the same paths first. An edge
 * `a -> b` is resolved the way Node and npm find `b` from `a`'s folder: `a/node_modules/b`, then
 * each parent folder's `node_modules/b` up to the root. Links (`link: true`, workspaces, `file:`)
 * point at the folder that holds the package. A package installed at several paths is one
 * component (one purl); its edges and scopes are united.
 */
import { LockfileError } from "../errors.js";
import type { Component, LockfileReader, ReaderContext, ReaderResult, Scope } from "../model.js";
import { purlOf, splitNpmName } from "../purl.js";
import { addEdge, addHashes, strongerScope } from "./component-set.js";
import { hashesFromIntegrity } from "./integrity.js";
import { spdxExpressionOf } from "./license-expression.js";
import { type Dict, dictAt, entriesOf, isDict, own, stringAt } from "./narrow.js";
import { parseJsonLockfile } from "./lockfile-text.js";
import { WarningList } from "./warnings.js";

export const npmReader: LockfileReader = {
  ecosystem: "npm",
  matches: (fileName) => fileName === "package-lock.json" || fileName === "npm-shrinkwrap.json",
  read: readNpmLockfile,
};

/** One installed folder of the lockfile. */
interface Folder {
  path: string;
  entry: Dict;
  component?: Component;
}

const EDGE_FIELDS = ["dependencies", "optionalDependencies", "peerDependencies"] as const;
/** Folders that are projects (root, workspaces, linked sources) also install their dev dependencies. */
const PROJECT_EDGE_FIELDS = [...EDGE_FIELDS, "devDependencies"] as const;
const MAX_LINK_HOPS = 16;
/**
 * Real trees nest a few dozen levels; a path deeper or longer than this is hostile (resolving
 * an edge walks the path, so unbounded paths would make the work quadratic) and is left out.
 */
const MAX_NESTING = 100;
const MAX_PATH_LENGTH = 8192;

export function readNpmLockfile(text: string, file: string, context?: ReaderContext): ReaderResult {
  const lock = parseJsonLockfile(text, file);
  if (!isDict(lock)) throw new LockfileError(file, "not an npm lockfile: the top level is not an object");
  const version = own(lock, "lockfileVersion");
  const packages = dictAt(lock, "packages");
  const warnings = new WarningList(file);
  let tree: Tree;
  if (packages !== undefined && version !== 1) {
    if (typeof version === "number" && version > 3) warnings.add(`lockfileVersion ${version} is newer than 3; read as version 3`);
    tree = treeFromPackages(packages, file);
  } else if (version === 1 || (version === undefined && isDict(own(lock, "dependencies")))) {
    tree = treeFromV1(lock, file, context);
  } else {
    throw new LockfileError(file, `not an npm lockfile: no "packages" object and lockfileVersion ${JSON.stringify(version) ?? "missing"}`);
  }
  return buildResult(tree, lock, file, warnings);
}

interface Tree {
  folders: Map<string, Folder>;
  /** Link folder path -> target folder path. */
  links: Map<string, string>;
  root: Dict;
  /** Paths of workspace (and other linked project) folders. */
  projects: string[];
  /** v1 without package.json: the root's dependencies are guessed from the tree. */
  guessRoot?: boolean;
  /** Folders left out for nesting deeper or paths longer than the limits. */
  tooDeep: number;
}

function treeFromPackages(packages: Dict, file: string): Tree {
  const folders = new Map<string, Folder>();
  const links = new Map<string, string>();
  const projects: string[] = [];
  let root: Dict = {};
  let tooDeep = 0;
  for (const [path, entry] of entriesOf(packages)) {
    if (!isDict(entry)) throw new LockfileError(file, `packages[${JSON.stringify(path.slice(0, 200))}] is not an object`);
    if (path === "") {
      root = entry;
      continue;
    }
    if (own(entry, "link") === true) {
      const target = stringAt(entry, "resolved");
      if (target !== undefined) links.set(path, normalizePath(target));
      continue;
    }
    if (path.length > MAX_PATH_LENGTH || nesting(path) > MAX_NESTING) {
      tooDeep++;
      continue;
    }
    folders.set(path, { path, entry });
    if (!isInstallPath(path)) projects.push(path);
  }
  return { folders, links, root, projects, tooDeep };
}

/** v1: the nested `dependencies` tree, flattened to v2-style folder paths with `requires` as edges. */
function treeFromV1(lock: Dict, file: string, context: ReaderContext | undefined): Tree {
  const folders = new Map<string, Folder>();
  const links = new Map<string, string>();
  const stack: Array<{ base: string; deps: Dict; depth: number }> = [];
  const top = dictAt(lock, "dependencies");
  if (top) stack.push({ base: "", deps: top, depth: 1 });
  let tooDeep = 0;
  while (stack.length > 0) {
    const { base, deps, depth } = stack.pop() as { base: string; deps: Dict; depth: number };
    for (const [name, entry] of entriesOf(deps)) {
      if (!isDict(entry)) throw new LockfileError(file, `dependencies[${JSON.stringify(name.slice(0, 200))}] is not an object`);
      const path = base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`;
      if (depth > MAX_NESTING || path.length > MAX_PATH_LENGTH) {
        tooDeep++;
        continue;
      }
      folders.set(path, { path, entry: v1Entry(name, entry) });
      const nested = dictAt(entry, "dependencies");
      if (nested) stack.push({ base: path, deps: nested, depth: depth + 1 });
    }
  }
  // v1 does not record the root's own dependencies: take them from package.json when it is beside.
  const root: Dict = { name: own(lock, "name"), version: own(lock, "version") };
  const manifest = readManifest(context);
  if (manifest) {
    for (const field of PROJECT_EDGE_FIELDS) root[field] = dictAt(manifest, field);
  }
  return { folders, links, root, projects: [], guessRoot: manifest === undefined, tooDeep };
}

/** A v1 entry in v2 terms: `requires` as dependencies, `npm:` aliases and URL versions split out. */
function v1Entry(folderName: string, entry: Dict): Dict {
  const out: Dict = {
    integrity: own(entry, "integrity"),
    resolved: own(entry, "resolved"),
    dev: own(entry, "dev"),
    optional: own(entry, "optional"),
    dependencies: dictAt(entry, "requires"),
  };
  const version = stringAt(entry, "version") ?? "";
  if (version.startsWith("npm:")) {
    const spec = version.slice(4);
    const at = spec.lastIndexOf("@");
    if (at > 0) {
      out.name = spec.slice(0, at);
      out.version = spec.slice(at + 1);
    }
  } else if (/^(?:git\+|git:|github:|https?:|file:|link:)/.test(version)) {
    out.name = folderName;
    out.resolved = version;
    const commit = /#([0-9a-f]{40})$/.exec(version)?.[1];
    out.version = commit ?? "";
  } else {
    out.version = version;
  }
  return out;
}

function readManifest(context: ReaderContext | undefined): Dict | undefined {
  const text = context?.sibling?.("package.json");
  if (text === undefined) return undefined;
  try {
    const manifest: unknown = JSON.parse(text);
    return isDict(manifest) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

function buildResult(tree: Tree, lock: Dict, file: string, warnings: WarningList): ReaderResult {
  if (tree.tooDeep > 0) warnings.add(`${tree.tooDeep} packages nested deeper than ${MAX_NESTING} levels or with paths over ${MAX_PATH_LENGTH} characters; left out`);
  const byPurl = new Map<string, Component>();
  for (const folder of tree.folders.values()) {
    const made = componentOf(folder, file, warnings);
    if (!made) continue;
    const kept = byPurl.get(made.purl);
    if (kept) {
      kept.scope = strongerScope(kept.scope, made.scope);
      addHashes(kept.hashes, made.hashes);
      kept.license ??= made.license;
      folder.component = kept;
    } else {
      byPurl.set(made.purl, made);
      folder.component = made;
    }
  }

  const resolver = new Resolver(tree);
  let unresolved = 0;
  for (const folder of tree.folders.values()) {
    const from = folder.component;
    if (!from) continue;
    const fields = isInstallPath(folder.path) ? EDGE_FIELDS : PROJECT_EDGE_FIELDS;
    for (const [field, name] of dependencyNames(folder.entry, fields)) {
      const target = resolver.resolve(folder.path, name)?.component;
      if (target) addEdge(from, target.purl);
      else if (field !== "peerDependencies" && field !== "optionalDependencies") unresolved++;
    }
  }

  const rootName = stringAt(tree.root, "name") ?? stringAt(lock, "name");
  const rootVersion = stringAt(tree.root, "version") ?? stringAt(lock, "version");
  const rootDeps = new Set<string>();
  for (const [, name] of dependencyNames(tree.root, PROJECT_EDGE_FIELDS)) {
    const target = resolver.resolve("", name)?.component;
    if (target) rootDeps.add(target.purl);
  }
  const workspaces = new Set([...tree.links].filter(([link]) => !link.includes("/node_modules/")).map(([, target]) => target));
  for (const project of tree.projects) {
    const component = tree.folders.get(project)?.component;
    if (component && workspaces.has(project)) rootDeps.add(component.purl);
  }
  if (tree.guessRoot) for (const purl of topLevelNotDependedOn(tree)) rootDeps.add(purl);
  if (unresolved > 0) warnings.add(`${unresolved} dependencies name a package that is not in the lockfile; run npm install to refresh it`);

  const root = rootName === undefined ? undefined : rootOf(rootName, rootVersion, [...rootDeps]);
  return { root, components: [...byPurl.values()], warnings: warnings.list() };
}

function rootOf(name: string, version: string | undefined, dependsOn: string[]): ReaderResult["root"] {
  const { namespace, name: bare } = splitNpmName(name);
  let purl: string | undefined;
  try {
    purl = bare === "" ? undefined : purlOf("npm", namespace, bare, version);
  } catch {
    purl = undefined;
  }
  return { name, version, purl, dependsOn };
}

function componentOf(folder: Folder, file: string, warnings: WarningList): Component | undefined {
  const { entry, path } = folder;
  const fullName = stringAt(entry, "name") ?? nameFromPath(path);
  const version = stringAt(entry, "version");
  if (fullName === "" || version === undefined) {
    warnings.add(`${path.slice(0, 200)} has no ${fullName === "" ? "name" : "version"}; left out`);
    return undefined;
  }
  const { namespace, name } = splitNpmName(fullName);
  let purl: string;
  try {
    purl = purlOf("npm", namespace, name, version);
  } catch {
    warnings.add(`${path.slice(0, 200)}: ${JSON.stringify(fullName.slice(0, 100))} is not a valid package name; left out`);
    return undefined;
  }
  const component: Component = {
    ecosystem: "npm",
    name,
    version,
    purl,
    hashes: hashesFromIntegrity(stringAt(entry, "integrity")),
    scope: scopeOf(entry),
    source: file,
    dependsOn: [],
  };
  if (namespace !== undefined) component.namespace = namespace;
  const license = licenseOf(entry);
  if (license !== undefined) component.license = license;
  const resolved = stringAt(entry, "resolved");
  if (resolved !== undefined && !isRegistryTarball(resolved)) component.resolved = resolved;
  else if (!isInstallPath(path)) component.resolved = `file:${path}`;
  if (!isInstallPath(path)) component.kind = "application";
  return component;
}

/**
 * `dev` only on the dev tree; `optional` only on optional branches; `devOptional` on a package that
 * is dev, or optional, but needed by the production tree only as optional: it ships when optional
 * dependencies install, so it is optional (cyclonedx-npm does the same).
 */
function scopeOf(entry: Dict): Scope {
  if (own(entry, "devOptional") === true) return "optional";
  if (own(entry, "dev") === true) return "dev";
  if (own(entry, "optional") === true) return "optional";
  return "required";
}

function licenseOf(entry: Dict): string | undefined {
  const license = own(entry, "license");
  if (typeof license === "string") return spdxExpressionOf(license.slice(0, 1000));
  const type = stringAt(license, "type");
  return type === undefined ? undefined : spdxExpressionOf(type.slice(0, 1000));
}

function* dependencyNames(entry: Dict, fields: readonly string[]): Generator<[string, string]> {
  for (const field of fields) {
    for (const [name] of entriesOf(own(entry, field))) yield [field, name];
  }
}

/** Finds the folder a dependency resolves to, as Node does: nearest `node_modules` walking up. */
class Resolver {
  constructor(private readonly tree: Tree) {}

  resolve(from: string, name: string): Folder | undefined {
    let base = from;
    for (;;) {
      const candidate = base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`;
      const found = this.folderAt(candidate);
      if (found) return found;
      if (base === "") return undefined;
      base = parentFolder(base);
    }
  }

  private folderAt(path: string): Folder | undefined {
    let current = path;
    for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
      const folder = this.tree.folders.get(current);
      if (folder) return folder;
      const target = this.tree.links.get(current);
      if (target === undefined) return undefined;
      current = target;
    }
    return undefined;
  }
}

/** `a/node_modules/b` -> `a`; `node_modules/b` -> ``; `packages/x` -> `packages`. */
function parentFolder(path: string): string {
  const nested = path.lastIndexOf("/node_modules/");
  if (nested >= 0) return path.slice(0, nested);
  if (path.startsWith("node_modules/")) return "";
  const slash = path.lastIndexOf("/");
  return slash >= 0 ? path.slice(0, slash) : "";
}

/** The package name a folder path installs: the part after the last `node_modules/`. */
function nameFromPath(path: string): string {
  const at = path.lastIndexOf("node_modules/");
  if (at >= 0) return path.slice(at + "node_modules/".length);
  const slash = path.lastIndexOf("/");
  return path.slice(slash + 1);
}

function nesting(path: string): number {
  let count = 0;
  for (let at = path.indexOf("node_modules/"); at !== -1; at = path.indexOf("node_modules/", at + 13)) count++;
  return count;
}

function isInstallPath(path: string): boolean {
  return path.startsWith("node_modules/") || path.includes("/node_modules/");
}

/** v1 without package.json: top-level packages nothing else depends on are the root's dependencies. */
function topLevelNotDependedOn(tree: Tree): string[] {
  const dependedOn = new Set<string>();
  for (const folder of tree.folders.values()) for (const purl of folder.component?.dependsOn ?? []) dependedOn.add(purl);
  const roots: string[] = [];
  for (const folder of tree.folders.values()) {
    const purl = folder.component?.purl;
    if (purl !== undefined && !folder.path.includes("/node_modules/") && !dependedOn.has(purl)) roots.push(purl);
  }
  return roots;
}

function normalizePath(target: string): string {
  return target.replace(/^file:/, "").replace(/\\/g, "/").replace(/\/+$/, "");
}

function isRegistryTarball(resolved: string): boolean {
  return /^https?:\/\/[^/]+\/.+\/-\/[^/]+\.tgz(?:#.*)?$/.test(resolved);
}
