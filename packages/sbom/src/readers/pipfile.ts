/**
 * `Pipfile.lock`: the `default` (required) and `develop` (dev) sections with their hashes, a
 * private index named in `_meta.sources`, and git / path / file entries as `resolved`. A package
 * in both sections is required. The format records no dependency edges.
 */
import { LockfileError } from "../errors.js";
import type { Component, Hash, LockfileReader, ReaderResult, Scope } from "../model.js";
import { addHashes, ComponentSet } from "./component-set.js";
import { hashOfPrefixed } from "./digests.js";
import { parseJsonLockfile } from "./lockfile-text.js";
import { arrayAt, dictAt, entriesOf, isDict, own, stringAt, type Dict } from "./narrow.js";
import { isPythonName, pypiPurl } from "./python-names.js";

const PYPI = /^https:\/\/pypi\.(?:org|python\.org)\/simple\/?$/;

export const pipfileReader: LockfileReader = {
  ecosystem: "pypi",
  matches: (fileName) => fileName === "Pipfile.lock",
  read(text: string, file: string): ReaderResult {
    const doc = parseJsonLockfile(text, file);
    if (!isDict(doc) || (!isDict(own(doc, "default")) && !isDict(own(doc, "develop")))) {
      throw new LockfileError(file, "no `default` or `develop` section: not a Pipfile.lock", 1);
    }
    const indexes = new Map<string, string>();
    for (const source of arrayAt(dictAt(doc, "_meta"), "sources")) {
      const name = stringAt(source, "name");
      const url = stringAt(source, "url");
      if (name && url) indexes.set(name, url);
    }
    const warnings: string[] = [];
    const components = new ComponentSet();
    for (const [section, scope] of [["default", "required"], ["develop", "dev"]] as const) {
      for (const [name, entry] of entriesOf(dictAt(doc, section))) {
        const component = componentOf(name, entry, scope, file, indexes);
        if (typeof component === "string") warnings.push(`${file}: ${section}.${name.slice(0, 100)}: ${component}; left out`);
        else components.add(component);
      }
    }
    return { components: components.list(), warnings };
  },
};

function componentOf(name: string, entry: unknown, scope: Scope, file: string, indexes: Map<string, string>): Component | string {
  if (!isPythonName(name)) return "not a valid package name";
  if (!isDict(entry)) return "entry is not an object";
  const pinned = stringAt(entry, "version");
  const version = pinned?.startsWith("==") ? pinned.replace(/^===?/, "") : undefined;
  const resolved = resolvedOf(entry, indexes);
  if (pinned !== undefined && version === undefined) return `version ${pinned.slice(0, 40)} is not pinned with ==`;
  if (version === undefined && resolved === undefined) return "no version and no source";
  const hashes: Hash[] = [];
  addHashes(hashes, arrayAt(entry, "hashes").map((h) => (typeof h === "string" ? hashOfPrefixed(h) : undefined)).filter((h): h is Hash => h !== undefined));
  return {
    ecosystem: "pypi",
    name,
    version: version ?? "",
    purl: pypiPurl(name, version ?? ""),
    hashes,
    scope,
    source: file,
    ...(resolved ? { resolved } : {}),
    dependsOn: [],
  };
}

function resolvedOf(entry: Dict, indexes: Map<string, string>): string | undefined {
  const git = stringAt(entry, "git");
  if (git) {
    const ref = stringAt(entry, "ref");
    return `${git.startsWith("git+") ? "" : "git+"}${git}${ref ? `@${ref}` : ""}`;
  }
  const local = stringAt(entry, "path") ?? stringAt(entry, "file");
  if (local) return local;
  const index = stringAt(entry, "index");
  const url = index ? indexes.get(index) : undefined;
  return url && !PYPI.test(url) ? url : undefined;
}
