import { findExpressions, parseExpression } from "../expressions.js";

/**
 * Reading `if:` conditions as trees (GitHub's expression parser, nodes told apart by shape):
 * what a condition implies whenever it holds. `a && b` implies what either implies; `a || b`
 * what both imply.
 */
export type CondNode = Record<string, unknown>;

/** The parsed condition of an `if:`, with or without `${{ }}`; undefined when it does not parse. */
export function parseCondition(text: string | undefined): CondNode | undefined {
  if (text === undefined) return undefined;
  const spans = findExpressions(text);
  const inner = spans.length === 1 && text.trim() === spans[0]!.text ? spans[0]!.inner : spans.length === 0 ? text.trim() : undefined;
  if (inner === undefined) return undefined;
  const expr = parseExpression(inner);
  return expr ? (expr as unknown as CondNode) : undefined;
}

/** The lower-case dotted path of a context access (`github.event.pull_request.head.repo.fork`), or undefined. */
export function pathOf(node: unknown): string | undefined {
  if (!node || typeof node !== "object") return undefined;
  const n = node as CondNode;
  if ("name" in n && n.name && typeof n.name === "object" && !("functionName" in n)) return String((n.name as { lexeme: string }).lexeme).toLowerCase();
  if ("expr" in n && "index" in n) {
    const base = pathOf(n.expr);
    const index = n.index as CondNode | undefined;
    const literal = index && "literal" in index ? (index.literal as { value?: unknown }).value : undefined;
    if (base === undefined) return undefined;
    return `${base}.${typeof literal === "string" ? literal.toLowerCase() : "*"}`;
  }
  return undefined;
}

/** A string, boolean or number literal's value, or undefined. */
export function literalOf(node: unknown): string | boolean | number | undefined {
  if (!node || typeof node !== "object" || !("literal" in node)) return undefined;
  const value = ((node as CondNode).literal as { value?: unknown }).value;
  return typeof value === "string" || typeof value === "boolean" || typeof value === "number" ? value : undefined;
}

export function operatorOf(node: CondNode): string | undefined {
  const op = node.operator as { lexeme?: string } | undefined;
  return op?.lexeme;
}

/** A comparison `path OP literal` in either order. */
export function comparison(node: CondNode): { path: string; op: string; value: string | boolean | number } | undefined {
  if (!("left" in node && "right" in node)) return undefined;
  const op = operatorOf(node);
  if (!op) return undefined;
  const lp = pathOf(node.left);
  const rp = pathOf(node.right);
  const lv = literalOf(node.left);
  const rv = literalOf(node.right);
  if (lp !== undefined && rv !== undefined) return { path: lp, op, value: rv };
  if (rp !== undefined && lv !== undefined) return { path: rp, op, value: lv };
  return undefined;
}

/** Both sides are context paths: `github.event.pull_request.head.repo.full_name == github.repository`. */
export function pathComparison(node: CondNode): { left: string; op: string; right: string } | undefined {
  if (!("left" in node && "right" in node)) return undefined;
  const op = operatorOf(node);
  const left = pathOf(node.left);
  const right = pathOf(node.right);
  return op && left && right ? { left, op, right } : undefined;
}

/** True when the condition can only hold if `leaf` holds for some conjunct on every branch. */
export function implies(node: CondNode | undefined, leaf: (n: CondNode) => boolean): boolean {
  if (!node) return false;
  if ("group" in node) return implies(node.group as CondNode, leaf);
  if ("operator" in node && Array.isArray(node.args)) {
    const args = node.args as CondNode[];
    return operatorOf(node) === "&&" ? args.some((a) => implies(a, leaf)) : args.every((a) => implies(a, leaf));
  }
  return leaf(node);
}

/** True when `leaf` holding for the leaves it names is enough to make the whole condition hold. */
export function suffices(node: CondNode | undefined, leaf: (n: CondNode) => boolean): boolean {
  if (!node) return false;
  if ("group" in node) return suffices(node.group as CondNode, leaf);
  if ("operator" in node && Array.isArray(node.args)) {
    const args = node.args as CondNode[];
    return operatorOf(node) === "&&" ? args.every((a) => suffices(a, leaf)) : args.some((a) => suffices(a, leaf));
  }
  return leaf(node);
}

/** The leaves under `&&` / `||` / groups: comparisons, calls, negations (not entered), paths. */
export function leaves(node: CondNode | undefined, out: CondNode[] = []): CondNode[] {
  if (!node) return out;
  if ("group" in node) return leaves(node.group as CondNode, out);
  if ("operator" in node && Array.isArray(node.args)) {
    for (const a of node.args as CondNode[]) leaves(a, out);
    return out;
  }
  out.push(node);
  return out;
}
