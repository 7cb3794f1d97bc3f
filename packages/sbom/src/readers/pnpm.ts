/**
 * `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x.
 *
 * v9 splits a package's metadata (`packages`: resolution, engines) from its instances
 * (`snapshots`: one per set of resolved peers, with the edges); v6 and v5 hold both in `packages`,
 * keyed with a leading `/` (v5 as `/name/version`). `importers` are the workspace projects with
 * their direct dependencies by kind (a single-project v5/v6 lockfile has them at the top level).
 * Scopes come from the graph starting at the importers (v9 has no dev flags); a package the graph
 * does not reach keeps its v6 `dev`/`optional` flags.
 */
import { LockfileError } from "../errors.js";
import type { Component, LockfileReader, ReaderContext, ReaderResult, Scope } from "../model.js";
import { purlOf, splitNpmName } from "../purl.js";
import { addEdge, addHashes, strongerScope } from "./component-set.js";
import { scopesFromGraph } from "./graph-scope.js";
import { hashesFromIntegrity } from "./integrity.js";
import { isYamlMap, parseLockfileYaml, type YamlMap, type YamlValue, yamlMapAt, yamlString } from "./lockfile-yaml.js";
import { type Dict, isDict, stringAt } from "./narrow.js";
import { WarningList } from "./warnings.js";

export const pnpmReader: LockfileReader = {
  ecosystem: "npm",
  matches: (fileName) => fileName === "pnpm-lock.yaml",
  read: readPnpmLockfile,
};

type Dialect = 5 | 6 | 9;

/** One package instance (a v9 snapshot, a v6 package entry). */
interface Instance {
  key: string;
  line: number;
  deps: Array<[string, string, boolean]>;
  flags: { dev?: boolean; optional?: boolean };
  component?: Component;
}

interface Project {
  path: string;
  direct: { required: Array<[string, string]>; optional: Array<[string, string]>; dev: Array<[string, string]> };
  component?: Component;
}

const DEP_KINDS = [
  ["dependencies", "required"],
  ["optionalDependencies", "optional"],
  ["devDependencies", "dev"],
] as const;

