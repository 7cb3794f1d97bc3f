/**
 * package-url building shared by every reader: one place that maps an ecosystem to its purl type
 * and lets packageurl-js normalize and encode (npm and pypi names lower-cased, `@` as `%40`...).
 */
import { PackageURL } from "packageurl-js";
import { PeptideError } from "@peptide/core";
import type { Ecosystem } from "./model.js";
import type { SbomErrorCode } from "./errors.js";

/** purl type per ecosystem (they are spelled the same today; kept explicit so a rename is one line). */
const PURL_TYPE: Record<Ecosystem, string> = {
  npm: "npm",
  pypi: "pypi",
  golang: "golang",
  cargo: "cargo",
  gem: "gem",
  composer: "composer",
  maven: "maven",
  nuget: "nuget",
  deb: "deb",
  apk: "apk",
  generic: "generic",
};

/**
 * The purl of one package. `namespace` is the ecosystem's namespace as the model keeps it
 * (npm scope with or without the leading `@`, Maven group, Go module path prefix, distro);
 * empty or undefined for none. Qualifiers with an empty value are dropped. Throws a
 * PeptideError("PURL_INVALID") when packageurl-js rejects the parts (e.g. an empty name).
 */
export function purlOf(
  ecosystem: Ecosystem,
  namespace: string | undefined,
  name: string,
  version: string | undefined,
  qualifiers?: Record<string, string | undefined>,
): string {
  const ns = namespaceFor(ecosystem, namespace);
  const quals = cleanQualifiers(qualifiers);
  try {
    return new PackageURL(PURL_TYPE[ecosystem], ns, name, version || undefined, quals, undefined).toString();
  } catch (cause) {
    const shown = `${ns ? `${ns}/` : ""}${name}@${version ?? ""}`.slice(0, 200);
    throw new PeptideError<SbomErrorCode>("PURL_INVALID", `cannot build a ${ecosystem} purl for ${JSON.stringify(shown)}`, { cause });
  }
}

function namespaceFor(ecosystem: Ecosystem, namespace: string | undefined): string | undefined {
  if (namespace === undefined || namespace === "") return undefined;
  if (ecosystem === "npm" && !namespace.startsWith("@")) return `@${namespace}`;
  return namespace;
}

function cleanQualifiers(qualifiers: Record<string, string | undefined> | undefined): Record<string, string> | undefined {
  if (qualifiers === undefined) return undefined;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let any = false;
  for (const key of Object.keys(qualifiers).sort()) {
    const value = qualifiers[key];
    if (value === undefined || value === "") continue;
    out[key] = value;
    any = true;
  }
  return any ? { ...out } : undefined;
}

/** Splits an npm package name into the model's namespace (scope without `@`) and name. */
export function splitNpmName(fullName: string): { namespace?: string; name: string } {
  if (fullName.startsWith("@")) {
    const slash = fullName.indexOf("/");
    if (slash > 1) return { namespace: fullName.slice(1, slash), name: fullName.slice(slash + 1) };
  }
  return { name: fullName };
}
