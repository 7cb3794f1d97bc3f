/**
 * `composer.lock`: `packages` (required) and `packages-dev` (dev) with the dist `shasum` as SHA-1,
 * `require` edges (resolved through other packages' `replace` / `provide`, platform packages
 * such as `php` and `ext-*` skipped), license arrays as one SPDX expression joined with OR, and a
 * package not from Packagist as `resolved`. The `composer.json` beside it names the root.
 */
import { LockfileError } from "../errors.js";
import type { Component, LockfileReader, ReaderContext, ReaderResult, Scope } from "../model.js";
import { purlOf } from "../purl.js";
import { addEdge, ComponentSet, MAX_NAME_CANDIDATES, pushTo } from "./component-set.js";
import { hashOfHex } from "./digests.js";
import { spdxDisjunction } from "./license-expression.js";
import { parseJsonLockfile } from "./lockfile-text.js";
import { arrayAt, dictAt, entriesOf, isDict, own, stringAt, type Dict } from "./narrow.js";

const PLATFORM = /^(?:php(?:-64bit|-ipv6|-zts|-debug)?|hhvm|composer(?:-plugin-api|-runtime-api)?|ext-.+|lib-.+)$/i;
const PACKAGIST = /^https:\/\/(?:repo\.)?packagist\.org\//;

interface Locked {
  raw: Dict;
  component: Component;
}

export const composerReader: LockfileReader = {
  ecosystem: "composer",
  matches: (fileName) => fileName === "composer.lock",
  read(text: string, file: string, context?: ReaderContext): ReaderResult {
    const doc = parseJsonLockfile(text, file);
    if (!isDict(doc) || !Array.isArray(own(doc, "packages"))) throw new LockfileError(file, "no `packages` array: not a composer.lock", 1);
    const warnings: string[] = [];
    const locked: Locked[] = [];
    const providers = new Map<string, Locked[]>();
    for (const [section, scope] of [["packages", "required"], ["packages-dev", "dev"]] as const) {
      arrayAt(doc, section).forEach((raw, index) => {
        const entry = lockedOf(raw, scope, file);
        if (!entry) throw new LockfileError(file, `${section}[${index}] has no "vendor/name" name or no version`);
        locked.push(entry);
        const name = entry.component.namespace ? `${entry.component.namespace}/${entry.component.name}` : entry.component.name;
        pushTo(providers, name.toLowerCase(), entry);
        for (const key of ["replace", "provide"]) {
          for (const [provided] of entriesOf(dictAt(raw, key))) pushTo(providers, provided.toLowerCase(), entry);
        }
      });
    }
    const targetsOf = (name: string): Locked[] => {
      if (PLATFORM.test(name)) return [];
      const found = providers.get(name.toLowerCase()) ?? [];
      return found.length > MAX_NAME_CANDIDATES ? [] : found;
    };
    for (const entry of locked) {
      for (const [dep] of entriesOf(dictAt(entry.raw, "require"))) {
        for (const target of targetsOf(dep)) addEdge(entry.component, target.component.purl);
      }
    }
    const components = new ComponentSet();
    for (const entry of locked) components.add(entry.component);
    const root = rootOf(context, targetsOf, warnings);
    return { ...(root ? { root } : {}), components: components.list(), warnings };
  },
};

function lockedOf(raw: unknown, scope: Scope, file: string): Locked | undefined {
  const fullName = stringAt(raw, "name");
  const version = stringAt(raw, "version");
  const slash = fullName?.indexOf("/") ?? -1;
  if (!isDict(raw) || !fullName || version === undefined || slash <= 0 || slash === fullName.length - 1) return undefined;
  const namespace = fullName.slice(0, slash);
  const name = fullName.slice(slash + 1);
  const dist = dictAt(raw, "dist");
  const shasum = stringAt(dist, "shasum");
  const hash = shasum ? hashOfHex("SHA-1", shasum) : undefined;
  const licenseField = own(raw, "license");
  const licenses = (Array.isArray(licenseField) ? licenseField : [licenseField]).filter((l): l is string => typeof l === "string");
  const license = spdxDisjunction(licenses);
  const resolved = resolvedOf(raw, dist);
  return {
    raw,
    component: {
      ecosystem: "composer",
      namespace,
      name,
      version,
      purl: purlOf("composer", namespace, name, version),
      hashes: hash ? [hash] : [],
      scope,
      ...(license ? { license } : {}),
      source: file,
      ...(resolved ? { resolved } : {}),
      dependsOn: [],
    },
  };
}

/** Where a package came from when not Packagist: a path repository, a private repository, a VCS. */
function resolvedOf(raw: Dict, dist: Dict | undefined): string | undefined {
  const distUrl = stringAt(dist, "url");
  if (stringAt(dist, "type") === "path") return distUrl;
  if (PACKAGIST.test(stringAt(raw, "notification-url") ?? "")) return undefined;
  if (distUrl) return distUrl;
  const source = dictAt(raw, "source");
  const url = stringAt(source, "url");
  if (!url) return undefined;
  const reference = stringAt(source, "reference");
  return stringAt(source, "type") === "git" ? `git+${url}${reference ? `@${reference}` : ""}` : url;
}

function rootOf(context: ReaderContext | undefined, targetsOf: (name: string) => Locked[], warnings: string[]): ReaderResult["root"] {
  let text: string | undefined;
  try {
    text = context?.sibling?.("composer.json");
  } catch (cause) {
    warnings.push(`composer.json beside the lockfile cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`);
    return undefined;
  }
  if (text === undefined) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    warnings.push("composer.json beside the lockfile is not valid JSON; no root");
    return undefined;
  }
  const fullName = stringAt(manifest, "name");
  if (!fullName) return undefined;
  const version = stringAt(manifest, "version");
  const slash = fullName.indexOf("/");
  const dependsOn = new Set<string>();
  for (const key of ["require", "require-dev"]) {
    for (const [dep] of entriesOf(dictAt(manifest, key))) for (const target of targetsOf(dep)) dependsOn.add(target.component.purl);
  }
  let purl: string | undefined;
  try {
    purl = slash > 0 ? purlOf("composer", fullName.slice(0, slash), fullName.slice(slash + 1), version) : undefined;
  } catch {
    purl = undefined;
  }
  return { name: fullName, ...(version ? { version } : {}), ...(purl ? { purl } : {}), dependsOn: [...dependsOn] };
}
