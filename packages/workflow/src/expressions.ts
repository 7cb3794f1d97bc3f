import { Lexer, Parser } from "@actions/expressions";
import type { Expr } from "@actions/expressions";

/** One `${{ ... }}` occurrence in a string. */
export interface ExpressionSpan {
  /** Offset of `$` in the string. */
  start: number;
  /** Offset just past `}}`. */
  end: number;
  /** The full text, `${{ ... }}`. */
  text: string;
  /** The expression inside the braces, trimmed. */
  inner: string;
}

const CONTEXTS = ["github", "env", "inputs", "steps", "secrets", "matrix", "needs", "vars", "job", "jobs", "runner", "strategy"];

/** Finds each `${{ ... }}` in a string; braces inside single-quoted literals do not close it. */
export function findExpressions(value: string): ExpressionSpan[] {
  const spans: ExpressionSpan[] = [];
  let from = 0;
  for (;;) {
    const start = value.indexOf("${{", from);
    if (start < 0) return spans;
    let i = start + 3;
    let inString = false;
    let end = -1;
    while (i < value.length) {
      const ch = value[i];
      if (ch === "'") {
        // '' inside a literal is an escaped quote
        if (inString && value[i + 1] === "'") i++;
        else inString = !inString;
      } else if (!inString && ch === "}" && value[i + 1] === "}") {
        end = i + 2;
        break;
      }
      i++;
    }
    if (end < 0) return spans;
    spans.push({ start, end, text: value.slice(start, end), inner: value.slice(start + 3, end - 2).trim() });
    from = end;
  }
}

const parsed = new Map<string, Expr | null>();

/** Parses an expression with GitHub's own parser; null when it does not parse. Cached by text. */
export function parseExpression(inner: string): Expr | null {
  const cached = parsed.get(inner);
  if (cached !== undefined) return cached;
  let expr: Expr | null = null;
  try {
    const { tokens } = new Lexer(inner).lex();
    expr = new Parser(tokens, CONTEXTS, []).parse();
  } catch {
    expr = null;
  }
  if (parsed.size > 10_000) parsed.clear();
  parsed.set(inner, expr);
  return expr;
}

/** A context access found in an expression, as a lower-case dotted path with `*` for any key. */
export interface ContextPath {
  path: string;
  /** True when the access sits inside a function whose result cannot carry the raw value. */
  sanitized: boolean;
}

/** Functions whose output is a boolean or number, so the raw text cannot reach the shell. */
const NON_STRING_FUNCTIONS = new Set(["contains", "startswith", "endswith", "success", "failure", "always", "cancelled", "hashfiles"]);

/**
 * Context paths read by an expression: `github.event.pull_request.title`, `steps.x.outputs.y`,
 * `github.event.commits.*.message`. Comparison operands (`a == 'b'`) are marked sanitized: the
 * expression yields a boolean.
 */
export function contextPaths(inner: string): ContextPath[] {
  const expr = parseExpression(inner);
  if (!expr) return [];
  const out: ContextPath[] = [];
  walk(expr, false, out);
  return out;
}

function walk(node: unknown, sanitized: boolean, out: ContextPath[]): void {
  if (!node || typeof node !== "object") return;
  const path = accessPath(node);
  if (path !== undefined) {
    out.push({ path, sanitized });
    // index expressions may themselves read contexts: github.event[inputs.key]
    collectIndexReads(node, sanitized, out);
    return;
  }
  const n = node as Record<string, unknown>;
  if ("functionName" in n && Array.isArray(n.args)) {
    const name = String((n.functionName as { lexeme?: string }).lexeme ?? "").toLowerCase();
    for (const arg of n.args) walk(arg, sanitized || NON_STRING_FUNCTIONS.has(name), out);
    return;
  }
  if ("left" in n && "right" in n) {
    // == != < > ... yield booleans
    walk(n.left, true, out);
    walk(n.right, true, out);
    return;
  }
  if ("operator" in n && "expr" in n) {
    walk(n.expr, true, out); // ! yields a boolean
    return;
  }
  if ("operator" in n && Array.isArray(n.args)) {
    // || yields an operand; && yields its last operand, or an earlier one only when it is falsy ('')
    const and = String((n.operator as { lexeme?: string }).lexeme ?? "") === "&&";
    n.args.forEach((arg, i) => walk(arg, sanitized || (and && i < (n.args as unknown[]).length - 1), out));
    return;
  }
  if ("group" in n) walk(n.group, sanitized, out);
}

/** The dotted path of a ContextAccess/IndexAccess chain, or undefined when the node is not one. */
function accessPath(node: unknown): string | undefined {
  const n = node as Record<string, unknown>;
  if ("name" in n && n.name && typeof n.name === "object" && !("functionName" in n)) {
    return String((n.name as { lexeme: string }).lexeme).toLowerCase();
  }
  if ("expr" in n && "index" in n) {
    const base = accessPath(n.expr);
    if (base === undefined) return undefined;
    const index = n.index as Record<string, unknown> | undefined;
    const literal = index && "literal" in index ? (index.literal as { value?: unknown }).value : undefined;
    const key = typeof literal === "string" ? literal.toLowerCase() : typeof literal === "number" ? "*" : "*";
    return `${base}.${key}`;
  }
  return undefined;
}

function collectIndexReads(node: unknown, sanitized: boolean, out: ContextPath[]): void {
  const n = node as Record<string, unknown>;
  if ("expr" in n && "index" in n) {
    const index = n.index as Record<string, unknown> | undefined;
    if (index && !("literal" in index)) walk(index, sanitized, out);
    collectIndexReads(n.expr, sanitized, out);
  }
}

/** True when a string is exactly one expression and nothing else. */
export function isWholeExpression(value: string): boolean {
  const spans = findExpressions(value);
  return spans.length === 1 && value.trim() === spans[0]!.text;
}
