import { execFileSync } from "node:child_process";
import { createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TRUSTED_ROOT_MEDIA_TYPE,
  fulcioExtensions,
  startSigstore,
  subjectAltNameURIs,
  type SigstoreStandin,
} from "../../src/index.js";

let sigstore: SigstoreStandin;
beforeAll(async () => {
  sigstore = await startSigstore();
});
afterAll(async () => {
  await sigstore.close();
});

function defaultEnv() {
  return { ACTIONS_ID_TOKEN_REQUEST_URL: sigstore.oidc.requestURL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: sigstore.oidc.requestToken };
}

function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

async function requestToken(env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string }, audience = "sigstore") {
  const res = await fetch(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${audience}`, {
    headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
  });
  return { status: res.status, body: (await res.json()) as { value?: string } };
}

/** What sigstore-js sends Fulcio: the public key and a signature over `sub`. */
async function requestCertificate(token: string, proofOf?: string, fulcioURL = sigstore.fulcioURL) {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const sub = proofOf ?? String(decodeClaims(token)["sub"]);
  const res = await fetch(`${fulcioURL}/api/v2/signingCert`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      credentials: { oidcIdentityToken: token },
      publicKeyRequest: {
        publicKey: { algorithm: "ECDSA", content: publicKey.export({ format: "pem", type: "spki" }) },
        proofOfPossession: sign("sha256", Buffer.from(sub), privateKey).toString("base64"),
      },
    }),
  });
  const body = (await res.json()) as { message?: string; signedCertificateEmbeddedSct?: { chain: { certificates: string[] } } };
  const pems = body.signedCertificateEmbeddedSct?.chain.certificates ?? [];
  const der = pems[0] ? Buffer.from(pems[0].replace(/-----[A-Z ]+-----|\s/g, ""), "base64") : undefined;
  return { status: res.status, message: body.message, pems, der };
}

describe("oidc issuer", () => {
  it("serves tokens the way the runner does, signed with the JWKS key", async () => {
    const { status, body } = await requestToken(defaultEnv());
    expect(status).toBe(200);
    const token = body.value ?? "";
    const claims = decodeClaims(token);
    expect(claims).toMatchObject({
      iss: sigstore.oidc.issuer,
      aud: "sigstore",
      repository: "peptide-dev/payments",
      sub: "repo:peptide-dev/payments:ref:refs/heads/main",
      job_workflow_ref: "peptide-dev/payments/.github/workflows/release.yml@refs/heads/main",
      runner_environment: "github-hosted",
      ref_type: "branch",
    });
    expect(claims).not.toHaveProperty("environment");

    const jwks = (await (await fetch(sigstore.oidc.jwksURL)).json()) as { keys: JsonWebKey[] };
    const [h, p, s] = token.split(".") as [string, string, string];
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { alg: string; kid: string };
    expect(header.alg).toBe("ES256");
    const jwk = jwks.keys.find((k) => k["kid"] === header.kid);
    expect(jwk).toBeDefined();
    const key = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
    expect(verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))).toBe(true);

    const discovery = (await (await fetch(sigstore.oidc.discoveryURL)).json()) as Record<string, unknown>;
    expect(discovery["issuer"]).toBe(sigstore.oidc.issuer);
    expect(discovery["jwks_uri"]).toBe(sigstore.oidc.jwksURL);
  });

  it("refuses a wrong bearer and defaults the audience to the owner URL", async () => {
    const bad = await requestToken({ ACTIONS_ID_TOKEN_REQUEST_URL: sigstore.oidc.requestURL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "nope" });
    expect(bad.status).toBe(401);
    const res = await fetch(sigstore.oidc.requestURL, { headers: { authorization: `Bearer ${sigstore.oidc.requestToken}` } });
    const body = (await res.json()) as { value: string };
    expect(decodeClaims(body.value)["aud"]).toBe("https://github.com/peptide-dev");
  });

  it("binds claims to a request token and derives the dependent claims", async () => {
    const env = sigstore.oidc.runnerEnv({ repository: "acme/ledger", ref: "refs/tags/v1.2.3", environment: "production" });
    const claims = decodeClaims((await requestToken(env)).body.value ?? "");
    expect(claims).toMatchObject({
      sub: "repo:acme/ledger:environment:production",
      repository_owner: "acme",
      ref_type: "tag",
      workflow_ref: "acme/ledger/.github/workflows/release.yml@refs/tags/v1.2.3",
      environment: "production",
    });
    const removed = decodeClaims(sigstore.oidc.mintToken({ repository_visibility: undefined }));
    expect(removed).not.toHaveProperty("repository_visibility");
  });
});

describe("fulcio", () => {
  it("issues a certificate with the GitHub extensions Fulcio derives from the claims", async () => {
    const token = sigstore.oidc.mintToken({ environment: "production", runner_environment: "self-hosted", run_attempt: "2" });
    const { status, der, pems } = await requestCertificate(token);
    expect(status).toBe(201);
    expect(pems).toHaveLength(2);
    const cert = der ?? Buffer.alloc(0);
    const job = "https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/heads/main";
    expect(subjectAltNameURIs(cert)).toEqual([job]);
    const sha = String(decodeClaims(token)["sha"]);
    expect(fulcioExtensions(cert)).toEqual({
      "1.3.6.1.4.1.57264.1.1": sigstore.oidc.issuer,
      "1.3.6.1.4.1.57264.1.2": "push",
      "1.3.6.1.4.1.57264.1.3": sha,
      "1.3.6.1.4.1.57264.1.4": "release",
      "1.3.6.1.4.1.57264.1.5": "peptide-dev/payments",
      "1.3.6.1.4.1.57264.1.6": "refs/heads/main",
      "1.3.6.1.4.1.57264.1.8": sigstore.oidc.issuer,
      "1.3.6.1.4.1.57264.1.9": job,
      "1.3.6.1.4.1.57264.1.10": sha,
      "1.3.6.1.4.1.57264.1.11": "self-hosted",
      "1.3.6.1.4.1.57264.1.12": "https://github.com/peptide-dev/payments",
      "1.3.6.1.4.1.57264.1.13": sha,
      "1.3.6.1.4.1.57264.1.14": "refs/heads/main",
      "1.3.6.1.4.1.57264.1.15": "2000002",
      "1.3.6.1.4.1.57264.1.16": "https://github.com/peptide-dev",
      "1.3.6.1.4.1.57264.1.17": "1000001",
      "1.3.6.1.4.1.57264.1.18": job,
      "1.3.6.1.4.1.57264.1.19": sha,
      "1.3.6.1.4.1.57264.1.20": "push",
      "1.3.6.1.4.1.57264.1.21": "https://github.com/peptide-dev/payments/actions/runs/9876543210/attempts/2",
      "1.3.6.1.4.1.57264.1.22": "private",
      "1.3.6.1.4.1.57264.1.23": "production",
    });
  });

  it("takes the signer URI from job_workflow_ref, not workflow_ref (reusable workflows)", async () => {
    const token = sigstore.oidc.mintToken({
      job_workflow_ref: "peptide-dev/shared/.github/workflows/build.yml@refs/tags/v2",
      job_workflow_sha: "a".repeat(40),
    });
    const { der } = await requestCertificate(token);
    const ext = fulcioExtensions(der ?? Buffer.alloc(0));
    expect(subjectAltNameURIs(der ?? Buffer.alloc(0))).toEqual(["https://github.com/peptide-dev/shared/.github/workflows/build.yml@refs/tags/v2"]);
    expect(ext["1.3.6.1.4.1.57264.1.10"]).toBe("a".repeat(40));
    expect(ext["1.3.6.1.4.1.57264.1.18"]).toBe("https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/heads/main");
    expect(ext).not.toHaveProperty("1.3.6.1.4.1.57264.1.23");
  });

  it.each([
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 60 }, /expired/],
    ["another audience", { aud: "https://github.com/peptide-dev" }, /audience/],
    ["an unknown issuer", { iss: "https://token.actions.githubusercontent.com" }, /unknown issuer/],
    ["a missing claim", { repository_visibility: undefined }, /repository_visibility/],
  ])("refuses %s with 401", async (_, claims, message) => {
    const { status, message: text } = await requestCertificate(sigstore.oidc.mintToken(claims));
    expect(status).toBe(401);
    expect(text).toMatch(message);
  });

  it("refuses a forged token and a bad proof of possession", async () => {
    const token = sigstore.oidc.mintToken();
    const [h, , s] = token.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...decodeClaims(token), repository: "evil/repo" })).toString("base64url")}.${s}`;
    expect((await requestCertificate(forged)).status).toBe(401);
    expect((await requestCertificate(token, "someone-else")).status).toBe(400);
  });

  it("puts the configured issuer in tokens and accepts extra issuers when told to", async () => {
    const other = await startSigstore({ issuer: "https://token.actions.githubusercontent.com", acceptIssuers: ["https://ghes.example/_services/token"] });
    try {
      const { status, der } = await requestCertificate(other.oidc.mintToken(), undefined, other.fulcioURL);
      expect(status).toBe(201);
      expect(fulcioExtensions(der ?? Buffer.alloc(0))["1.3.6.1.4.1.57264.1.8"]).toBe("https://token.actions.githubusercontent.com");
      const ghes = await requestCertificate(other.oidc.mintToken({ iss: "https://ghes.example/_services/token" }), undefined, other.fulcioURL);
      expect(ghes.status).toBe(201);
      // The other stand-in's keys are not this one's.
      expect((await requestCertificate(other.oidc.mintToken())).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it("chains to caPEM (openssl verify)", async () => {
    const { pems } = await requestCertificate(sigstore.oidc.mintToken());
    const dir = mkdtempSync(path.join(os.tmpdir(), "standin-"));
    writeFileSync(path.join(dir, "ca.pem"), sigstore.caPEM);
    writeFileSync(path.join(dir, "leaf.pem"), pems[0] ?? "");
    const out = execFileSync("openssl", ["verify", "-purpose", "any", "-CAfile", path.join(dir, "ca.pem"), path.join(dir, "leaf.pem")], { encoding: "utf8" });
    expect(out).toMatch(/leaf\.pem: OK/);
  });
});

describe("rekor", () => {
  it("stores a dsse entry the way Rekor does", async () => {
    const envelope = JSON.stringify({ payloadType: "application/vnd.in-toto+json", payload: Buffer.from("{}").toString("base64"), signatures: [{ keyid: "", sig: "c2ln" }] });
    const res = await fetch(`${sigstore.rekorURL}/api/v1/log/entries`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ apiVersion: "0.0.1", kind: "dsse", spec: { proposedContent: { envelope, verifiers: ["dmVyaWZpZXI="] } } }),
    });
    expect(res.status).toBe(201);
    const [uuid, entry] = Object.entries((await res.json()) as Record<string, { body: string; verification: { inclusionProof: { checkpoint: string } } }>)[0] ?? [];
    const body = JSON.parse(Buffer.from(entry?.body ?? "", "base64").toString("utf8")) as Record<string, unknown>;
    expect(body).toEqual({
      apiVersion: "0.0.1",
      kind: "dsse",
      spec: {
        envelopeHash: { algorithm: "sha256", value: expect.stringMatching(/^[0-9a-f]{64}$/) },
        payloadHash: { algorithm: "sha256", value: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a" },
        signatures: [{ signature: "c2ln", verifier: "dmVyaWZpZXI=" }],
      },
    });
    expect(entry?.verification.inclusionProof.checkpoint).toContain(`\u2014 ${new URL(sigstore.rekorURL).host} `);
    expect(sigstore.rekorEntries.at(-1)).toMatchObject({ uuid, kind: "dsse" });
    expect((await fetch(`${sigstore.rekorURL}/api/v1/log/entries/${uuid}`)).status).toBe(200);
  });
});

