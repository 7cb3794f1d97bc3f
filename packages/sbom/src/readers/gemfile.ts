/**
 * `Gemfile.lock` (and `gems.locked`): the specs of every GEM, GIT, PATH and PLUGIN SOURCE section
 * with their indentation-based edges, platform variants as the purl's `platform` qualifier,
 * CHECKSUMS (Bundler 2.5+) as hashes, git revisions / paths / private gem servers as `resolved`.
 * A PATH source at `.` is the project itself (the root). Scopes come from the groups of the
 * Gemfile beside it when there is one; otherwise every gem is required.
 */
import { LockfileError } from "../errors.js";
import type { Component, Hash, LockfileReader, ReaderContext, ReaderResult } from "../model.js";
import { purlOf } from "../purl.js";
import { addEdge, ComponentSet, MAX_NAME_CANDIDATES, pushTo } from "./component-set.js";
import { hashOfPrefixed } from "./digests.js";
import { readGemfileGroups } from "./gemfile-groups.js";
import { linesOf } from "./lockfile-text.js";
import { scopesByReach } from "./scope-walk.js";

const SOURCE_SECTIONS = new Set(["GEM", "GIT", "PATH", "PLUGIN SOURCE"]);
const OTHER_SECTIONS = new Set(["PLATFORMS", "DEPENDENCIES", "CHECKSUMS", "RUBY VERSION", "BUNDLED WITH"]);
const RUBYGEMS = /^https?:\/\/rubygems\.org\/?$/;
/** `name (version)` or `name (requirements)` at a fixed indentation (Bundler's NAME_VERSION). */
const NAME_VERSION = /^(\S+?)(?: \(([^)]*)\))?$/;

interface Source {
  type: string;
  remote?: string;
  revision?: string;
}

interface Spec {
  name: string;
  version: string;
  platform?: string;
  source: Source;
  deps: string[];
  component: Component;
}

interface Lock {
  specs: Spec[];
  dependencies: string[];
  checksums: Map<string, Hash[]>;
  sawSources: boolean;
}

export const gemfileReader: LockfileReader = {
  ecosystem: "gem",
  matches: (fileName) => fileName === "Gemfile.lock" || fileName === "gems.locked",
  read(text: string, file: string, context?: ReaderContext): ReaderResult {
    const warnings: string[] = [];
    const lock = parseLock(text, file, warnings);
    const byName = new Map<string, Spec[]>();
    for (const spec of lock.specs) {
      spec.component.hashes = lock.checksums.get(checksumKey(spec)) ?? [];
      pushTo(byName, spec.name, spec);
    }
    const specsNamed = (name: string): Spec[] => {
      const specs = byName.get(name) ?? [];
      return specs.length > MAX_NAME_CANDIDATES ? [] : specs;
    };
    for (const spec of lock.specs) {
      for (const dep of spec.deps) for (const target of specsNamed(dep)) addEdge(spec.component, target.component.purl);
    }

    const rootSpec = lock.specs.find((s) => s.source.type === "PATH" && (s.source.remote === "." || s.source.remote === "./"));
    const direct = lock.dependencies.filter((name) => name !== rootSpec?.name);
    applyGemfileScopes(lock.specs, direct, rootSpec, specsNamed, gemfileBeside(context, file, warnings));

    const components = new ComponentSet();
    for (const spec of lock.specs) if (spec !== rootSpec) components.add(spec.component);
    let root: ReaderResult["root"];
    if (rootSpec) {
      const dependsOn = new Set(rootSpec.component.dependsOn);
      for (const name of direct) for (const target of specsNamed(name)) dependsOn.add(target.component.purl);
      root = { name: rootSpec.name, version: rootSpec.version, purl: rootSpec.component.purl, dependsOn: [...dependsOn] };
    }
    return { ...(root ? { root } : {}), components: components.list(), warnings };
  },
};

function parseLock(text: string, file: string, warnings: string[]): Lock {
  const lock: Lock = { specs: [], dependencies: [], checksums: new Map(), sawSources: false };
  let section: string | undefined;
  let source: Source | undefined;
  let spec: Spec | undefined;
  let sawDependencies = false;
  let lastLine = 0;
  for (const { text: line, line: n } of linesOf(text)) {
    lastLine = n;
    if (line.trim() === "") continue;
    if (/^(?:<{7}|={7}|>{7})/.test(line)) throw new LockfileError(file, "merge conflict markers", n);
    if (line.includes("\t")) throw new LockfileError(file, "tab in indentation; Gemfile.lock is indented with spaces", n);
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      section = line.trim();
      spec = undefined;
      source = undefined;
      if (SOURCE_SECTIONS.has(section)) {
        source = { type: section };
        lock.sawSources = true;
      } else if (section === "DEPENDENCIES") {
        sawDependencies = true;
      } else if (!OTHER_SECTIONS.has(section)) {
        warnings.push(`${file}:${n}: unknown section ${section.slice(0, 40)} skipped`);
      }
      continue;
    }
    if (section === undefined) throw new LockfileError(file, "indented line before any section", n);
    const body = line.trim();
    if (source) {
      spec = sourceLine(lock, source, spec, indent, body, file, n);
    } else if (section === "DEPENDENCIES") {
      if (indent !== 2) throw new LockfileError(file, `expected a dependency indented by 2 spaces`, n);
      // `name`, `name (requirements)`, with `!` after either when pinned to a GIT/PATH source.
      const name = NAME_VERSION.exec(body.replace(/!$/, ""))?.[1];
      if (!name) throw new LockfileError(file, `"${body.slice(0, 60)}" is not a dependency`, n);
      lock.dependencies.push(name.replace(/!$/, ""));
    } else if (section === "CHECKSUMS") {
      checksumLine(lock, indent, body, file, n);
    }
  }
  if (lock.sawSources && !sawDependencies) {
    throw new LockfileError(file, "no DEPENDENCIES section (Bundler always writes one): the file is truncated", lastLine);
  }
  return lock;
}