export function readPnpmLockfile(text: string, file: string, context?: ReaderContext): ReaderResult {
  const doc = parseLockfileYaml(text, file);
  if (!isYamlMap(doc)) throw new LockfileError(file, "not a pnpm lockfile: the top level is not a mapping", 1);
  const dialect = dialectOf(doc.get("lockfileVersion"), file);
  const warnings = new WarningList(file);
  const packages = yamlMapAt(doc, "packages") ?? new Map<string, YamlValue>();
  const snapshots = dialect === 9 ? (yamlMapAt(doc, "snapshots") ?? new Map<string, YamlValue>()) : packages;

  // Components from package metadata, keyed by the package key without peer suffix.
  const byPurl = new Map<string, Component>();
  const byPackageKey = new Map<string, Component>();
  for (const [key, value] of packages) {
    if (!isYamlMap(value)) throw new LockfileError(file, `package ${JSON.stringify(key.slice(0, 200))} is not a mapping`);
    const made = componentOf(dialect, key, value, file, warnings);
    if (!made) continue;
    const kept = byPurl.get(made.purl);
    if (kept) addHashes(kept.hashes, made.hashes);
    else byPurl.set(made.purl, made);
    byPackageKey.set(stripPeers(dialect, key), kept ?? made);
  }

  // Instances with their edges.
  const instances = new Map<string, Instance>();
  for (const [key, value] of snapshots) {
    if (!isYamlMap(value)) throw new LockfileError(file, `snapshot ${JSON.stringify(key.slice(0, 200))} is not a mapping`);
    const instance: Instance = { key, line: value.line, deps: [], flags: {}, component: byPackageKey.get(stripPeers(dialect, key)) };
    for (const [field, optional] of [["dependencies", false], ["optionalDependencies", true]] as const) {
      for (const [name, ref] of yamlMapAt(value, field) ?? []) {
        if (typeof ref === "string") instance.deps.push([name, ref, optional]);
      }
    }
    const dev = value.get("dev");
    const optional = value.get("optional");
    if (typeof dev === "boolean") instance.flags.dev = dev;
    if (optional === true) instance.flags.optional = true;
    if (!instance.component) warnings.add(`line ${value.line}: ${JSON.stringify(key.slice(0, 200))} has no package entry; left out`);
    instances.set(dialect === 9 ? key : key.replace(/^\//, ""), instance);
  }
  const instanceOf = (name: string, ref: string): Instance | undefined => {
    const key = instanceKey(dialect, name, ref);
    return key === undefined ? undefined : instances.get(key.replace(/^\//, "")) ?? instances.get(key);
  };

  let unresolved = 0;
  const edgesOf = new Map<Instance, Array<readonly [Instance, boolean]>>();
  for (const instance of instances.values()) {
    const out: Array<readonly [Instance, boolean]> = [];
    for (const [name, ref, optional] of instance.deps) {
      const target = instanceOf(name, ref);
      if (!target) {
        if (!ref.startsWith("link:") && !optional) unresolved++;
        continue;
      }
      out.push([target, optional]);
      if (instance.component && target.component) addEdge(instance.component, target.component.purl);
    }
    edgesOf.set(instance, out);
  }
  if (unresolved > 0) warnings.add(`${unresolved} dependencies have no entry in the lockfile; run pnpm install to refresh it`);

  // Projects (importers) and the scopes they imply.
  const projects = projectsOf(doc);
  const roots = { required: [] as Instance[], optional: [] as Instance[], dev: [] as Instance[] };
  for (const project of projects) {
    if (project.path === ".") continue;
    const manifest = readJson(context?.sibling?.(`${project.path}/package.json`));
    const name = stringAt(manifest, "name");
    if (name !== undefined) project.component = projectComponent(name, stringAt(manifest, "version"), project.path, file);
    if (project.component) {
      const kept = byPurl.get(project.component.purl);
      if (kept) project.component = kept;
      else byPurl.set(project.component.purl, project.component);
    }
  }
  const projectByPath = new Map(projects.map((p) => [p.path, p]));
  const rootDeps = new Set<string>();
  for (const project of projects) {
    const isRoot = project.path === ".";
    const from = isRoot || !project.component ? undefined : project.component;
    for (const kind of ["required", "optional", "dev"] as const) {
      for (const [name, ref] of project.direct[kind]) {
        if (ref.startsWith("link:")) {
          const linked = projectByPath.get(joinPath(project.path, ref.slice(5)))?.component;
          if (linked && from) addEdge(from, linked.purl);
          else if (linked) rootDeps.add(linked.purl);
          continue;
        }
        const target = instanceOf(name, ref);
        if (!target) continue;
        roots[kind].push(target);
        if (!target.component) continue;
        if (from) addEdge(from, target.component.purl);
        else rootDeps.add(target.component.purl);
      }
    }
    if (!isRoot && project.component) rootDeps.add(project.component.purl);
  }

  const scopes = scopesFromGraph({ ...roots, edges: (node: Instance) => edgesOf.get(node) ?? [] });
  const componentScopes = new Map<Component, Scope>();
  for (const instance of instances.values()) {
    if (!instance.component) continue;
    const scope = scopes.get(instance) ?? flagScope(instance.flags);
    if (scope === undefined) continue;
    const before = componentScopes.get(instance.component);
    componentScopes.set(instance.component, before === undefined ? scope : strongerScope(before, scope));
  }
  for (const component of byPurl.values()) {
    if (component.kind !== "application") component.scope = componentScopes.get(component) ?? "required";
  }

  const manifest = readJson(context?.sibling?.("package.json"));
  const root = rootOf(manifest, [...rootDeps]);
  return { root, components: [...byPurl.values()], warnings: warnings.list() };
}

function dialectOf(version: YamlValue | undefined, file: string): Dialect {
  const text = typeof version === "string" ? version : "";
  const major = Number.parseInt(text, 10);
  if (major === 5) return 5;
  if (major === 6 || major === 7 || major === 8) return 6;
  if (major === 9) return 9;
  throw new LockfileError(file, `unsupported pnpm lockfileVersion ${JSON.stringify(version ?? null)}; versions 5, 6 and 9 are read`, 1);
}

function flagScope(flags: Instance["flags"]): Scope | undefined {
  if (flags.dev === true) return "dev";
  if (flags.optional === true) return "optional";
  if (flags.dev === false) return "required";
  return undefined;
}

/** The package key an edge points to, as pnpm's `refToRelative` computes it; undefined for links. */
function instanceKey(dialect: Dialect, name: string, ref: string): string | undefined {
  if (ref.startsWith("link:")) return undefined;
  if (dialect === 9) {
    if (ref.startsWith("@")) return ref;
    const at = ref.indexOf("@");
    if (at === -1) return `${name}@${ref}`;
    const colon = ref.indexOf(":");
    const paren = ref.indexOf("(");
    if ((colon === -1 || at < colon) && (paren === -1 || at < paren)) return ref;
    return `${name}@${ref}`;
  }
  if (ref.startsWith("/") || ref.startsWith("file:")) return ref;
  const beforePeers = ref.split("(")[0] ?? ref;
  if (beforePeers.includes("/")) return ref;
  return dialect === 5 ? `/${name}/${ref}` : `/${name}@${ref}`;
}

/** A package key without its peer suffix: `a@1.0.0(b@2.0.0)` -> `a@1.0.0`, v5 `/a/1.0.0_b@2.0.0` -> `/a/1.0.0`. */
function stripPeers(dialect: Dialect, key: string): string {
  const paren = key.indexOf("(");
  let bare = paren === -1 ? key : key.slice(0, paren);
  if (dialect === 5) {
    const slash = bare.lastIndexOf("/");
    const underscore = bare.indexOf("_", slash);
    if (underscore !== -1) bare = bare.slice(0, underscore);
  }
  return bare.replace(/^\//, "");
}

/** Name and version from a package key, for registry packages. */
function nameAndVersion(dialect: Dialect, key: string): { name: string; version: string } | undefined {
  const bare = stripPeers(dialect, key);
  if (dialect === 5) {
    const slash = bare.lastIndexOf("/");
    if (slash <= 0) return undefined;
    return { name: bare.slice(0, slash), version: bare.slice(slash + 1) };
  }
  const at = bare.indexOf("@", bare.startsWith("@") ? 1 : 0);
  if (at <= 0) return undefined;
  return { name: bare.slice(0, at), version: bare.slice(at + 1) };
}

function componentOf(dialect: Dialect, key: string, entry: YamlMap, file: string, warnings: WarningList): Component | undefined {
  const parsed = nameAndVersion(dialect, key);
  const name = yamlString(entry, "name") ?? parsed?.name;
  let version = yamlString(entry, "version") ?? parsed?.version;
  const resolution = yamlMapAt(entry, "resolution");
  const resolved = resolvedOf(resolution);
  if (version !== undefined && /^[a-z+]+:/.test(version)) version = undefined;
  if (name === undefined || version === undefined) {
    warnings.add(`line ${entry.line}: package ${JSON.stringify(key.slice(0, 200))} has no ${name === undefined ? "name" : "version"}; left out`);
    return undefined;
  }
  const { namespace, name: bare } = splitNpmName(name);
  let purl: string;
  try {
    purl = purlOf("npm", namespace, bare, version);
  } catch {
    warnings.add(`line ${entry.line}: ${JSON.stringify(name.slice(0, 100))} is not a valid package name; left out`);
    return undefined;
  }
  const component: Component = {
    ecosystem: "npm",
    name: bare,
    version,
    purl,
    hashes: hashesFromIntegrity(yamlString(resolution, "integrity")),
    scope: "required",
    source: file,
    dependsOn: [],
  };
  if (namespace !== undefined) component.namespace = namespace;
  if (resolved !== undefined) component.resolved = resolved;
  return component;
}

/** Where a non-registry package comes from: a tarball URL, a git repository at a commit, a directory. */
function resolvedOf(resolution: YamlMap | undefined): string | undefined {
  const tarball = yamlString(resolution, "tarball");
  if (tarball !== undefined && !/^https?:\/\/[^/]+\/.+\/-\/[^/]+\.tgz$/.test(tarball)) return tarball;
  const repo = yamlString(resolution, "repo");
  const commit = yamlString(resolution, "commit");
  if (repo !== undefined) return `git+${repo}${commit ? `#${commit}` : ""}`;
  const directory = yamlString(resolution, "directory");
  return directory === undefined ? undefined : `file:${directory}`;
}

/** Importers, or the top-level dependency maps of a single-project v5/v6 lockfile. */
function projectsOf(doc: YamlMap): Project[] {
  const importers = yamlMapAt(doc, "importers");
  const out: Project[] = [];
  if (importers) {
    for (const [path, value] of importers) if (isYamlMap(value)) out.push(projectOf(path, value));
  } else {
    out.push(projectOf(".", doc));
  }
  return out;
}

function projectOf(path: string, map: YamlMap): Project {
  const project: Project = { path: path === "" ? "." : path, direct: { required: [], optional: [], dev: [] } };
  for (const [field, kind] of DEP_KINDS) {
    for (const [name, value] of yamlMapAt(map, field) ?? []) {
      // v6/v9: {specifier, version}; v5: the version string itself.
      const ref = isYamlMap(value) ? yamlString(value, "version") : typeof value === "string" ? value : undefined;
      if (ref !== undefined) project.direct[kind].push([name, ref]);
    }
  }
  return project;
}

function projectComponent(fullName: string, version: string | undefined, path: string, file: string): Component | undefined {
  const { namespace, name } = splitNpmName(fullName);
  try {
    const component: Component = {
      ecosystem: "npm",
      name,
      version: version ?? "",
      purl: purlOf("npm", namespace, name, version),
      hashes: [],
      scope: "required",
      source: file,
      dependsOn: [],
      kind: "application",
      resolved: `file:${path}`,
    };
    if (namespace !== undefined) component.namespace = namespace;
    return component;
  } catch {
    return undefined;
  }
}

function rootOf(manifest: Dict | undefined, dependsOn: string[]): ReaderResult["root"] {
  const name = stringAt(manifest, "name");
  if (name === undefined) return { name: "", dependsOn };
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

function joinPath(base: string, relative: string): string {
  const parts = base === "." ? [] : base.split("/");
  for (const part of relative.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.length === 0 ? "." : parts.join("/");
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
