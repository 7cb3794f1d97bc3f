/**
 * Debian packages from the dpkg database: `/var/lib/dpkg/status` and, in distroless images,
 * one file per package in `/var/lib/dpkg/status.d/`. Only installed packages count
 * (`Status: … installed`; status.d entries carry no Status). Depends/Pre-Depends become edges
 * to the installed packages (or virtual packages they provide) that satisfy them.
 * https://www.debian.org/doc/debian-policy/ch-controlfields.html
 * purl: pkg:deb/<vendor>/<name>@<version>?arch=<arch>&distro=<id>-<version>&upstream=<source>
 */
import type { Component } from "../model.js";
import { purlOf } from "../purl.js";
import { distroQualifier, isFamily, type Distro } from "./os-release.js";

export interface DpkgPackage {
  name: string;
  version: string;
  architecture?: string;
  /** Source package name, when it differs from the binary package. */
  source?: string;
  /** Depends and Pre-Depends: each group is a list of alternatives (names). */
  depends: string[][];
  provides: string[];
  /** The file it was read from (root-relative). */
  file: string;
}

/** Installed packages of one status file (or status.d entry). */
export function parseDpkgStatus(text: string, file: string): DpkgPackage[] {
  const packages: DpkgPackage[] = [];
  for (const fields of paragraphs(text)) {
    const name = fields.get("package");
    const version = fields.get("version");
    if (!name || !version) continue;
    const status = fields.get("status");
    if (status !== undefined && status.split(/\s+/)[2] !== "installed") continue;
    const pkg: DpkgPackage = { name, version, depends: [], provides: [], file };
    const arch = fields.get("architecture");
    if (arch) pkg.architecture = arch;
    const source = fields.get("source")?.split(/\s+/)[0];
    if (source && source !== name) pkg.source = source;
    for (const key of ["pre-depends", "depends"]) pkg.depends.push(...relationGroups(fields.get(key)));
    pkg.provides = relationGroups(fields.get("provides")).flat();
    packages.push(pkg);
  }
  return packages;
}

/** Components for every installed package, with edges between them. */
export function dpkgComponents(packages: DpkgPackage[], distro: Distro | undefined): Component[] {
  const debian = isFamily(distro, "debian") ? distro : undefined;
  const vendor = debian?.id ?? "debian";
  const byName = new Map<string, Component>();
  const provided = new Map<string, Component>();
  const components = packages.map((pkg) => {
    const purl = purlOf("deb", vendor, pkg.name, pkg.version, {
      arch: pkg.architecture,
      distro: debian ? distroQualifier(debian) : undefined,
      upstream: pkg.source,
    });
    const component: Component = { ecosystem: "deb", namespace: vendor, name: pkg.name, version: pkg.version, purl, hashes: [], scope: "required", source: pkg.file, dependsOn: [] };
    byName.set(pkg.name, component);
    for (const virtual of pkg.provides) if (!provided.has(virtual)) provided.set(virtual, component);
    return component;
  });
  packages.forEach((pkg, i) => {
    const component = components[i];
    if (!component) return;
    const edges = new Set<string>();
    for (const group of pkg.depends) {
      const target = group.map((name) => byName.get(name) ?? provided.get(name)).find((c) => c !== undefined);
      if (target && target !== component) edges.add(target.purl);
    }
    component.dependsOn = [...edges].sort();
  });
  return components;
}

/** RFC 822-style paragraphs: lower-cased field names, continuation lines joined. */
function* paragraphs(text: string): Generator<Map<string, string>> {
  let fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") {
      if (fields.size > 0) yield fields;
      fields = new Map();
      last = undefined;
    } else if (/^[ \t]/.test(line)) {
      if (last !== undefined) fields.set(last, `${fields.get(last) ?? ""}\n${line.trim()}`);
    } else {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      fields.set(last, line.slice(colon + 1).trim());
    }
  }
  if (fields.size > 0) yield fields;
}

/** `libc6 (>= 2.36), libfoo:any | libbar [amd64]` → [["libc6"], ["libfoo", "libbar"]]. */
function relationGroups(value: string | undefined): string[][] {
  if (!value) return [];
  return value
    .split(",")
    .map((group) =>
      group
        .split("|")
        .map((alt) => alt.replace(/\(.*?\)|\[.*?\]|<.*?>/g, "").trim().split(":")[0] ?? "")
        .filter((name) => name !== ""),
    )
    .filter((group) => group.length > 0);
}
