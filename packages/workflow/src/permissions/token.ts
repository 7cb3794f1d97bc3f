import { contextPaths, findExpressions } from "../expressions.js";
import { isScalar, scalarText, type Node, type Scalar } from "../model/source.js";
import type { JobModel, StepModel, WorkflowModel } from "../model/types.js";

/** Which token a value carries: the job's GITHUB_TOKEN, some other credential, or nothing. */
export type TokenKind = "job" | "other" | "none";

/** `github` and `secrets` as a whole (`toJSON(github)`) carry the token too. */
const JOB_TOKEN_PATHS = new Set(["github.token", "secrets.github_token", "github", "secrets", "secrets.*", "github.*"]);
const TEXT_JOB_TOKEN = /\$\{\{[^}]*\b(?:github\.token|secrets\.github_token)\b/i;

/** Environment a step sees: workflow `env:`, then job `env:`, then step `env:` (later wins). */
export function stepEnv(workflow: WorkflowModel | undefined, job: JobModel | undefined, step: StepModel | undefined): Map<string, string> {
  const env = new Map<string, string>();
  for (const source of [workflow?.env, job?.env, step?.env]) {
    if (!source) continue;
    for (const [name, node] of source) env.set(name, valueText(node));
  }
  return env;
}

/** Text of a `with:` or `env:` value; non-scalars become their YAML text. */
export function valueText(node: Scalar | Node | undefined): string {
  if (node === undefined) return "";
  if (isScalar(node)) return scalarText(node) ?? "";
  return String(node);
}

/**
 * Classifies a value: `${{ github.token }}` / `${{ secrets.GITHUB_TOKEN }}` (also inside a
 * fallback such as `secrets.PAT || github.token`) is the job token; `${{ env.X }}` is resolved
 * through the environment; any other non-empty value is another credential.
 */
export function tokenKind(value: string | undefined, env: ReadonlyMap<string, string> = new Map(), depth = 0): TokenKind {
  if (value === undefined || value.trim() === "") return "none";
  const spans = findExpressions(value);
  if (spans.length === 0) return "other";
  for (const span of spans) {
    for (const { path } of contextPaths(span.inner)) {
      if (JOB_TOKEN_PATHS.has(path)) return "job";
      if (path.startsWith("env.") && depth < 4) {
        const name = [...env.keys()].find((k) => k.toLowerCase() === path.slice(4));
        if (name !== undefined && tokenKind(env.get(name), env, depth + 1) === "job") return "job";
      }
    }
    if (TEXT_JOB_TOKEN.test(span.text)) return "job"; // expressions the parser rejects
  }
  return "other";
}

/** Environment variables of a step whose value is the job token. */
export function tokenVariables(env: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [name, value] of env) if (tokenKind(value, env) === "job") out.add(name);
  return out;
}

/** True when a script embeds the job token through an expression. */
export function embedsJobToken(text: string): boolean {
  return findExpressions(text).some((span) => contextPaths(span.inner).some(({ path }) => JOB_TOKEN_PATHS.has(path)) || TEXT_JOB_TOKEN.test(span.text));
}
