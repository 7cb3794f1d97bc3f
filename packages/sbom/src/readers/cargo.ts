/**
 * `Cargo.lock` (v1 to v4): every `[[package]]` with its `checksum` (inline, or v1's `[metadata]`
 * table) as SHA-256, `dependencies` edges resolved from `name`, `name version` or
 * `name version (source)`, git and alternate-registry sources as `resolved`. Packages without a
 * source are the workspace's own crates: the one nothing depends on (or the `[package]` of the
 * `Cargo.toml` beside it) is the root; several such crates get a workspace root over them.
 */
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { LockfileError } from "../errors.js";
import type { Component, LockfileReader, ReaderContext, ReaderResult } from "../model.js";
import { purlOf } from "../purl.js";
import { addEdge, ComponentSet, MAX_NAME_CANDIDATES, pushTo } from "./component-set.js";
import { hashOfHex } from "./digests.js";
import { lineOfHeader, parseTomlLockfile } from "./lockfile-text.js";
import { arrayAt, dictAt, isDict, own, stringAt, type Dict } from "./narrow.js";

const CRATES_IO = /^(?:registry\+https:\/\/github\.com\/rust-lang\/crates\.io-index|sparse\+https:\/\/index\.crates\.io\/?)$/;

interface Crate {
  raw: Dict;
  name: string;
  version: string;
  source?: string;
  component: Component;
}

export const cargoReader: LockfileReader = {
  ecosystem: "cargo",
  matches: (fileName) => fileName === "Cargo.lock",
  read(text: string, file: string, context?: ReaderContext): ReaderResult {
    const doc = parseTomlLockfile(text, file);
    const warnings: string[] = [];
    const lockVersion = own(doc, "version");
    if (lockVersion !== undefined && (typeof lockVersion !== "number" || lockVersion > 4)) {
      warnings.push(`${file}: Cargo.lock version ${String(lockVersion).slice(0, 20)} is newer than this reader knows (4); read as version 4`);
    }
    const legacyChecksums = dictAt(doc, "metadata");

    const crates: Crate[] = [];
    const index: CrateIndex = { byName: new Map(), byNameVersion: new Map() };
    arrayAt(doc, "package").forEach((raw, position) => {
      const name = stringAt(raw, "name");
      const version = stringAt(raw, "version");
      if (!isDict(raw) || !name || !version) throw new LockfileError(file, `package #${position + 1} has no name or version`, lineOfHeader(text, "[[package]]", position));
      const source = stringAt(raw, "source");
      const checksum = stringAt(raw, "checksum") ?? stringAt(legacyChecksums, `checksum ${name} ${version} (${source ?? ""})`);
      const hash = checksum ? hashOfHex("SHA-256", checksum) : undefined;
      const resolved = source ? resolvedOf(source) : undefined;
      const component: Component = {
        ecosystem: "cargo",
        name,
        version,
        purl: purlOf("cargo", undefined, name, version),
        hashes: hash ? [hash] : [],
        scope: "required",
        source: file,
        ...(resolved ? { resolved } : {}),
        dependsOn: [],
      };
      const crate: Crate = { raw, name, version, ...(source ? { source } : {}), component };
      crates.push(crate);
      pushTo(index.byName, name, crate);
      pushTo(index.byNameVersion, `${name} ${version}`, crate);
    });

    const dependedOn = new Set<Crate>();
    for (const crate of crates) {
      for (const dep of arrayAt(crate.raw, "dependencies")) {
        const target = typeof dep === "string" ? resolveDependency(dep, index) : undefined;
        if (!target) {
          warnings.push(`${file}: ${crate.name} ${crate.version} depends on ${String(dep).slice(0, 100)}, which the lockfile does not hold`);
          continue;
        }
        dependedOn.add(target);
        addEdge(crate.component, target.component.purl);
      }
    }

    const local = crates.filter((c) => c.source === undefined);
    const manifestName = manifestPackageName(context, warnings);
    const tops = local.filter((c) => !dependedOn.has(c));
    const rootCrate = (manifestName ? local.find((c) => c.name === manifestName) : undefined) ?? (tops.length === 1 ? tops[0] : undefined);

    const topSet = new Set(tops);
    const components = new ComponentSet();
    for (const crate of crates) {
      if (crate === rootCrate) continue;
      if (!rootCrate && topSet.has(crate)) crate.component.kind = "application";
      components.add(crate.component);
    }
    let root: ReaderResult["root"];
    if (rootCrate) {
      root = { name: rootCrate.name, version: rootCrate.version, purl: rootCrate.component.purl, dependsOn: rootCrate.component.dependsOn };
    } else if (tops.length > 1) {
      root = { name: workspaceName(file), dependsOn: tops.map((c) => c.component.purl) };
    }
    return { ...(root ? { root } : {}), components: components.list(), warnings };
  },
};

/** `name`, `name version` or `name version (source)` to the one package it means. */
function resolveDependency(dep: string, index: CrateIndex): Crate | undefined {
  const match = /^(\S+)(?: (\S+))?(?: \((.+)\))?$/.exec(dep.trim());
  if (!match?.[1]) return undefined;
  let candidates = (match[2] === undefined ? index.byName.get(match[1]) : index.byNameVersion.get(`${match[1]} ${match[2]}`)) ?? [];
  if (candidates.length > MAX_NAME_CANDIDATES) return undefined;
  if (match[3] !== undefined) candidates = candidates.filter((c) => c.source === match[3]);
  else if (candidates.length > 1) candidates = candidates.filter((c) => c.source === undefined);
  return candidates.length === 1 ? candidates[0] : undefined;
}

interface CrateIndex {
  byName: Map<string, Crate[]>;
  byNameVersion: Map<string, Crate[]>;
}

/** Where a crate came from when not crates.io: a git repository at its commit, another registry. */
function resolvedOf(source: string): string | undefined {
  if (CRATES_IO.test(source)) return undefined;
  if (source.startsWith("git+")) {
    const [base = source, commit] = source.split("#", 2);
    return `${base.split("?")[0] ?? base}${commit ? `@${commit}` : ""}`;
  }
  return source.replace(/^(?:registry|sparse)\+/, "");
}

function manifestPackageName(context: ReaderContext | undefined, warnings: string[]): string | undefined {
  let text: string | undefined;
  try {
    text = context?.sibling?.("Cargo.toml");
  } catch (cause) {
    warnings.push(`Cargo.toml beside the lockfile cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`);
    return undefined;
  }
  if (text === undefined) return undefined;
  try {
    return stringAt(dictAt(parseToml(text, { maxDepth: 32 }), "package"), "name");
  } catch {
    warnings.push("Cargo.toml beside the lockfile is not valid TOML; the root is found from the lockfile alone");
    return undefined;
  }
}

function workspaceName(file: string): string {
  const dir = path.posix.basename(path.posix.dirname(file.replace(/\\/g, "/")));
  return dir === "" || dir === "." || dir === ".." ? "workspace" : dir;
}

