import type { Ecosystem, Sbom, Scope } from "./model.js";

export interface SbomStats {
  total: number;
  /** Components per ecosystem and scope. */
  byEcosystem: Array<{ ecosystem: Ecosystem; total: number; scopes: Record<Scope, number> }>;
  /** License expressions with how many components carry each, most common first. */
  licenses: Array<{ license: string; count: number }>;
  /** Components with no license known. */
  unlicensed: number;
  /** Components with at least one hash. */
  hashed: number;
}

/** Counts for summaries: per ecosystem and scope, licenses, hashes. */
export function sbomStats(sbom: Sbom): SbomStats {
  const eco = new Map<Ecosystem, Record<Scope, number>>();
  const licenses = new Map<string, number>();
  let unlicensed = 0;
  let hashed = 0;
  for (const c of sbom.components) {
    const scopes = eco.get(c.ecosystem) ?? { required: 0, optional: 0, dev: 0 };
    scopes[c.scope]++;
    eco.set(c.ecosystem, scopes);
    if (c.license) licenses.set(c.license, (licenses.get(c.license) ?? 0) + 1);
    else unlicensed++;
    if (c.hashes.length > 0 || (c.otherHashes?.length ?? 0) > 0) hashed++;
  }
  return {
    total: sbom.components.length,
    byEcosystem: [...eco]
      .map(([ecosystem, scopes]) => ({ ecosystem, total: scopes.required + scopes.optional + scopes.dev, scopes }))
      .sort((a, b) => b.total - a.total || (a.ecosystem < b.ecosystem ? -1 : 1)),
    licenses: [...licenses].map(([license, count]) => ({ license, count })).sort((a, b) => b.count - a.count || (a.license < b.license ? -1 : 1)),
    unlicensed,
    hashed,
  };
}
