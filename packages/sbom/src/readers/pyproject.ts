/**
 * The direct dependencies a `pyproject.toml` declares (Poetry's `[tool.poetry]` tables, PEP 621
 * `[project]`, PEP 735 `[dependency-groups]`), by kind, for scoping a lockfile that lacks groups.
 */
import { parse as parseToml } from "smol-toml";
import { arrayAt, dictAt, entriesOf, own, stringAt } from "./narrow.js";
import { normalizePythonName } from "./python-names.js";

export interface PyprojectDeclarations {
  name?: string;
  version?: string;
  /** Normalized names of runtime dependencies. */
  required: string[];
  /** Normalized names of optional dependencies (extras). */
  optional: string[];
  /** Normalized names of development group dependencies. */
  dev: string[];
}

/** Parses the file; undefined when it is not TOML (the caller warns). */
export function readPyproject(text: string): PyprojectDeclarations | undefined {
  let doc: unknown;
  try {
    doc = parseToml(text, { maxDepth: 32 });
  } catch {
    return undefined;
  }
  const poetry = dictAt(dictAt(doc, "tool"), "poetry");
  const project = dictAt(doc, "project");
  const out: PyprojectDeclarations = { required: [], optional: [], dev: [] };
  const name = stringAt(poetry, "name") ?? stringAt(project, "name");
  const version = stringAt(poetry, "version") ?? stringAt(project, "version");
  if (name) out.name = name;
  if (version) out.version = version;

  for (const [dep, spec] of entriesOf(dictAt(poetry, "dependencies"))) {
    if (dep.toLowerCase() === "python") continue;
    (own(spec, "optional") === true ? out.optional : out.required).push(normalizePythonName(dep));
  }
  for (const [dep] of entriesOf(dictAt(poetry, "dev-dependencies"))) out.dev.push(normalizePythonName(dep));
  for (const [group, table] of entriesOf(dictAt(poetry, "group"))) {
    const into = group === "main" ? out.required : out.dev;
    for (const [dep] of entriesOf(dictAt(table, "dependencies"))) into.push(normalizePythonName(dep));
  }
  out.required.push(...pep508Names(arrayAt(project, "dependencies")));
  for (const [, list] of entriesOf(dictAt(project, "optional-dependencies"))) out.optional.push(...pep508Names(list));
  for (const [, list] of entriesOf(dictAt(doc, "dependency-groups"))) out.dev.push(...pep508Names(list));
  return out;
}

function pep508Names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const names: string[] = [];
  for (const item of list) {
    const name = typeof item === "string" ? /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(item)?.[1] : undefined;
    if (name) names.push(normalizePythonName(name));
  }
  return names;
}
