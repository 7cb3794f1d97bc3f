/**
 * Python distributions installed in an image: `*.dist-info/METADATA` (and legacy
 * `*.egg-info/PKG-INFO`), the core metadata's email-header fields. The license is
 * `License-Expression` (metadata 2.4), else a one-line `License` field; license texts pasted
 * into `License` are not licenses and are left out. `Requires-Dist` (without an `extra`
 * marker) becomes edges to distributions installed beside it.
 * https://packaging.python.org/en/latest/specifications/core-metadata/
 * purl: pkg:pypi/<normalized-name>@<version>
 */
import type { Component } from "../model.js";
import { spdxExpressionOf } from "../readers/license-expression.js";
import { normalizePythonName, pypiPurl } from "../readers/python-names.js";
import { parentOf } from "./entry-path.js";

export interface InstalledDistribution {
  component: Component;
  /** Directory holding the `.dist-info` (site-packages). */
  siteDir: string;
  requires: string[];
}

export function readPythonMetadata(text: string, file: string): InstalledDistribution | { skipped: string } {
  const headers = parseHeaders(text);
  const name = headers.get("name")?.[0];
  const version = headers.get("version")?.[0];
  if (!name || !version) return { skipped: `/${file}: no Name and Version; skipped` };
  const component: Component = { ecosystem: "pypi", name: normalizePythonName(name), version, purl: pypiPurl(name, version), hashes: [], scope: "required", source: file, dependsOn: [] };
  const license = pythonLicense(headers);
  if (license) component.license = license;
  const requires = (headers.get("requires-dist") ?? [])
    .filter((req) => !/;\s*.*\bextra\s*==/.test(req))
    .map((req) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(req)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(normalizePythonName);
  return { component, siteDir: parentOf(parentOf(file)), requires };
}

/** Edges to distributions installed in the same directory. */
export function linkPythonDistributions(distributions: InstalledDistribution[]): void {
  const bySite = new Map<string, Component>();
  for (const d of distributions) bySite.set(`${d.siteDir}\n${d.component.name}`, d.component);
  for (const d of distributions) {
    const edges = new Set(d.component.dependsOn);
    for (const req of d.requires) {
      const target = bySite.get(`${d.siteDir}\n${req}`);
      if (target && target.purl !== d.component.purl) edges.add(target.purl);
    }
    d.component.dependsOn = [...edges].sort();
  }
}

function pythonLicense(headers: Map<string, string[]>): string | undefined {
  const expression = headers.get("license-expression")?.[0];
  if (expression) return spdxExpressionOf(expression);
  const license = headers.get("license")?.[0]?.trim();
  if (!license || license.includes("\n") || license.length > 100 || /^unknown$/i.test(license)) return undefined;
  return spdxExpressionOf(license);
}

/** Header fields (lower-cased names, repeated fields kept in order) up to the first blank line. */
function parseHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    if (/^[ \t]/.test(line)) {
      if (last && last.length > 0) last[last.length - 1] += `\n${line.trim().replace(/^\|/, "")}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const list = headers.get(key) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(key, list);
    last = list;
  }
  return headers;
}
