/**
 * The OIDC issuer of GitHub Actions identity tokens for a GitHub server, as actions/attest and
 * Fulcio know them: github.com → `https://token.actions.githubusercontent.com`; GHE.com
 * (`https://<sub>.ghe.com`) → `https://token.actions.<sub>.ghe.com`; GitHub Enterprise Server →
 * `<server>/_services/token`.
 */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

export function githubIssuer(serverUrl = "https://github.com"): string {
  const url = new URL(serverUrl);
  if (url.hostname === "github.com") return GITHUB_ACTIONS_ISSUER;
  if (url.hostname.endsWith(".ghe.com")) return `https://token.actions.${url.hostname}`;
  return `${url.origin}/_services/token`;
}

/**
 * Whether a token's `iss` is the expected issuer: the same URL, or the expected one followed by
 * one path segment (GitHub Enterprise Cloud's per-enterprise issuer,
 * `https://token.actions.githubusercontent.com/<enterprise-slug>`). Unlike a plain prefix test,
 * `https://token.actions.githubusercontent.com.attacker.example` does not match.
 */
export function issuerMatches(iss: string, expected: string): boolean {
  const want = expected.replace(/\/+$/, "");
  const got = iss.replace(/\/+$/, "");
  if (got === want) return true;
  return got.startsWith(`${want}/`) && /^[A-Za-z0-9_-]+$/.test(got.slice(want.length + 1));
}
