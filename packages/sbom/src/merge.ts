/**
 * Components from several sources (lockfiles of a directory, files of an image) merged into one
 * list keyed by purl: each source is kept, hashes and edges are united, and the strongest scope
 * wins (required over optional over dev). Linear in the number of components and edges.
 */
import type { Component } from "./model.js";
import { addEdge, addHashes, strongerScope } from "./readers/component-set.js";

export class ComponentMerger {
  private readonly byPurl = new Map<string, Component>();
  private readonly sources = new Map<Component, Set<string>>();

  get size(): number {
    return this.byPurl.size;
  }

  has(purl: string): boolean {
    return this.byPurl.has(purl);
  }

  /** Adds a component (copied, so the reader's object is not changed) or merges it into the kept one. */
  add(component: Component): Component {
    const kept = this.byPurl.get(component.purl);
    if (!kept) {
      const copy: Component = { ...component, hashes: [...component.hashes], dependsOn: [] };
      for (const dep of component.dependsOn) addEdge(copy, dep);
      if (component.otherHashes) copy.otherHashes = [...component.otherHashes];
      this.byPurl.set(copy.purl, copy);
      this.sources.set(copy, new Set(component.sources ?? [component.source]));
      return copy;
    }
    kept.scope = strongerScope(kept.scope, component.scope);
    addHashes(kept.hashes, component.hashes);
    for (const other of component.otherHashes ?? []) {
      if (!kept.otherHashes?.some((h) => h.alg === other.alg && h.value === other.value)) (kept.otherHashes ??= []).push(other);
    }
    for (const dep of component.dependsOn) addEdge(kept, dep);
    kept.license ??= component.license;
    kept.resolved ??= component.resolved;
    if (component.kind === "application") kept.kind = "application";
    const sources = this.sources.get(kept);
    for (const source of component.sources ?? [component.source]) sources?.add(source);
    return kept;
  }

  /** The merged components; `sources` is set on those read from more than one file. */
  list(): Component[] {
    const out: Component[] = [];
    for (const component of this.byPurl.values()) {
      const sources = [...(this.sources.get(component) ?? [])].sort();
      if (sources.length > 1) {
        component.sources = sources;
        component.source = sources[0] as string;
      }
      out.push(component);
    }
    return out;
  }
}