/** A line inside GEM/GIT/PATH: `remote:`-style options at 2, specs at 4, their dependencies at 6. */
function sourceLine(lock: Lock, source: Source, spec: Spec | undefined, indent: number, body: string, file: string, n: number): Spec | undefined {
  if (indent === 2) {
    const option = /^([a-z_]+):(?: (.*))?$/.exec(body);
    if (!option?.[1]) throw new LockfileError(file, `"${body.slice(0, 60)}" is not a source option`, n);
    if (option[1] === "remote" && option[2] !== undefined) source.remote ??= option[2];
    if (option[1] === "revision" && option[2] !== undefined) source.revision = option[2];
    return undefined;
  }
  const match = NAME_VERSION.exec(body);
  if (indent === 4) {
    if (!match?.[1] || match[2] === undefined) throw new LockfileError(file, `"${body.slice(0, 60)}" is not a spec (name (version))`, n);
    const created = specOf(match[1], match[2], source, file);
    lock.specs.push(created);
    return created;
  }
  if (indent === 6) {
    if (!spec) throw new LockfileError(file, "dependency line outside a spec", n);
    if (!match?.[1]) throw new LockfileError(file, `"${body.slice(0, 60)}" is not a dependency`, n);
    spec.deps.push(match[1]);
    return spec;
  }
  throw new LockfileError(file, `unexpected indentation of ${indent} spaces`, n);
}

function specOf(name: string, versionText: string, source: Source, file: string): Spec {
  const dash = versionText.indexOf("-");
  const version = dash === -1 ? versionText : versionText.slice(0, dash);
  const platform = dash === -1 ? undefined : versionText.slice(dash + 1);
  const resolved = resolvedOf(source);
  const component: Component = {
    ecosystem: "gem",
    name,
    version,
    purl: purlOf("gem", undefined, name, version, { platform }),
    hashes: [],
    scope: "required",
    source: file,
    ...(resolved ? { resolved } : {}),
    dependsOn: [],
  };
  return { name, version, ...(platform ? { platform } : {}), source, deps: [], component };
}

/** `  name (version[-platform]) sha256=hex[,sha512=hex]`; a gem without checksum has none. */
function checksumLine(lock: Lock, indent: number, body: string, file: string, n: number): void {
  const match = /^(\S+) \(([^)]+)\)(?: (\S+))?$/.exec(body);
  if (indent !== 2 || !match?.[1] || !match[2]) throw new LockfileError(file, `"${body.slice(0, 60)}" is not a checksum entry`, n);
  const hashes = (match[3] ?? "")
    .split(",")
    .map((h) => hashOfPrefixed(h))
    .filter((h): h is Hash => h !== undefined);
  if (hashes.length > 0) lock.checksums.set(`${match[1]} ${match[2]}`, hashes);
}

function checksumKey(spec: Spec): string {
  return `${spec.name} ${spec.version}${spec.platform ? `-${spec.platform}` : ""}`;
}

function resolvedOf(source: Source): string | undefined {
  if (!source.remote) return undefined;
  if (source.type === "GIT") return `git+${source.remote}${source.revision ? `@${source.revision}` : ""}`;
  if (source.type === "GEM" && RUBYGEMS.test(source.remote)) return undefined;
  return source.remote;
}

function gemfileBeside(context: ReaderContext | undefined, file: string, warnings: string[]): ReturnType<typeof readGemfileGroups> | undefined {
  const name = file.endsWith("gems.locked") ? "gems.rb" : "Gemfile";
  try {
    const text = context?.sibling?.(name);
    return text === undefined ? undefined : readGemfileGroups(text);
  } catch (cause) {
    warnings.push(`${name} beside the lockfile cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`);
    return undefined;
  }
}

/**
 * Dev scope for gems reachable only from development groups. A gem the lock lists as a direct
 * dependency but the Gemfile does not declare comes from the gemspec: a runtime dependency of the
 * project when its spec says so, a development dependency otherwise.
 */
function applyGemfileScopes(
  specs: Spec[],
  direct: string[],
  rootSpec: Spec | undefined,
  specsNamed: (name: string) => Spec[],
  groups: ReturnType<typeof readGemfileGroups> | undefined,
): void {
  if (!groups) return;
  const runtimeOfRoot = new Set(rootSpec?.deps ?? []);
  const devNames = new Set(direct.filter((name) => groups.dev.has(name) || (groups.gemspec && rootSpec && !groups.declared.has(name) && !runtimeOfRoot.has(name))));
  const requiredNames = [...direct.filter((name) => !devNames.has(name)), ...runtimeOfRoot];
  const scopes = scopesByReach((spec: Spec) => spec.deps.flatMap(specsNamed), {
    required: requiredNames.flatMap(specsNamed),
    dev: [...devNames].flatMap(specsNamed),
  });
  for (const spec of specs) spec.component.scope = scopes.get(spec) ?? "required";
}
