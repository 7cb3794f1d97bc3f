/**
 * How policy values match certificate claims. Every matcher is anchored at both ends: a value
 * that only starts or ends like the expected one never passes.
 */
export const DEFAULT_SERVER_URL = "https://github.com";

/** `owner/repo` or a full repository URL -> `https://host/owner/repo`, lower-cased (GitHub names are case-insensitive). */
export function repositoryUrl(value: string, serverUrl = DEFAULT_SERVER_URL): string {
  const trimmed = value.trim().replace(/\.git$/, "").replace(/\/+$/, "");
  const full = /^https?:\/\//i.test(trimmed) ? trimmed : `${serverUrl.replace(/\/+$/, "")}/${trimmed}`;
  return full.toLowerCase();
}

export function matchesRepository(expected: string, actual: string | undefined, serverUrl?: string): boolean {
  return actual !== undefined && repositoryUrl(expected, serverUrl) === repositoryUrl(actual, serverUrl);
}

interface WorkflowRef {
  /** `https://host/owner/repo`, lower-cased. */
  repository: string;
  /** The path inside the repository, case kept: `.github/workflows/release.yml`. */
  path: string;
  ref: string | undefined;
}

/** Splits `[https://host/]owner/repo/path[@ref]` into its parts; undefined when it has no path. */
export function parseWorkflowRef(value: string, serverUrl = DEFAULT_SERVER_URL): WorkflowRef | undefined {
  const at = value.indexOf("@");
  const location = at === -1 ? value : value.slice(0, at);
  const ref = at === -1 ? undefined : value.slice(at + 1);
  const withoutHost = location.replace(/^https?:\/\/[^/]+\//i, "");
  const host = location.slice(0, location.length - withoutHost.length).replace(/\/$/, "") || serverUrl;
  const segments = withoutHost.split("/");
  if (segments.length < 3 || segments.some((segment) => segment === "")) return undefined;
  return {
    repository: `${host}/${segments[0]}/${segments[1]}`.toLowerCase(),
    path: segments.slice(2).join("/"),
    ref: ref === "" ? undefined : ref,
  };
}

/**
 * The signer-workflow rule: the repository (case-insensitive) and the workflow path must be equal,
 * and the ref too when the policy names one. `owner/repo/.github/workflows/release.yml` matches
 * `https://github.com/owner/repo/.github/workflows/release.yml@refs/tags/v1` but not
 * `.../release.yml.attacker.yml@...` nor the same path in another repository.
 */
export function matchesSignerWorkflow(expected: string, actual: string | undefined, serverUrl?: string): boolean {
  if (actual === undefined) return false;
  const want = parseWorkflowRef(expected, serverUrl);
  const got = parseWorkflowRef(actual, serverUrl);
  if (!want || !got) return false;
  if (want.repository !== got.repository || want.path !== got.path) return false;
  return want.ref === undefined || want.ref === got.ref;
}

/** A ref glob as an anchored RegExp: `*` is any run of characters but `/`, `**` any run at all. */
export function refGlob(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*" && pattern[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (char === "*") {
      source += "[^/]*";
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}

/** A user regexp anchored at both ends, as cosign's --certificate-identity-regexp is documented to be used. */
export function anchoredRegExp(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** Commit digests compare without case and without a `sha1:` style prefix. */
export function normalizeDigest(value: string): string {
  return value.trim().toLowerCase().replace(/^[a-z0-9-]+:/, "");
}
