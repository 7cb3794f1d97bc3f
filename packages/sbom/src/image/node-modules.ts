/**
 * npm packages installed in an image: every `node_modules/<name>/package.json` (scoped too,
 * pnpm's `.pnpm/*` stores included), with its license. `dependencies`, `optionalDependencies`
 * and `peerDependencies` become edges to the copy Node's resolution would load: the nearest
 * `node_modules/<dep>` walking up from the package's directory.
 * purl: pkg:npm/<scope>/<name>@<version>
 */
import type { Component } from "../model.js";
import { purlOf, splitNpmName } from "../purl.js";
import { spdxDisjunction, spdxExpressionOf } from "../readers/license-expression.js";
import { isDict, own, stringAt, type Dict } from "../readers/narrow.js";
import { parentOf } from "./entry-path.js";

export interface InstalledPackage {
  component: Component;
  /** Root-relative path of its package.json. */
  file: string;
  dependencies: string[];
}

/** One package.json; undefined (with a reason) when it does not name a package and version. */
export function readNodePackage(text: string, file: string): InstalledPackage | { skipped: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { skipped: `/${file}: not valid JSON; skipped` };
  }
  const fullName = stringAt(json, "name");
  const version = stringAt(json, "version");
  if (!isDict(json) || !fullName || !version) return { skipped: `/${file}: no name and version; skipped` };
  const { namespace, name } = splitNpmName(fullName);
  const purl = purlOf("npm", namespace, name, version);
  const component: Component = { ecosystem: "npm", name, version, purl, hashes: [], scope: "required", source: file, dependsOn: [] };
  if (namespace) component.namespace = namespace;
  const license = npmLicense(json);
  if (license) component.license = license;
  const dependencies = ["dependencies", "optionalDependencies", "peerDependencies"].flatMap((key) => {
    const deps = own(json, key);
    return isDict(deps) ? Object.keys(deps) : [];
  });
  return { component, file, dependencies: [...new Set(dependencies)] };
}

/** Edges from each package to the installed copy of each dependency Node would resolve. */
export function linkNodePackages(packages: InstalledPackage[]): void {
  const byFile = new Map(packages.map((p) => [p.file, p]));
  for (const pkg of packages) {
    const dir = parentOf(pkg.file);
    const edges = new Set(pkg.component.dependsOn);
    for (const dep of pkg.dependencies) {
      const target = resolveFrom(dir, dep, byFile);
      if (target && target.component.purl !== pkg.component.purl) edges.add(target.component.purl);
    }
    pkg.component.dependsOn = [...edges].sort();
  }
}

function resolveFrom(dir: string, name: string, byFile: Map<string, InstalledPackage>): InstalledPackage | undefined {
  for (let d = dir; ; d = parentOf(d)) {
    if (!d.endsWith("/node_modules") && d !== "node_modules") {
      const found = byFile.get(d === "" ? `node_modules/${name}/package.json` : `${d}/node_modules/${name}/package.json`);
      if (found) return found;
    }
    if (d === "") return undefined;
  }
}

/** `license: "MIT"`, `license: {type}`, or the old `licenses: [{type}]` (alternatives). */
function npmLicense(json: Dict): string | undefined {
  const license = own(json, "license");
  if (typeof license === "string") return spdxExpressionOf(license);
  const type = stringAt(license, "type");
  if (type !== undefined) return spdxExpressionOf(type);
  const licenses = own(json, "licenses");
  if (Array.isArray(licenses)) {
    const types = licenses.map((l: unknown) => (typeof l === "string" ? l : stringAt(l, "type"))).filter((t): t is string => t !== undefined);
    return spdxDisjunction(types);
  }
  return undefined;
}
