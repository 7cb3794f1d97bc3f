/**
 * A GitHub-Actions-style OIDC issuer: ES256 keys, discovery document and JWKS, and the token
 * endpoint the runner exposes to a job with `id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL,
 * bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN, `&audience=`, answer `{"count":…,"value":"<jwt>"}`).
 */
import { generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from "node:crypto";
import { OIDC_DEFAULT_REPOSITORY, githubClaims, type ClaimOverrides } from "./github-claims.js";
import { signJwt } from "./jwt.js";
import type { Route } from "./loopback-server.js";

export interface OidcIssuer {
  /** The `iss` of every token (the server URL unless `startSigstore({ issuer })` chose another). */
  issuer: string;
  /** Discovery document: `<url>/.well-known/openid-configuration`. */
  discoveryURL: string;
  jwksURL: string;
  jwks: { keys: JsonWebKey[] };
  /** ACTIONS_ID_TOKEN_REQUEST_URL for the default claims (already has `?api-version=2.0`). */
  requestURL: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN for the default claims. */
  requestToken: string;
  /** A signed token with the default GitHub claims plus `claims`; `aud` defaults to `sigstore`. */
  mintToken(claims?: ClaimOverrides): string;
  /**
   * Runner variables whose token endpoint answers with the default claims plus `claims`:
   * spread into a runner's env to simulate another workflow, a self-hosted runner, an expired token.
   */
  runnerEnv(claims?: ClaimOverrides): { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
}

export interface OidcIssuerState extends OidcIssuer {
  routes: Route[];
  publicKey: KeyObject;
}

const KID = "peptide-standin-es256";

export function createOidcIssuer(url: string, issuer: string = url): OidcIssuerState {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk: JsonWebKey = { ...publicKey.export({ format: "jwk" }), kid: KID, alg: "ES256", use: "sig" };
  const jwks = { keys: [jwk] };
  const bindings = new Map<string, ClaimOverrides>();
  const requestURL = `${url}/_apis/distributedtask/idtoken?api-version=2.0`;
  let issued = 0;

  const mint = (audience: string, claims: ClaimOverrides = {}): string =>
    signJwt(githubClaims(issuer, audience, claims), privateKey, KID);

  const runnerEnv = (claims: ClaimOverrides = {}) => {
    const token = randomBytes(24).toString("hex");
    bindings.set(token, claims);
    return { ACTIONS_ID_TOKEN_REQUEST_URL: requestURL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: token };
  };
  const defaults = runnerEnv();

  const routes: Route[] = [
    {
      name: "openidConfiguration",
      method: "GET",
      path: "/.well-known/openid-configuration",
      handle: () => json(200, {
        issuer,
        jwks_uri: `${url}/.well-known/jwks`,
        subject_types_supported: ["public", "pairwise"],
        response_types_supported: ["id_token"],
        claims_supported: ["sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "sha", "repository", "repository_id",
          "repository_owner", "repository_owner_id", "repository_visibility", "run_id", "run_number", "run_attempt",
          "runner_environment", "actor", "actor_id", "workflow", "workflow_ref", "workflow_sha", "job_workflow_ref",
          "job_workflow_sha", "head_ref", "base_ref", "event_name", "ref_type", "ref_protected", "environment"],
        id_token_signing_alg_values_supported: ["ES256"],
        scopes_supported: ["openid"],
      }),
    },
    { name: "jwks", method: "GET", path: "/.well-known/jwks", handle: () => json(200, jwks) },
    {
      name: "oidcToken",
      method: "GET",
      path: "/_apis/distributedtask/idtoken",
      handle: ({ url: requestUrl, headers }) => {
        // The auth scheme is case-insensitive (RFC 7235): @actions/core sends `Bearer`, others `bearer`.
        const match = /^bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
        const claims = match?.[1] ? bindings.get(match[1]) : undefined;
        if (!claims) return json(401, { message: "Unauthorized: bad or missing ACTIONS_ID_TOKEN_REQUEST_TOKEN" });
        const owner = String(claims["repository_owner"] ?? String(claims["repository"] ?? OIDC_DEFAULT_REPOSITORY).split("/")[0]);
        const audience = requestUrl.searchParams.get("audience") ?? `https://github.com/${owner}`;
        issued += 1;
        return json(200, { count: issued, value: mint(audience, claims) });
      },
    },
  ];

  return {
    issuer,
    discoveryURL: `${url}/.well-known/openid-configuration`,
    jwksURL: `${url}/.well-known/jwks`,
    jwks,
    requestURL,
    requestToken: defaults.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    mintToken: (claims = {}) => mint(typeof claims["aud"] === "string" ? claims["aud"] : "sigstore", claims),
    runnerEnv,
    routes,
    publicKey,
  };
}

function json(status: number, body: unknown) {
  return { status, body: JSON.stringify(body), contentType: "application/json" };
}
