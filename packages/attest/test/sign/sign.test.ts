import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulcioExtensions, startSigstore, subjectAltNameURIs, type SigstoreStandin } from "@peptide/testkit";
import { createSigningSession, signBlob, signStatements } from "../../src/sign/index.js";
import { expectBundleV03, statementFor, verifyWithSigstoreJs } from "./helpers.js";

let sigstore: SigstoreStandin;
beforeAll(async () => {
  sigstore = await startSigstore();
});
afterAll(async () => {
  await sigstore.close();
});

const JOB = "https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/heads/main";

describe("signStatements", () => {
  it("makes v0.3 DSSE bundles that verify, logged in Rekor", async () => {
    const env = sigstore.oidc.runnerEnv();
    const statements = [statementFor(["dist/app.tgz"]), statementFor(["dist/app.zip", "dist/app.whl"])];
    const bundles = await signStatements(statements, { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, env });
    expect(bundles).toHaveLength(2);
    for (const [i, bundle] of bundles.entries()) {
      expectBundleV03(bundle, "dsse", { tlog: true, tsa: false });
      const payload = JSON.parse(Buffer.from(bundle.dsseEnvelope?.payload ?? "", "base64").toString("utf8")) as unknown;
      expect(payload).toEqual(statements[i]);
      const signer = verifyWithSigstoreJs(sigstore, bundle, { tlog: true, tsa: false });
      expect(signer.identity?.subjectAlternativeName).toBe(JOB);
      expect(signer.identity?.extensions?.issuer).toBe(sigstore.oidc.issuer);
    }
  });

  it("uses the TSA instead of the log (the github instance's shape)", async () => {
    const env = sigstore.oidc.runnerEnv();
    const [bundle] = await signStatements([statementFor(["a.tgz"])], { fulcioURL: sigstore.fulcioURL, tsaURL: sigstore.tsaURL, env });
    expectBundleV03(bundle!, "dsse", { tlog: false, tsa: true });
    verifyWithSigstoreJs(sigstore, bundle!, { tlog: false, tsa: true });
  });

  it("uses both witnesses when both are given", async () => {
    const env = sigstore.oidc.runnerEnv();
    const options = { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, tsaURL: sigstore.tsaURL, env };
    const [bundle] = await signStatements([statementFor(["a.tgz"])], options);
    expectBundleV03(bundle!, "dsse", { tlog: true, tsa: true });
    verifyWithSigstoreJs(sigstore, bundle!, { tlog: true, tsa: true });
  });

  it("carries the token's claims into the certificate", async () => {
    const env = sigstore.oidc.runnerEnv({ runner_environment: "self-hosted", ref: "refs/tags/v1.4.0", environment: "production" });
    const [bundle] = await signStatements([statementFor(["a.tgz"])], { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, env });
    const der = Buffer.from(bundle!.verificationMaterial.certificate?.rawBytes ?? "", "base64");
    expect(subjectAltNameURIs(der)).toEqual(["https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.0"]);
    const ext = fulcioExtensions(der);
    expect(ext["1.3.6.1.4.1.57264.1.11"]).toBe("self-hosted");
    expect(ext["1.3.6.1.4.1.57264.1.14"]).toBe("refs/tags/v1.4.0");
    expect(ext["1.3.6.1.4.1.57264.1.23"]).toBe("production");
  });
});

describe("signBlob", () => {
  it("makes a v0.3 message-signature bundle (not sigstore-js's v0.2 chain) that verifies", async () => {
    const env = sigstore.oidc.runnerEnv();
    const blob = Buffer.from("release notes, signed\n");
    const bundle = await signBlob(blob, { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, tsaURL: sigstore.tsaURL, env });
    expectBundleV03(bundle, "message", { tlog: true, tsa: true });
    verifyWithSigstoreJs(sigstore, bundle, { artifact: blob, tlog: true, tsa: true });
    expect(() => verifyWithSigstoreJs(sigstore, bundle, { artifact: Buffer.from("other bytes"), tlog: true, tsa: true })).toThrow();
  });
});

describe("one session, one certificate", () => {
  it("shares the token and certificate between statements and blobs", async () => {
    const before = { ...sigstore.requests };
    const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, env: sigstore.oidc.runnerEnv() });
    const bundles = [
      ...(await session.signStatements([statementFor(["a"]), statementFor(["b"]), statementFor(["c"])])),
      await session.signBlob(Buffer.from("sbom")),
      await session.signStatement(statementFor(["d"])),
    ];
    const certs = new Set(bundles.map((b) => b.verificationMaterial.certificate?.rawBytes));
    expect(certs.size).toBe(1);
    expect(new X509Certificate(session.certificate ?? "").raw.toString("base64")).toBe([...certs][0]);
    expect(session.stats).toEqual({ identityTokens: 1, certificates: 1, signatures: 5, tlogEntries: 5, timestamps: 0 });
    const delta = (name: string) => (sigstore.requests[name] ?? 0) - (before[name] ?? 0);
    expect(delta("oidcToken")).toBe(1);
    expect(delta("fulcio")).toBe(1);
    expect(delta("rekor")).toBe(5);
  });

  it("renews the certificate when it is about to expire", async () => {
    // renewBeforeMs above the 10-minute lifetime: every signature finds the certificate "expiring".
    const session = await createSigningSession({
      fulcioURL: sigstore.fulcioURL,
      rekorURL: sigstore.rekorURL,
      env: sigstore.oidc.runnerEnv(),
      renewBeforeMs: 11 * 60_000,
    });
    await session.signBlob(Buffer.from("one"));
    await session.signBlob(Buffer.from("two"));
    expect(session.stats.certificates).toBe(2);
    expect(session.stats.identityTokens).toBe(2);
  });
});
