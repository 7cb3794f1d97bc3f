import { startSigstore } from "@peptide/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { githubIssuer, issuerMatches, OidcError, requestIdToken, verifyGitHubToken, verifyIdToken } from "../../src/oidc/index.js";
import { githubClaimSet, NOW, startLocalIssuer, type LocalIssuer } from "./local-issuer.js";

const at = new Date(NOW * 1000);

describe("verifyIdToken against a JWKS on loopback", () => {
  let issuer: LocalIssuer;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });

  const verify = (token: string, overrides: Partial<Parameters<typeof verifyIdToken>[1]> = {}) =>
    verifyIdToken(token, { issuer: issuer.url, audience: "sigstore", now: at, ...overrides });

  async function rejection(promise: Promise<unknown>): Promise<OidcError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OidcError);
    return error as OidcError;
  }

  it("accepts an ES256 token and returns its GitHub claims", async () => {
    const token = issuer.sign(githubClaimSet(issuer.url));
    const claims = await verifyGitHubToken(token, { issuer: issuer.url, audience: "sigstore", now: at });
    expect(claims).toMatchObject({
      iss: issuer.url,
      repository: "peptide-dev/payments",
      job_workflow_ref: "peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.0",
      runner_environment: "github-hosted",
      actor_id: "583231",
    });
    expect(issuer.requests.get("/.well-known/openid-configuration")).toBeGreaterThan(0);
    expect(issuer.requests.get("/.well-known/jwks")).toBeGreaterThan(0);
  });

  it("accepts an RS256 token, and a token without kid by trying the keys of its type", async () => {
    await expect(verify(issuer.sign(githubClaimSet(issuer.url), { alg: "RS256" }))).resolves.toMatchObject({ sub: expect.any(String) });
    await expect(verify(issuer.sign(githubClaimSet(issuer.url), { kid: null }))).resolves.toMatchObject({ sub: expect.any(String) });
  });

  it("accepts an audience list holding the expected one, and any of several expected audiences", async () => {
    await expect(verify(issuer.sign(githubClaimSet(issuer.url, { aud: ["other", "sigstore"] })))).resolves.toBeDefined();
    await expect(verify(issuer.sign(githubClaimSet(issuer.url, { aud: "nobody" })), { audience: ["sigstore", "nobody"] })).resolves.toBeDefined();
  });

  it("rejects a tampered payload and a signature by a key the issuer does not publish", async () => {
    const token = issuer.sign(githubClaimSet(issuer.url));
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, repository: "attacker/payments" })).toString("base64url");
    const tampered = await rejection(verify(`${header}.${forged}.${signature}`));
    expect(tampered.code).toBe("TOKEN_SIGNATURE");
    expect(tampered.message).toBe(`the identity token's signature does not verify against the keys of ${issuer.url}`);

    const foreign = await rejection(verify(issuer.sign(githubClaimSet(issuer.url), { foreignKey: true })));
    expect(foreign.code).toBe("TOKEN_SIGNATURE");

    const flipped = Buffer.from(signature, "base64url");
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    expect((await rejection(verify(`${header}.${payload}.${flipped.toString("base64url")}`))).code).toBe("TOKEN_SIGNATURE");
  });

  it("rejects a token from another issuer before fetching anything", async () => {
    const before = issuer.requests.get("/.well-known/openid-configuration") ?? 0;
    const error = await rejection(verify(issuer.sign(githubClaimSet("https://token.actions.githubusercontent.com"))));
    expect(error.code).toBe("TOKEN_ISSUER");
    expect(error.message).toBe(`the identity token was issued by https://token.actions.githubusercontent.com, expected ${issuer.url}`);
    const lookAlike = await rejection(verify(issuer.sign(githubClaimSet(`${issuer.url}.attacker.example`))));
    expect(lookAlike.code).toBe("TOKEN_ISSUER");
    expect(issuer.requests.get("/.well-known/openid-configuration") ?? 0).toBe(before);
  });

  it("rejects an expired token, one not yet valid, and one issued in the future, with a minute of tolerance", async () => {
    const expired = await rejection(verify(issuer.sign(githubClaimSet(issuer.url, { exp: NOW - 61 }))));
    expect(expired.code).toBe("TOKEN_EXPIRED");
    expect(expired.message).toMatch(/^the identity token expired at 2025-06-15T15:05:39.000Z \(now 2025-06-15T15:06:40.000Z\); request a fresh one$/);
    await expect(verify(issuer.sign(githubClaimSet(issuer.url, { exp: NOW - 30 })))).resolves.toBeDefined();
    expect((await rejection(verify(issuer.sign(githubClaimSet(issuer.url, { nbf: NOW + 120 }))))).code).toBe("TOKEN_NOT_YET_VALID");
    expect((await rejection(verify(issuer.sign(githubClaimSet(issuer.url, { iat: NOW + 120 }))))).code).toBe("TOKEN_NOT_YET_VALID");
    expect((await rejection(verify(issuer.sign(githubClaimSet(issuer.url, { exp: undefined }))))).code).toBe("TOKEN_CLAIMS");
  });

  it("rejects the wrong audience", async () => {
    const error = await rejection(verify(issuer.sign(githubClaimSet(issuer.url, { aud: "https://github.com/peptide-dev" }))));
    expect(error.code).toBe("TOKEN_AUDIENCE");
    expect(error.message).toBe("the identity token is for audience https://github.com/peptide-dev, expected sigstore");
  });

  it("rejects alg none, HMAC, and a kid the issuer does not have", async () => {
    const claims = Buffer.from(JSON.stringify(githubClaimSet(issuer.url))).toString("base64url");
    const none = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${claims}.`;
    expect((await rejection(verify(none))).code).toBe("TOKEN_ALGORITHM");
    const hs = `${Buffer.from(JSON.stringify({ alg: "HS256" })).toString("base64url")}.${claims}.c2ln`;
    expect((await rejection(verify(hs))).code).toBe("TOKEN_ALGORITHM");
    const unknownKid = await rejection(verify(issuer.sign(githubClaimSet(issuer.url), { kid: "rotated-away" })));
    expect(unknownKid.code).toBe("JWKS_INVALID");
    expect(unknownKid.message).toBe(`${issuer.url} publishes no ES256 key with kid rotated-away for the identity token`);
  });

  it("never puts the token in a message", async () => {
    const token = issuer.sign(githubClaimSet(issuer.url, { exp: NOW - 3600 }));
    const cases = [token, `${token}x`, token.split(".").slice(0, 2).join("."), `${token.slice(0, 20)}!.${token.slice(21)}`, token.replace(/\.[^.]+\./, ".e30x.")];
    for (const text of cases) {
      const error = (await verify(text).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(OidcError);
      for (const part of token.split(".")) expect(error.message).not.toContain(part.slice(0, 16));
    }
  });

  it("requires GitHub's claims", async () => {
    const claims = githubClaimSet(issuer.url, { job_workflow_ref: undefined, runner_environment: "" });
    const error = (await verifyGitHubToken(issuer.sign(claims), { issuer: issuer.url, audience: "sigstore", now: at }).catch((e: unknown) => e)) as OidcError;
    expect(error.code).toBe("TOKEN_CLAIMS");
    expect(error.message).toBe("the identity token lacks the GitHub Actions claim(s) job_workflow_ref, runner_environment; is it a GitHub Actions token?");
  });

  it("refuses a discovery document naming another issuer", async () => {
    const fetchStub: typeof fetch = async () => new Response(JSON.stringify({ issuer: "https://elsewhere.example", jwks_uri: `${issuer.url}/.well-known/jwks` }));
    const error = await rejection(verify(issuer.sign(githubClaimSet(issuer.url)), { fetch: fetchStub }));
    expect(error.code).toBe("JWKS_INVALID");
    expect(error.message).toContain("names issuer https://elsewhere.example");
  });

  it("requests a token from the runner endpoint for an audience", async () => {
    const sigstore = await startSigstore();
    try {
      const env = sigstore.oidc.runnerEnv();
      const token = await requestIdToken(env, "sigstore");
      const claims = await verifyIdToken(token, { issuer: sigstore.oidc.issuer, audience: "sigstore" });
      expect(claims.aud).toBe("sigstore");
      expect(sigstore.requests.oidcToken).toBe(1);
      const denied = (await requestIdToken({ ...env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "wrong-token-value" }, "sigstore").catch((e: unknown) => e)) as OidcError;
      expect(denied.code).toBe("TOKEN_UNAVAILABLE");
      expect(denied.message).not.toContain("wrong-token-value");
    } finally {
      await sigstore.close();
    }
    const missing = (await requestIdToken({}, "sigstore").catch((e: unknown) => e)) as OidcError;
    expect(missing.code).toBe("TOKEN_UNAVAILABLE");
    expect(missing.message).toBe('no identity token: ACTIONS_ID_TOKEN_REQUEST_URL is not set; add "permissions: id-token: write" to the job');
  });
});

describe("issuers", () => {
  it("derives GitHub's issuer from the server URL", () => {
    expect(githubIssuer()).toBe("https://token.actions.githubusercontent.com");
    expect(githubIssuer("https://github.com/")).toBe("https://token.actions.githubusercontent.com");
    expect(githubIssuer("https://acme.ghe.com")).toBe("https://token.actions.acme.ghe.com");
    expect(githubIssuer("https://github.acme.internal")).toBe("https://github.acme.internal/_services/token");
  });

  it("matches the issuer exactly or with an enterprise slug, not by string prefix", () => {
    const base = "https://token.actions.githubusercontent.com";
    expect(issuerMatches(base, base)).toBe(true);
    expect(issuerMatches(`${base}/`, base)).toBe(true);
    expect(issuerMatches(`${base}/acme-corp`, base)).toBe(true);
    expect(issuerMatches(`${base}.attacker.example`, base)).toBe(false);
    expect(issuerMatches(`${base}/a/b`, base)).toBe(false);
    expect(issuerMatches("https://token.actions.githubusercontent.co", base)).toBe(false);
  });
});