describe("stand-in", () => {
  it("describes itself in a trusted root", () => {
    const root = sigstore.trustedRoot;
    expect(root.mediaType).toBe(TRUSTED_ROOT_MEDIA_TYPE);
    expect(root.tlogs[0]?.baseUrl).toBe(sigstore.rekorURL);
    expect(root.certificateAuthorities[0]?.certChain.certificates).toHaveLength(1);
    expect(root.timestampAuthorities[0]?.certChain.certificates).toHaveLength(2);
    expect(root.ctlogs).toHaveLength(1);
  });

  it("counts requests and injects faults", async () => {
    const before = sigstore.requests["oidcToken"] ?? 0;
    sigstore.fail("oidcToken", { status: 503, times: 1 });
    expect((await requestToken(defaultEnv())).status).toBe(503);
    expect((await requestToken(defaultEnv())).status).toBe(200);
    expect(sigstore.requests["oidcToken"]).toBe(before + 2);
  });

  it("skews a service clock", async () => {
    const own = await startSigstore();
    try {
      own.skewClock({ rekor: 3_600_000 });
      const res = await fetch(`${own.rekorURL}/api/v1/log/entries`, {
        method: "POST",
        body: JSON.stringify({ apiVersion: "0.0.1", kind: "hashedrekord", spec: { data: { hash: { algorithm: "sha256", value: "00" } }, signature: { content: "", publicKey: { content: "" } } } }),
      });
      expect(res.status).toBe(201);
      expect(own.rekorEntries[0]?.integratedTime).toBeGreaterThan(Date.now() / 1000 + 3_500);
    } finally {
      await own.close();
    }
  });
});
