import { isMap } from "yaml";
import { InputError } from "@peptide/core";
import { isSeverity, type Severity } from "../finding.js";
import { SourceFile, entries, scalarText, textOf, valueOf, listOf } from "../model/source.js";
import { globToRegExp } from "./glob.js";

/** What a class of job may do. Unset fields are not checked. */
export interface JobClass {
  name: string;
  /** Which jobs belong to the class. */
  match: { events?: string[]; branches?: string[]; environments?: string[]; jobs?: string[]; files?: RegExp[] };
  /** `none`: no secrets but GITHUB_TOKEN; `minimal`: no `secrets: inherit`, no `toJSON(secrets)`; `any`. */
  secrets?: "none" | "minimal" | "any";
  deploy?: boolean;
  artifactWrite?: boolean;
  environment?: "required" | "forbidden";
  /** Highest token permissions a job of the class may hold. */
  permissions?: Record<string, "read" | "write" | "none">;
}

export interface PolicyConfig {
  /** Where the config came from, for messages. */
  file?: string;
  disabled: Set<string>;
  severity: Map<string, Severity>;
  ignore: RegExp[];
  classes: JobClass[];
}

export const EMPTY_POLICY: PolicyConfig = { disabled: new Set(), severity: new Map(), ignore: [], classes: [] };

/** Default matchers for the class names the docs use, so `pull_request_tests: {...}` works alone. */
const DEFAULT_MATCH: Record<string, JobClass["match"]> = {
  pull_request_tests: { events: ["pull_request", "pull_request_target", "merge_group"] },
  main_branch_build: { events: ["push"], branches: ["main", "master"] },
  production_deploy: { environments: ["production", "prod"] },
  release: { events: ["release"] },
};

export function parsePolicy(file: string, text: string): PolicyConfig {
  const source = new SourceFile(file, text);
  const fail = (node: unknown, what: string): never => {
    const at = source.positionOf(node as never);
    throw new InputError("CONFIG_INVALID", `${file}:${at.line}: ${what}`);
  };
  if (source.doc.errors.length > 0) {
    const err = source.doc.errors[0]!;
    const at = source.position(err.pos[0]);
    throw new InputError("CONFIG_INVALID", `${file}:${at.line}: not valid YAML (${err.message.split("\n")[0]})`);
  }
  const root = source.root;
  if (source.doc.contents !== null && !root) fail(source.doc.contents, "the policy must be a mapping with `rules`, `ignore` and `classes`");
  const policy: PolicyConfig = { file, disabled: new Set(), severity: new Map(), ignore: [], classes: [] };
  for (const [key, pair] of entries(root)) {
    if (!["rules", "ignore", "classes"].includes(key)) fail(pair, `unknown key \`${key}\`; expected rules, ignore or classes`);
  }
  for (const [rule, pair] of entries(valueOf(root, "rules"))) {
    const value = pair.value;
    const text = scalarText(value) ?? textOf(value, "severity");
    const enabled = scalarText(valueOf(value, "enabled"));
    if (text === "off" || text === "false" || enabled === "false") policy.disabled.add(rule);
    else if (text && isSeverity(text)) policy.severity.set(rule, text);
    else if (text !== "on" && text !== "true") fail(pair, `rules.${rule}: expected off or a severity (low, medium, high, critical)`);
  }
  for (const item of listOf(valueOf(root, "ignore"))) {
    const glob = scalarText(item);
    if (!glob) fail(item, "ignore: expected a list of path globs");
    else policy.ignore.push(globToRegExp(glob));
  }
  for (const [name, pair] of entries(valueOf(root, "classes"))) {
    if (!isMap(pair.value)) fail(pair, `classes.${name}: expected a mapping`);
    policy.classes.push(parseClass(name, pair.value, fail));
  }
  return policy;
}

function parseClass(name: string, node: unknown, fail: (node: unknown, what: string) => never): JobClass {
  const cls: JobClass = { name, match: DEFAULT_MATCH[name] ?? {} };
  const matchNode = valueOf(node, "match");
  if (matchNode) {
    const list = (key: string) => {
      const items = listOf(valueOf(matchNode, key)).map(scalarText).filter((v): v is string => v !== undefined);
      return items.length > 0 ? items : undefined;
    };
    const files = list("files");
    cls.match = { events: list("events"), branches: list("branches"), environments: list("environments"), jobs: list("jobs"), files: files?.map(globToRegExp) };
  } else if (!DEFAULT_MATCH[name]) {
    fail(node, `classes.${name}: add a \`match:\` (events, branches, environments, jobs or files) to say which jobs it covers`);
  }
  const secrets = textOf(node, "secrets");
  if (secrets !== undefined) {
    if (secrets !== "none" && secrets !== "minimal" && secrets !== "any") fail(valueOf(node, "secrets"), `classes.${name}.secrets: expected none, minimal or any`);
    cls.secrets = secrets as JobClass["secrets"];
  }
  const bool = (key: string): boolean | undefined => {
    const text = textOf(node, key);
    if (text === undefined) return undefined;
    if (text !== "true" && text !== "false") fail(valueOf(node, key), `classes.${name}.${key}: expected true or false`);
    return text === "true";
  };
  cls.deploy = bool("deploy");
  cls.artifactWrite = bool("artifact_write");
  const environment = textOf(node, "environment");
  if (environment !== undefined) {
    if (environment !== "required" && environment !== "forbidden") fail(valueOf(node, "environment"), `classes.${name}.environment: expected required or forbidden`);
    cls.environment = environment as JobClass["environment"];
  }
  const perms = valueOf(node, "permissions");
  if (perms) {
    cls.permissions = {};
    for (const [scope, pair] of entries(perms)) {
      const level = scalarText(pair.value);
      if (level !== "read" && level !== "write" && level !== "none") fail(pair, `classes.${name}.permissions.${scope}: expected read, write or none`);
      cls.permissions[scope] = level as "read" | "write" | "none";
    }
  }
  return cls;
}
