/**
 * Components keyed by purl, the model's unique key. A package listed twice (two includes, two
 * target frameworks, two lockfile sections) becomes one component: hashes and edges are united
 * and the strongest scope wins (required over optional over dev).
 */
import type { Component, Hash, Scope } from "../model.js";

const SCOPE_RANK: Record<Scope, number> = { required: 2, optional: 1, dev: 0 };

export function strongerScope(a: Scope, b: Scope): Scope {
  return SCOPE_RANK[a] >= SCOPE_RANK[b] ? a : b;
}

export class ComponentSet {
  private readonly byPurl = new Map<string, Component>();

  get size(): number {
    return this.byPurl.size;
  }

  has(purl: string): boolean {
    return this.byPurl.has(purl);
  }

  get(purl: string): Component | undefined {
    return this.byPurl.get(purl);
  }

  /** Adds a component, or merges it into the one with the same purl; returns the kept one. */
  add(component: Component): Component {
    const kept = this.byPurl.get(component.purl);
    if (!kept) {
      this.byPurl.set(component.purl, component);
      return component;
    }
    kept.scope = strongerScope(kept.scope, component.scope);
    addHashes(kept.hashes, component.hashes);
    for (const other of component.otherHashes ?? []) {
      kept.otherHashes ??= [];
      if (!kept.otherHashes.some((h) => h.alg === other.alg && h.value === other.value)) kept.otherHashes.push(other);
    }
    for (const dep of component.dependsOn) addEdge(kept, dep);
    kept.license ??= component.license;
    kept.resolved ??= component.resolved;
    return kept;
  }

  /** Components in insertion order. */
  list(): Component[] {
    return [...this.byPurl.values()];
  }
}

/** Appends hashes not already present (same algorithm and content). */
export function addHashes(into: Hash[], hashes: Iterable<Hash>): void {
  const seen = new Set(into.map((h) => `${h.alg}:${h.content}`));
  for (const hash of hashes) {
    const key = `${hash.alg}:${hash.content}`;
    if (!seen.has(key)) {
      seen.add(key);
      into.push(hash);
    }
  }
}

/** Edges already on a component, so adding one stays constant time however many it has. */
const edgeSets = new WeakMap<Component, Set<string>>();

/** Adds `to` to `from.dependsOn` once; a self edge is dropped. */
export function addEdge(from: Component, to: string): void {
  if (from.purl === to) return;
  let edges = edgeSets.get(from);
  if (!edges) {
    edges = new Set(from.dependsOn);
    edgeSets.set(from, edges);
  }
  if (edges.has(to)) return;
  edges.add(to);
  from.dependsOn.push(to);
}

/**
 * Packages a dependency written by name alone may mean (several versions or platforms of one
 * name). Real lockfiles have a handful; past this many the name is ambiguous and left unlinked,
 * so a hostile file cannot make the edge count quadratic.
 */
export const MAX_NAME_CANDIDATES = 16;

/** Appends to the list under `key`, creating it. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
