/**
 * Alpine packages from the apk database `/lib/apk/db/installed`: one block of `K:value` lines
 * per package (P name, V version, A arch, L license, o origin, D depends, p provides).
 * Dependencies, including `so:` and `cmd:` provides, become edges to installed packages.
 * https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2
 * purl: pkg:apk/<vendor>/<name>@<version>?arch=<arch>&distro=<id>-<version>&upstream=<origin>
 */
import type { Component } from "../model.js";
import { purlOf } from "../purl.js";
import { spdxExpressionOf } from "../readers/license-expression.js";
import { distroQualifier, isFamily, type Distro } from "./os-release.js";

interface ApkPackage {
  name: string;
  version: string;
  arch?: string;
  license?: string;
  origin?: string;
  depends: string[];
  provides: string[];
}

/** Distributions whose packages are apk packages; others are treated as Alpine. */
const APK_DISTROS = ["alpine", "wolfi", "chainguard", "postmarketos"];

export function apkComponents(text: string, file: string, distro: Distro | undefined): Component[] {
  const packages = parseApkInstalled(text);
  const apkDistro = APK_DISTROS.some((family) => isFamily(distro, family)) ? distro : undefined;
  const vendor = apkDistro?.id ?? "alpine";
  const byName = new Map<string, Component>();
  const components = packages.map((pkg) => {
    const purl = purlOf("apk", vendor, pkg.name, pkg.version, {
      arch: pkg.arch,
      distro: apkDistro ? distroQualifier(apkDistro) : undefined,
      upstream: pkg.origin !== pkg.name ? pkg.origin : undefined,
    });
    const component: Component = { ecosystem: "apk", namespace: vendor, name: pkg.name, version: pkg.version, purl, hashes: [], scope: "required", source: file, dependsOn: [] };
    const license = apkLicense(pkg.license);
    if (license) component.license = license;
    byName.set(pkg.name, component);
    return component;
  });
  const provided = new Map<string, Component>();
  packages.forEach((pkg, i) => {
    const component = components[i];
    if (component) for (const p of pkg.provides) if (!provided.has(p)) provided.set(p, component);
  });
  packages.forEach((pkg, i) => {
    const component = components[i];
    if (!component) return;
    const edges = new Set<string>();
    for (const dep of pkg.depends) {
      const target = byName.get(dep) ?? provided.get(dep);
      if (target && target !== component) edges.add(target.purl);
    }
    component.dependsOn = [...edges].sort();
  });
  return components;
}

function parseApkInstalled(text: string): ApkPackage[] {
  const packages: ApkPackage[] = [];
  let current: Partial<ApkPackage> & { depends: string[]; provides: string[] } = { depends: [], provides: [] };
  const flush = (): void => {
    if (current.name && current.version) packages.push({ ...current, name: current.name, version: current.version });
    current = { depends: [], provides: [] };
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") {
      flush();
      continue;
    }
    const key = line.slice(0, 2);
    const value = line.slice(2).trim();
    if (key === "P:") current.name = value;
    else if (key === "V:") current.version = value;
    else if (key === "A:") current.arch = value;
    else if (key === "L:") current.license = value;
    else if (key === "o:") current.origin = value;
    else if (key === "D:") current.depends = names(value);
    else if (key === "p:") current.provides = names(value);
  }
  flush();
  return packages;
}

/** `so:libc.musl-x86_64.so.1 busybox>=1.36 !foo` → names without constraints, conflicts dropped. */
function names(value: string): string[] {
  return value
    .split(/\s+/)
    .filter((token) => token !== "" && !token.startsWith("!"))
    .map((token) => token.split(/[<>=~]/)[0] ?? "")
    .filter((name) => name !== "");
}

/** apk licenses are SPDX ids, sometimes several space-separated ids meaning all apply. */
function apkLicense(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const tokens = value.trim().split(/\s+/);
  if (tokens.length > 1 && !/[()]/.test(value) && !tokens.some((t) => /^(and|or|with)$/i.test(t))) {
    return spdxExpressionOf(tokens.join(" AND "));
  }
  return spdxExpressionOf(value);
}
