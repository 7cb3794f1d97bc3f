/**
 * NuGet `packages.lock.json` (versions 1 and 2): the packages of every target framework (and
 * runtime), one component per id and resolved version, `contentHash` (base64 SHA-512) as hex,
 * `dependencies` edges resolved within the same target. `Project` entries (other projects of the
 * solution) have no version and are not components. NuGet records no dev scope.
 */
import { LockfileError } from "../errors.js";
import type { Component, LockfileReader, ReaderResult } from "../model.js";
import { purlOf } from "../purl.js";
import { addEdge, ComponentSet } from "./component-set.js";
import { hashOfBase64 } from "./digests.js";
import { parseJsonLockfile } from "./lockfile-text.js";
import { dictAt, entriesOf, isDict, own, stringAt } from "./narrow.js";

const PACKAGE_TYPES = new Set(["Direct", "Transitive", "CentralTransitive"]);

export const nugetReader: LockfileReader = {
  ecosystem: "nuget",
  matches: (fileName) => fileName === "packages.lock.json",
  read(text: string, file: string): ReaderResult {
    const doc = parseJsonLockfile(text, file);
    const targets = dictAt(doc, "dependencies");
    if (!isDict(doc) || typeof own(doc, "version") !== "number" || !targets) {
      throw new LockfileError(file, "no `version` and `dependencies`: not a NuGet packages.lock.json", 1);
    }
    const warnings: string[] = [];
    const components = new ComponentSet();
    for (const [target, packages] of entriesOf(targets)) {
      const inTarget = new Map<string, Component>();
      const edges: Array<[Component, unknown]> = [];
      for (const [id, entry] of entriesOf(packages)) {
        const type = stringAt(entry, "type");
        if (type === "Project") continue;
        const version = stringAt(entry, "resolved");
        if (!type || !PACKAGE_TYPES.has(type) || !version) {
          warnings.push(`${file}: ${target.slice(0, 60)}/${id.slice(0, 100)}: no resolved version; left out`);
          continue;
        }
        const hash = hashOfBase64("SHA-512", stringAt(entry, "contentHash") ?? "");
        const kept = components.add({
          ecosystem: "nuget",
          name: id,
          version,
          purl: purlOf("nuget", undefined, id, version),
          hashes: hash ? [hash] : [],
          scope: "required",
          source: file,
          dependsOn: [],
        });
        inTarget.set(id.toLowerCase(), kept);
        edges.push([kept, own(entry, "dependencies")]);
      }
      for (const [from, deps] of edges) {
        for (const [dep] of entriesOf(deps)) {
          const to = inTarget.get(dep.toLowerCase());
          if (to) addEdge(from, to.purl);
        }
      }
    }
    return { components: components.list(), warnings };
  },
};
