/** The GITHUB_TOKEN permission scopes a `permissions:` block can set (`metadata: read` is implicit). */
export const SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
] as const;

export type Scope = (typeof SCOPES)[number];
export type Access = "read" | "write";
/** Scopes and the access each needs; an absent scope is `none`. */
export type Grants = Partial<Record<Scope, Access>>;

export function isScope(name: string): name is Scope {
  return (SCOPES as readonly string[]).includes(name);
}

/** `write` includes `read`. */
export function covers(granted: Access | "none" | undefined, needed: Access): boolean {
  if (granted === "write") return true;
  return granted === "read" && needed === "read";
}

export function maxAccess(a: Access | undefined, b: Access | undefined): Access | undefined {
  if (a === "write" || b === "write") return "write";
  return a ?? b;
}

/** Adds `from` into `into`, keeping the higher level of each scope; returns `into`. */
export function mergeGrants(into: Grants, from: Grants): Grants {
  for (const [scope, access] of grantEntries(from)) into[scope] = maxAccess(into[scope], access);
  return into;
}

/** The scopes in the order GitHub documents them. */
export function grantEntries(grants: Grants): Array<[Scope, Access]> {
  const out: Array<[Scope, Access]> = [];
  for (const scope of SCOPES) {
    const access = grants[scope];
    if (access) out.push([scope, access]);
  }
  return out;
}

/** `{contents: read, id-token: write}`, or `{}`: the flow form used in messages. */
export function formatGrants(grants: Grants): string {
  return `{${grantEntries(grants)
    .map(([scope, access]) => `${scope}: ${access}`)
    .join(", ")}}`;
}

/** Every scope at one level: what `read-all` / `write-all` grant. */
export function allScopes(level: Access): Grants {
  const out: Grants = {};
  for (const scope of SCOPES) {
    if (scope === "id-token" && level === "read") continue; // id-token has no read level
    out[scope] = scope === "models" ? "read" : level;
  }
  return out;
}
