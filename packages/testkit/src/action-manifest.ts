import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";

/**
 * The parts of an action's `action.yml` the runner reads to start a JavaScript action.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/metadata-syntax
 */
export interface ActionManifest {
  file: string;
  name?: string;
  /** `runs.using`: `node24`, `node20`... */
  using: string;
  /** `runs.main`, relative to the action directory. */
  main: string;
  /** Declared inputs with their default (as written; expressions unevaluated). */
  inputs: Map<string, { default?: string; required: boolean }>;
  outputs: string[];
}

export async function readActionManifest(actionDir: string): Promise<ActionManifest> {
  const candidates = ["action.yml", "action.yaml"].map((f) => path.join(actionDir, f));
  for (const file of candidates) {
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text !== undefined) return manifestFromText(text, file);
  }
  throw new Error(`no action.yml in ${actionDir}`);
}

export function manifestFromText(text: string, file = "action.yml"): ActionManifest {
  // The failsafe schema keeps every scalar a string, as the runner sees `default: true` ("true").
  const doc: unknown = parse(text, { schema: "failsafe" });
  if (!isRecord(doc)) throw new Error(`${file}: not a mapping`);
  const runs = doc.runs;
  if (!isRecord(runs) || typeof runs.using !== "string") throw new Error(`${file}: missing runs.using`);
  const inputs = new Map<string, { default?: string; required: boolean }>();
  if (isRecord(doc.inputs)) {
    for (const [name, spec] of Object.entries(doc.inputs)) {
      const def = isRecord(spec) && typeof spec.default === "string" ? spec.default : undefined;
      inputs.set(name, { default: def, required: isRecord(spec) && spec.required === "true" });
    }
  }
  return {
    file,
    name: typeof doc.name === "string" ? doc.name : undefined,
    using: runs.using,
    main: typeof runs.main === "string" ? runs.main : "dist/index.js",
    inputs,
    outputs: isRecord(doc.outputs) ? Object.keys(doc.outputs) : [],
  };
}

/** The variable the runner sets for an input: upper-cased, spaces to `_`, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/**
 * Evaluates the `${{ }}` in an input default, as the runner does, for plain context paths only
 * (`github.token`, `github.event.pull_request.number`, `runner.temp`). Anything richer throws, so a
 * test never silently runs with a wrong default.
 */
export function evaluateDefault(value: string, contexts: Record<string, unknown>): string {
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (whole, inner: string) => {
    const expr = inner.trim();
    if (!/^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(expr)) throw new Error(`testkit cannot evaluate ${whole} in an input default; pass the input explicitly`);
    let current: unknown = contexts;
    for (const key of expr.split(".")) current = isRecord(current) ? current[key] : undefined;
    if (current === undefined || current === null) return "";
    return typeof current === "object" ? JSON.stringify(current) : String(current);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
