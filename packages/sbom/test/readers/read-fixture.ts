/** Reads a lockfile fixture with a reader the way the scan does (siblings from the same folder) and checks every purl parses. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PackageURL } from "packageurl-js";
import { expect } from "vitest";
import type { Component, LockfileReader, ReaderResult } from "../../src/model.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** `relative` is under test/fixtures (e.g. `python/app/requirements.txt`); it is also the file name the result reports. */
export function readFixture(reader: LockfileReader, relative: string): ReaderResult {
  const full = path.join(FIXTURES, relative);
  const dir = path.dirname(full);
  const result = reader.read(readFileSync(full, "utf8"), relative, {
    sibling: (name) => {
      const target = path.join(dir, name);
      return existsSync(target) ? readFileSync(target, "utf8") : undefined;
    },
  });
  expectValidPurls(result);
  return result;
}

/** Reads text that is not a fixture file (hostile or malformed input built in the test). */
export function readText(reader: LockfileReader, text: string, file: string, siblings: Record<string, string> = {}): ReaderResult {
  const result = reader.read(text, file, { sibling: (name) => (Object.prototype.hasOwnProperty.call(siblings, name) ? siblings[name] : undefined) });
  expectValidPurls(result);
  return result;
}

export function expectValidPurls(result: ReaderResult): void {
  const purls = [...result.components.map((c) => c.purl), ...(result.root?.purl ? [result.root.purl] : [])];
  const invalid = purls.filter((purl) => {
    try {
      PackageURL.fromString(purl);
      return false;
    } catch {
      return true;
    }
  });
  expect(invalid, "purls packageurl-js rejects").toEqual([]);
  const known = new Set(result.components.map((c) => c.purl));
  expect(known.size, "components with the same purl").toBe(result.components.length);
  const dangling = [...result.components, ...(result.root ? [result.root] : [])].flatMap((c) =>
    c.dependsOn.filter((dep) => !known.has(dep)).map((dep) => `${"purl" in c ? String(c.purl) : c.name} -> ${dep}`),
  );
  expect(dangling, "edges to purls that are not components").toEqual([]);
}

/** The component with this purl, failing the test when absent. */
export function byPurl(result: ReaderResult, purl: string): Component {
  const found = result.components.find((c) => c.purl === purl);
  if (!found) throw new Error(`no component ${purl}; have ${result.components.map((c) => c.purl).join(", ")}`);
  return found;
}

/** (purl, scope) pairs, sorted, for whole-result comparisons. */
export function purlsWithScope(result: ReaderResult): string[] {
  return result.components.map((c) => `${c.purl} ${c.scope}`).sort();
}
