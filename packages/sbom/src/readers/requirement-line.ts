/**
 * One logical line of a pip requirements file (continuations already joined, comment already
 * removed) parsed the way pip reads it: options, includes, and PEP 508 / URL requirements.
 */
import { distributionOfFileName, isPythonName } from "./python-names.js";

export type RequirementLine =
  | { kind: "include"; constraint: boolean; path: string }
  | { kind: "option"; option: string; known: boolean }
  | { kind: "requirement"; requirement: Requirement }
  | { kind: "invalid"; reason: string };

export interface Requirement {
  /** Name as written; undefined for a URL or path without `#egg=` or a recognizable file name. */
  name?: string;
  /** The exact version when pinned (`==1.2.3`, `===1.2.3`) or read from a distribution file name. */
  version?: string;
  /** The specifier as written (`>=2,<3`), for messages. */
  specifier: string;
  /** URL or path of a URL, VCS or local requirement. */
  url?: string;
  editable: boolean;
  /** `--hash` values as written (`sha256:…`). */
  hashes: string[];
}

/** Options that take a value and have no effect on what is installed from this file. */
const VALUE_OPTIONS = new Set([
  "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host", "--no-binary", "--only-binary",
  "--use-feature", "--config-settings", "--global-option", "--install-option", "--progress-bar",
]);
const FLAG_OPTIONS = new Set(["--no-index", "--pre", "--prefer-binary", "--require-hashes"]);

/** Parses one logical line; `undefined` for an empty line. */
export function parseRequirementLine(line: string): RequirementLine | undefined {
  const trimmed = line.trim();
  if (trimmed === "") return undefined;
  const include = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?<=^-[rc]))(\S.*)$/.exec(trimmed);
  if (include?.[1] && include[2]) {
    return { kind: "include", constraint: include[1] === "-c" || include[1] === "--constraint", path: include[2].trim() };
  }
  const editable = /^(?:-e|--editable)(?:\s*=\s*|\s+|(?<=^-e))(\S.*)$/.exec(trimmed);
  if (editable?.[1]) return requirementOf(editable[1], true);
  if (trimmed.startsWith("-")) {
    const option = /^(--?[A-Za-z][\w-]*)/.exec(trimmed)?.[1] ?? trimmed;
    return { kind: "option", option, known: VALUE_OPTIONS.has(option) || FLAG_OPTIONS.has(option) };
  }
  return requirementOf(trimmed, false);
}

/** Splits `req --hash=… --hash …` into the requirement and its per-requirement options (pip's rule). */
function requirementOf(text: string, editable: boolean): RequirementLine {
  const tokens = text.split(/\s+/);
  const first = tokens.findIndex((t) => t.startsWith("-"));
  const spec = (first === -1 ? tokens : tokens.slice(0, first)).join(" ");
  const options = first === -1 ? [] : tokens.slice(first);
  const hashes: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const token = options[i] ?? "";
    if (token.startsWith("--hash=")) hashes.push(token.slice("--hash=".length));
    else if (token === "--hash" && options[i + 1]) hashes.push(options[++i] ?? "");
  }
  const requirement = parsePep508(spec, editable);
  if (typeof requirement === "string") return { kind: "invalid", reason: requirement };
  requirement.hashes = hashes;
  return { kind: "requirement", requirement };
}

/** Comma-separated clauses; a version never holds an operator character, so the match is linear. */
const SPECIFIER = /^(?:===|==|!=|~=|<=|>=|<|>)\s*[^,\s;<>=!~]+(?:\s*,\s*(?:===|==|!=|~=|<=|>=|<|>)\s*[^,\s;<>=!~]+)*$/;

const URL_START = /^(?:[a-z][a-z0-9+.-]*:\/\/|[a-z]+\+[a-z]+:|file:|\.{1,2}(?:\/|\\|$)|\/|~)/i;

/** PEP 508 requirement, or a bare URL / path as pip accepts them; a string explains a failure. */
function parsePep508(spec: string, editable: boolean): Requirement | string {
  if (URL_START.test(spec)) return urlRequirement(spec.split(/\s+;/)[0]?.trim() ?? spec, undefined, editable);
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(spec);
  if (!match?.[1]) return `"${clip(spec)}" is not a requirement`;
  const name = match[1];
  if (!isPythonName(name)) return `"${clip(name)}" is not a valid package name`;
  const rest = match[3] ?? "";
  if (rest.startsWith("@")) {
    const url = rest.slice(1).split(/\s+;/)[0]?.trim() ?? "";
    if (url === "") return `"${clip(spec)}" has an empty URL`;
    return urlRequirement(url, name, editable);
  }
  const specifier = (rest.split(";")[0] ?? "").trim().replace(/^\((.*)\)$/, "$1").trim();
  if (specifier !== "" && !SPECIFIER.test(specifier)) {
    return `"${clip(spec)}" has an invalid version specifier`;
  }
  if (editable) return `editable requirement "${clip(spec)}" must be a path or a VCS URL`;
  return { name, version: exactVersion(specifier), specifier, editable, hashes: [] };
}

/** The version of `==1.2.3` or `===1.2.3` when that is the only equality and not a wildcard. */
function exactVersion(specifier: string): string | undefined {
  const clauses = specifier.split(",").map((c) => c.trim()).filter((c) => c !== "");
  const equal = clauses.filter((c) => /^===?[^=]/.test(c));
  if (equal.length !== 1) return undefined;
  const version = (equal[0] ?? "").replace(/^===?\s*/, "");
  return version.includes("*") || version === "" ? undefined : version;
}

function urlRequirement(url: string, declaredName: string | undefined, editable: boolean): Requirement {
  const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(url)?.[1];
  const file = distributionOfFileName(url);
  const name = declaredName ?? egg ?? file?.name;
  const version = file && name && sameName(file.name, name) ? file.version : undefined;
  return { ...(name ? { name } : {}), ...(version ? { version } : {}), specifier: "", url, editable, hashes: [] };
}

function sameName(a: string, b: string): boolean {
  const n = (s: string) => s.replace(/[-_.]+/g, "-").toLowerCase();
  return n(a) === n(b);
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
