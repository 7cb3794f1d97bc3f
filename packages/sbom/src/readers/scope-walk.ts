/**
 * Scopes from reachability: a package reachable from the project's runtime dependencies is
 * required, else from its optional ones (extras) optional, else from dev groups dev. Breadth-first,
 * each node visited at most once per scope, so linear in the size of the graph.
 */
import type { Scope } from "../model.js";

export interface ScopeRoots<K> {
  required: Iterable<K>;
  optional?: Iterable<K>;
  dev?: Iterable<K>;
}

/** Scope of every node reachable from the roots; nodes not reached are absent from the map. */
export function scopesByReach<K>(edges: (node: K) => Iterable<K>, roots: ScopeRoots<K>): Map<K, Scope> {
  const scopes = new Map<K, Scope>();
  const order: Array<[Scope, Iterable<K> | undefined]> = [
    ["required", roots.required],
    ["optional", roots.optional],
    ["dev", roots.dev],
  ];
  for (const [scope, starts] of order) {
    if (!starts) continue;
    const queue: K[] = [];
    for (const start of starts) {
      if (!scopes.has(start)) {
        scopes.set(start, scope);
        queue.push(start);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      for (const next of edges(queue[i] as K)) {
        if (scopes.has(next)) continue;
        scopes.set(next, scope);
        queue.push(next);
      }
    }
  }
  return scopes;
}
