import { afterAll, beforeAll, expect, it } from "vitest";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { createSigningSession } from "../../src/sign/index.js";
import { statementFor, verifyWithSigstoreJs } from "./helpers.js";

let sigstore: SigstoreStandin;
beforeAll(async () => {
  sigstore = await startSigstore();
});
afterAll(async () => {
  await sigstore.close();
});

it("signs 1,000 statements with one token, one certificate and 1,000 log entries", async () => {
  const statements = Array.from({ length: 1000 }, (_, i) => statementFor([`dist/asset-${i}.tgz`]));
  const started = performance.now();
  const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, env: sigstore.oidc.runnerEnv() });
  const bundles = await session.signStatements(statements);
  const elapsedMs = performance.now() - started;

  expect(bundles).toHaveLength(1000);
  expect(session.stats).toEqual({ identityTokens: 1, certificates: 1, signatures: 1000, tlogEntries: 1000, timestamps: 0 });
  expect(sigstore.requests).toMatchObject({ oidcToken: 1, fulcio: 1, rekor: 1000 });
  expect(sigstore.rekorEntries).toHaveLength(1000);
  expect(new Set(bundles.map((b) => b.verificationMaterial.certificate?.rawBytes)).size).toBe(1);
  // Bundles come back in the order of the statements.
  for (const i of [0, 499, 999]) {
    const payload = JSON.parse(Buffer.from(bundles[i]?.dsseEnvelope?.payload ?? "", "base64").toString("utf8")) as { subject: Array<{ name: string }> };
    expect(payload.subject[0]?.name).toBe(`dist/asset-${i}.tgz`);
  }
  for (const i of [0, 250, 500, 750, 999]) verifyWithSigstoreJs(sigstore, bundles[i]!, { tlog: true, tsa: false });
  console.log(`1000 statements signed in ${Math.round(elapsedMs)} ms; requests ${JSON.stringify(sigstore.requests)}`);
}, 120_000);
