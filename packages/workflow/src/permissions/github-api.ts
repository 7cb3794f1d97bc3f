import type { Access, Grants, Scope } from "./scopes.js";

/**
 * What one GitHub REST call needs from the job token: `grants`, plus `allows` (an alternative
 * scope GitHub also accepts), or `unknown` when the call needs a permission the job token
 * cannot have or that we do not map (admin endpoints, GraphQL, org-level routes).
 */
export interface ApiUse {
  grants: Grants;
  allows?: Grants;
  unknown?: string;
}

const NOTHING: ApiUse = { grants: {} };

/**
 * Issue comments, labels and reactions work on pull requests too, and GitHub accepts either
 * `issues` or `pull-requests` for them: pick the one the workflow's trigger points at.
 */
function issueLike(access: Access, pullRequests: boolean): ApiUse {
  return pullRequests
    ? { grants: { "pull-requests": access }, allows: { issues: access } }
    : { grants: { issues: access }, allows: { "pull-requests": access } };
}

function one(scope: Scope, access: Access): ApiUse {
  return { grants: { [scope]: access } };
}

/** `GET /repos/{owner}/{repo}/pulls/1`, `repos/$GITHUB_REPOSITORY/issues`, a full api.github.com URL... */
export function restUse(method: string, rawPath: string, pullRequests: boolean): ApiUse {
  const verb = method.toUpperCase();
  const access: Access = verb === "GET" || verb === "HEAD" ? "read" : "write";
  const path = rawPath
    .replace(/^https?:\/\/[^/]+/, "")
    .replace(/^\$\{\{\s*github\.api_url\s*\}\}/i, "")
    .replace(/^\$\{?GITHUB_API_URL\}?/, "")
    .replace(/[?#].*$/, "")
    .replace(/^\/+/, "");
  const parts = path.split("/").filter((p) => p !== "");
  const head = parts[0]?.toLowerCase();
  if (head === "graphql") return { grants: {}, unknown: "a GraphQL call" };
  if (head === "search" || head === "users" || head === "rate_limit" || head === "meta" || head === "emojis" || head === "licenses" || head === "gitignore" || head === "octocat" || head === "zen") {
    return access === "read" ? NOTHING : { grants: {}, unknown: `${verb} /${path}` };
  }
  if (head !== "repos") return { grants: {}, unknown: `${verb} /${path}` };
  // repos/{owner}/{repo}/... or repos/$GITHUB_REPOSITORY/... (owner and name in one variable)
  const combined = /GITHUB_REPOSITORY\b|github\.repository\b/i.test(parts[1] ?? "") && !/_OWNER|repository_owner/i.test(parts[1] ?? "");
  const rest = parts.slice(combined ? 2 : 3).map((p) => p.toLowerCase());
  return repoUse(verb, access, rest, pullRequests) ?? { grants: {}, unknown: `${verb} /${path}` };
}

function repoUse(verb: string, access: Access, rest: string[], pullRequests: boolean): ApiUse | undefined {
  const [resource, , sub] = rest;
  switch (resource) {
    case undefined:
      return access === "read" ? NOTHING : undefined; // PATCH /repos/x/y is an admin call
    case "issues": {
      // issues/{n}, its comments, labels and reactions also address pull requests
      const shared = rest[1] === "comments" || (rest[1] !== undefined && (rest[2] === undefined || ["comments", "labels", "reactions", "assignees"].includes(rest[2])));
      return shared ? issueLike(access, pullRequests) : one("issues", access);
    }
    case "labels":
    case "milestones":
    case "assignees":
      return one("issues", access);
    case "pulls":
      if (sub === "merge" && access === "write") return { grants: { contents: "write", "pull-requests": "write" } };
      return one("pull-requests", access);
    case "commits":
      if (sub === "status" || sub === "statuses") return one("statuses", "read");
      if (sub === "check-runs" || sub === "check-suites") return one("checks", "read");
      if (sub === "pulls") return one("pull-requests", "read");
      return one("contents", access);
    case "statuses":
      return one("statuses", access);
    case "check-runs":
    case "check-suites":
      return one("checks", access);
    case "releases":
    case "git":
    case "contents":
    case "branches":
    case "tags":
    case "merges":
    case "merge-upstream":
    case "compare":
    case "tarball":
    case "zipball":
    case "readme":
    case "dispatches":
    case "comments":
      return resource === "branches" && access === "write" ? undefined : one("contents", access);
    case "dependency-graph":
      return one("contents", rest[1] === "snapshots" ? "write" : "read");
    case "deployments":
      return one("deployments", access);
    case "environments":
      return access === "read" ? one("actions", "read") : undefined;
    case "actions":
      if (rest[1] === "secrets" || rest[1] === "variables" || rest[1] === "permissions" || rest[1] === "runners") return undefined;
      return one("actions", access);
    case "pages":
      return one("pages", access);
    case "code-scanning":
      return one("security-events", access);
    case "attestations":
      return one("attestations", access);
    case "collaborators":
    case "languages":
    case "topics":
    case "contributors":
    case "stargazers":
    case "subscribers":
    case "events":
    case "forks":
      return access === "read" ? NOTHING : undefined;
    default:
      return undefined;
  }
}

const READ_METHOD = /^(get|list|check|compare|download|search|export)/;

/** Octokit groups that need no permission of the repository (public data, the caller's own limits). */
const PUBLIC_GROUPS = new Set(["search", "users", "meta", "ratelimit", "markdown", "licenses", "emojis", "gitignore", "codesofconduct"]);

/**
 * `github.rest.<group>.<method>` in an actions/github-script script. Read or write follows the
 * method's verb (`get`/`list` read, anything else writes); the scope follows the group, and for
 * `repos` the method.
 */
export function octokitUse(group: string, method: string, pullRequests: boolean): ApiUse {
  const g = group.toLowerCase();
  const access: Access = READ_METHOD.test(method) ? "read" : "write";
  const what = `github.rest.${group}.${method}`;
  if (PUBLIC_GROUPS.has(g)) return access === "read" ? NOTHING : { grants: {}, unknown: what };
  switch (g) {
    case "issues":
      return /Comment|Label|Reaction/.test(method) || method === "get" || method === "update" ? issueLike(access, pullRequests) : one("issues", access);
    case "reactions":
      return /CommitComment/.test(method) ? one("contents", access) : /PullRequest/.test(method) ? one("pull-requests", access) : issueLike(access, pullRequests);
    case "pulls":
      return method === "merge" ? { grants: { contents: "write", "pull-requests": "write" } } : one("pull-requests", access);
    case "git":
    case "dependencygraph":
      return one("contents", method === "createRepositorySnapshot" ? "write" : access);
    case "actions":
      return /Secret|Variable|Permission|Runner|Oidc/.test(method) ? { grants: {}, unknown: what } : one("actions", access);
    case "checks":
      return one("checks", access);
    case "codescanning":
      return one("security-events", access);
    case "packages":
      return one("packages", access);
    case "repos":
      return reposUse(method, access) ?? { grants: {}, unknown: what };
    default:
      return { grants: {}, unknown: what };
  }
}

function reposUse(method: string, access: Access): ApiUse | undefined {
  if (/CommitStatus|StatusForRef|StatusesForRef/.test(method)) return one("statuses", access);
  if (/Deployment/.test(method)) return one("deployments", access);
  if (/Pages/.test(method)) return one("pages", access);
  if (/Release|Content|File|Commit|Branch|Tag|Readme|Archive|Dispatch|^merge|Tarball|Zipball/.test(method)) {
    if (/BranchProtection|Protection|renameBranch/.test(method)) return undefined;
    return one("contents", access);
  }
  if (access === "read" && /^(get|listLanguages|listTopics|listContributors|getCollaboratorPermissionLevel|checkCollaborator|listCollaborators|listForks)$/.test(method)) return NOTHING;
  return undefined;
}

const OCTOKIT_CALL = /\b(?:github|octokit)\.(?:rest\.)?([a-zA-Z]+)\.([a-zA-Z]+)\s*(?:\(|,|\))/g;
const OCTOKIT_REQUEST = /\b(?:github|octokit)\.(?:request|paginate)\(\s*["'`](GET|POST|PUT|PATCH|DELETE)\s+([^"'`]+)["'`]/g;
// `github.event.x` and friends are the expression context, not the Octokit client
const NOT_GROUPS = new Set(["rest", "request", "paginate", "graphql", "context", "hook", "log", "auth", "event", "repository", "workflow", "action", "actor", "ref", "sha", "job", "token"]);

/** Every GitHub API call an actions/github-script `script` makes, classified. */
export function githubScriptUses(script: string, pullRequests: boolean): ApiUse[] {
  const uses: ApiUse[] = [];
  for (const match of script.matchAll(OCTOKIT_CALL)) {
    const group = match[1] ?? "";
    if (NOT_GROUPS.has(group)) continue;
    const use = octokitUse(group, match[2] ?? "", pullRequests);
    uses.push(use.unknown ? { ...use, unknown: `calls ${use.unknown}` } : use);
  }
  for (const match of script.matchAll(OCTOKIT_REQUEST)) {
    const use = restUse(match[1] ?? "GET", match[2] ?? "", pullRequests);
    uses.push(use.unknown ? { ...use, unknown: `calls ${use.unknown}` } : use);
  }
  if (/\b(?:github|octokit)\.graphql\b/.test(script)) uses.push({ grants: {}, unknown: "calls github.graphql" });
  if (/\brequire\s*\(|\bimport\s*\(/.test(script)) uses.push({ grants: {}, unknown: "loads code from a file" });
  if (/\bgetOctokit\s*\(/.test(script) && !/getOctokit\s*\(\s*process\.env/.test(script)) uses.push({ grants: {}, unknown: "builds its own client with getOctokit()" });
  return uses;
}
