/**
 * The `repository` and `sender` objects every webhook payload carries, trimmed from the
 * documented shapes: https://docs.github.com/en/webhooks/webhook-events-and-payloads
 * (the "repository" and "sender" properties; full shape in the REST "Get a repository" response,
 * https://docs.github.com/en/rest/repos/repos#get-a-repository).
 */

export const SERVER_URL = "https://github.com";
export const API_URL = "https://api.github.com";

/** Where every sample event happens unless told otherwise. */
export const DEFAULT_REPOSITORY = "peptide-dev/payments";
/** The commit sample events point at unless told otherwise. */
export const DEFAULT_SHA = "4b6d1d0c1f3a8e2b9c7d5e6f7a8b9c0d1e2f3a4b";
export const DEFAULT_ACTOR = "octocat";

export interface EventContext {
  /** `owner/name`. */
  repository?: string;
  sha?: string;
  actor?: string;
  /** `refs/heads/<branch>` or `refs/tags/<tag>`. */
  ref?: string;
}

export type Payload = Record<string, unknown>;

export function userObject(login: string, id = 583231): Payload {
  return {
    login,
    id,
    node_id: "MDQ6VXNlcjU4MzIzMQ==",
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url: `${API_URL}/users/${login}`,
    html_url: `${SERVER_URL}/${login}`,
    type: "User",
    site_admin: false,
  };
}

export function repositoryObject(fullName = DEFAULT_REPOSITORY): Payload {
  const [owner = "peptide-dev", name = "payments"] = fullName.split("/");
  const api = `${API_URL}/repos/${fullName}`;
  return {
    id: 708010203,
    node_id: "R_kgDOKjNXmw",
    name,
    full_name: fullName,
    private: false,
    owner: { ...userObject(owner, 148100000), type: "Organization" },
    html_url: `${SERVER_URL}/${fullName}`,
    description: "A small payments service",
    fork: false,
    url: api,
    git_refs_url: `${api}/git/refs{/sha}`,
    tags_url: `${api}/tags`,
    clone_url: `${SERVER_URL}/${fullName}.git`,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    created_at: "2023-10-20T09:00:00Z",
    updated_at: "2025-06-01T12:00:00Z",
    pushed_at: "2025-06-02T08:30:00Z",
    default_branch: "main",
    visibility: "public",
    archived: false,
    disabled: false,
    topics: [],
  };
}

/** Splits `owner/name`, failing loudly on anything else. */
export function splitRepository(fullName: string): { owner: string; name: string } {
  const [owner, name, ...rest] = fullName.split("/");
  if (!owner || !name || rest.length > 0) throw new Error(`repository must be "owner/name", got ${JSON.stringify(fullName)}`);
  return { owner, name };
}
