/**
 * Scopes from the dependency graph, the way npm decides them, for lockfiles that do not record
 * them (yarn, pnpm 9): reachable from the project's dependencies through required edges is
 * required; reachable only through an optional edge or from optional dependencies is optional;
 * reachable only from dev dependencies is dev. Each pass visits a node once: linear time.
 */
import type { Scope } from "../model.js";

export interface ScopeGraph<K> {
  required: Iterable<K>;
  optional: Iterable<K>;
  dev: Iterable<K>;
  /** Outgoing edges of a node, each with whether it is an optional dependency. */
  edges(node: K): Iterable<readonly [K, boolean]>;
}

/** Scope of every node reached; nodes reached from no root are absent. */
export function scopesFromGraph<K>(graph: ScopeGraph<K>): Map<K, Scope> {
  const scopes = new Map<K, Scope>();
  walk(graph, graph.required, "required", false, scopes);
  walk(graph, [...graph.required, ...graph.optional], "optional", true, scopes);
  walk(graph, graph.dev, "dev", true, scopes);
  return scopes;
}

function walk<K>(graph: ScopeGraph<K>, starts: Iterable<K>, scope: Scope, followOptional: boolean, scopes: Map<K, Scope>): void {
  const seen = new Set<K>();
  const queue: K[] = [];
  for (const start of starts) {
    if (seen.has(start)) continue;
    seen.add(start);
    queue.push(start);
  }
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as K;
    if (!scopes.has(node)) scopes.set(node, scope);
    for (const [next, optional] of graph.edges(node)) {
      if ((optional && !followOptional) || seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
}
