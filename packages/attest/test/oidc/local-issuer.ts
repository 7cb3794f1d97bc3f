import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An OIDC issuer on 127.0.0.1 for the token-verification edge cases the testkit's Sigstore
 * stand-in (ES256, one key, always well-formed) does not produce: an RS256 key beside the ES256
 * one, tokens without `kid` or with an unknown one, tokens signed by a key the JWKS does not
 * publish, hand-made headers. Serves the discovery document and the JWKS; counts requests per
 * path. The runner's token endpoint is the stand-in's (`startSigstore().oidc`).
 */
export interface LocalIssuer {
  url: string;
  requests: Map<string, number>;
  sign(claims: Record<string, unknown>, options?: SignOptions): string;
  close(): Promise<void>;
}

export interface SignOptions {
  alg?: "ES256" | "RS256";
  kid?: string | null;
  /** Sign with a key the JWKS does not publish. */
  foreignKey?: boolean;
  header?: Record<string, unknown>;
}

export const NOW = 1_750_000_000;

/** The claim set GitHub puts in an Actions token, for a tag build of peptide-dev/payments. */
export function githubClaimSet(issuer: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jti: "5b1c7c4e-2f0e-4d0a-9b8e-1f2a3b4c5d6e",
    sub: "repo:peptide-dev/payments:ref:refs/tags/v1.4.0",
    aud: "sigstore",
    ref: "refs/tags/v1.4.0",
    sha: "4b6d1d0c1f3a8e2b9c7d5e6f7a8b9c0d1e2f3a4b",
    repository: "peptide-dev/payments",
    repository_owner: "peptide-dev",
    repository_owner_id: "148100000",
    run_id: "9876543210",
    run_number: "17",
    run_attempt: "2",
    repository_visibility: "public",
    repository_id: "708010203",
    actor_id: "583231",
    actor: "octocat",
    workflow: "release",
    head_ref: "",
    base_ref: "",
    event_name: "workflow_dispatch",
    ref_protected: "true",
    ref_type: "tag",
    workflow_ref: "peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.0",
    workflow_sha: "4b6d1d0c1f3a8e2b9c7d5e6f7a8b9c0d1e2f3a4b",
    job_workflow_ref: "peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.0",
    job_workflow_sha: "4b6d1d0c1f3a8e2b9c7d5e6f7a8b9c0d1e2f3a4b",
    runner_environment: "github-hosted",
    environment: "production",
    iss: issuer,
    nbf: NOW - 5,
    exp: NOW + 300,
    iat: NOW,
    ...overrides,
  };
}

export async function startLocalIssuer(): Promise<LocalIssuer> {
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const foreign = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const requests = new Map<string, number>();
  let base = "";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", base);
    requests.set(url.pathname, (requests.get(url.pathname) ?? 0) + 1);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/.well-known/openid-configuration") return json(200, { issuer: base, jwks_uri: `${base}/.well-known/jwks` });
    if (url.pathname === "/.well-known/jwks") {
      return json(200, {
        keys: [
          { ...ec.publicKey.export({ format: "jwk" }), kid: "es-1", alg: "ES256", use: "sig" },
          { ...rsa.publicKey.export({ format: "jwk" }), kid: "rs-1", alg: "RS256", use: "sig" },
        ],
      });
    }
    json(404, { message: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer: LocalIssuer = {
    url: base,
    requests,
    sign(claims, options = {}) {
      const alg = options.alg ?? "ES256";
      const kid = options.kid === undefined ? (alg === "ES256" ? "es-1" : "rs-1") : options.kid;
      const header = { alg, typ: "JWT", ...(kid === null ? {} : { kid }), ...options.header };
      const key: KeyObject = options.foreignKey ? foreign.privateKey : alg === "ES256" ? ec.privateKey : rsa.privateKey;
      return signJwt(header, claims, key, alg);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
  return issuer;
}

export function signJwt(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject, alg: "ES256" | "RS256"): string {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  const signature = alg === "ES256" ? sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }) : sign("sha256", Buffer.from(input), key);
  return `${input}.${signature.toString("base64url")}`;
}

function b64(text: string): string {
  return Buffer.from(text).toString("base64url");
}
