import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { RegistryClient, staticCredentials } from "@peptide/oci";
import { buildImage, startRegistry, startSigstore, writeImage, type SigstoreStandin } from "@peptide/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempTree } from "./run-cli.js";
import { endpointFlags, SIGNER_WORKFLOW, signWith, trustedRootFile } from "./sigstore-cli.js";

const SLSA = "https://slsa.dev/provenance/v1";
const TEST_RESULT = "https://in-toto.io/attestation/test-result/v0.1";

describe("peptide sign", () => {
  let sigstore: SigstoreStandin;
  let root: string;
  beforeAll(async () => {
    sigstore = await startSigstore();
    root = await trustedRootFile(sigstore);
  });
  afterAll(() => sigstore.close());

  it("signs files with one token and one certificate, writes <file>.sigstore.json beside each, and verify passes", async () => {
    const dir = await tempTree({ "dist/app.tgz": "payments 1.4.2\n", "dist/app.sha": "abc\n", "notes.txt": "release notes\n" });
    const before = { ...sigstore.requests };
    const run = await signWith(sigstore, ["dist/*", "notes.txt"], dir);
    expect(run.stderr).toMatch(/^signed 3 files with one certificate for https:\/\/github\.com\/.+release\.yml@refs\/heads\/main: 3 bundle files, 3 log entries, 0 timestamps\n$/);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").filter(Boolean).sort()).toEqual(["dist/app.sha.sigstore.json", "dist/app.tgz.sigstore.json", "notes.txt.sigstore.json"]);
    expect((sigstore.requests.oidcToken ?? 0) - (before.oidcToken ?? 0)).toBe(1);
    expect((sigstore.requests.fulcio ?? 0) - (before.fulcio ?? 0)).toBe(1);
    expect((sigstore.requests.rekor ?? 0) - (before.rekor ?? 0)).toBe(3);

    const bundle = JSON.parse(await readFile(path.join(dir, "dist/app.tgz.sigstore.json"), "utf8"));
    expect(bundle.mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
    expect(bundle.messageSignature.messageDigest.algorithm).toBe("SHA2_256");

    const verified = await runCli(["verify", "dist/app.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW], dir);
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^verified\n/);
  });

  it("signs one in-toto statement over every subject (DSSE) and writes it beside each file, or in one .jsonl", async () => {
    const dir = await tempTree({
      "dist/a.tgz": "a",
      "dist/b.tgz": "b",
      "predicate.json": JSON.stringify({ result: "PASSED", configuration: [], passedTests: ["ledger balances"] }),
    });
    const beside = await signWith(sigstore, ["dist/a.tgz", "dist/b.tgz", "--predicate-type", TEST_RESULT, "--predicate", "predicate.json"], dir);
    expect(beside.code).toBe(0);
    expect(beside.stderr).toMatch(/^signed a https:\/\/in-toto\.io\/attestation\/test-result\/v0\.1 statement over 2 subjects with one certificate/);
    const bundle = JSON.parse(await readFile(path.join(dir, "dist/a.tgz.sigstore.json"), "utf8"));
    expect(bundle.dsseEnvelope.payloadType).toBe("application/vnd.in-toto+json");
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString("utf8"));
    expect(statement.subject.map((s: { name: string }) => s.name)).toEqual(["a.tgz", "b.tgz"]);
    expect(statement.predicateType).toBe(TEST_RESULT);

    const verified = await runCli(["verify", "dist/b.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW, "--predicate-type", TEST_RESULT], dir);
    expect(verified.code).toBe(0);
    const wrongType = await runCli(["verify", "dist/b.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW, "--predicate-type", SLSA], dir);
    expect(wrongType.code).toBe(1);
    expect(wrongType.stdout).toMatch(/FAIL {2}predicate-type: /);

    const jsonl = await signWith(sigstore, ["dist/*.tgz", "--predicate-type", TEST_RESULT, "--predicate", "predicate.json", "--bundle-jsonl", "out/all.jsonl"], dir);
    expect(jsonl.code).toBe(0);
    expect(jsonl.stdout).toBe("out/all.jsonl\n");
    expect(await readdir(path.join(dir, "out"))).toEqual(["all.jsonl"]);
    const fromJsonl = await runCli(["verify", "dist/a.tgz", "--bundle", "out/all.jsonl", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW], dir);
    expect(fromJsonl.stdout).toMatch(/artifact verified/);
    expect(fromJsonl.code).toBe(0);
  });

  it("signs a statement file made by peptide provenance as it is, into --bundle-dir", async () => {
    const statement = { _type: "https://in-toto.io/Statement/v1", subject: [{ name: "app.tgz", digest: { sha256: "a".repeat(64) } }], predicateType: SLSA, predicate: {} };
    const dir = await tempTree({ "prov.json": JSON.stringify(statement) });
    const run = await signWith(sigstore, ["--statement", "prov.json", "--bundle-dir", "bundles"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("bundles/app.tgz.sigstore.json\n");
    const refused = await signWith(sigstore, ["--statement", "prov.json"], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--statement needs one of --bundle-dir DIR or --bundle-jsonl FILE/);
  });

  it("without the id-token permission: exit 2 naming the missing variables and `permissions: id-token: write`, before any request", async () => {
    const dir = await tempTree({ "app.tgz": "x" });
    const before = sigstore.requests.fulcio ?? 0;
    const run = await runCli(["sign", "app.tgz", ...endpointFlags(sigstore)], dir, {});
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'peptide sign: no identity token for signing: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set; in a workflow add "permissions: id-token: write" to the job, elsewhere set SIGSTORE_ID_TOKEN\n',
    );
    expect(sigstore.requests.fulcio ?? 0).toBe(before);
  });

  it("never prints the identity token, when signing works and when Fulcio refuses it", async () => {
    const dir = await tempTree({ "app.tgz": "x" });
    const token = sigstore.oidc.mintToken();
    const ok = await runCli(["sign", "app.tgz", ...endpointFlags(sigstore), "--debug"], dir, { SIGSTORE_ID_TOKEN: token });
    expect(ok.code).toBe(0);
    const bundleText = await readFile(path.join(dir, "app.tgz.sigstore.json"), "utf8");
    const expired = sigstore.oidc.mintToken({ exp: Math.floor(Date.now() / 1000) - 60 });
    const refused = await runCli(["sign", "app.tgz", ...endpointFlags(sigstore), "--debug"], dir, { SIGSTORE_ID_TOKEN: expired });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^[\s\S]*peptide sign: /);
    for (const [secret, text] of [[token, ok.stdout + ok.stderr + bundleText], [expired, refused.stdout + refused.stderr]] as const) {
      for (const part of [secret, ...secret.split(".")]) expect(text).not.toContain(part);
    }
  });

  it("refuses an image without a predicate, unknown instances and half a statement with exit 2", async () => {
    const dir = await tempTree({ "app.tgz": "x" });
    const env = sigstore.oidc.runnerEnv();
    const image = await runCli(["sign", `ghcr.io/acme/app@sha256:${"b".repeat(64)}`], dir, env);
    expect(image.code).toBe(2);
    expect(image.stderr).toBe(
      `peptide sign: ghcr.io/acme/app@sha256:${"b".repeat(64)}: a message signature is over a file's bytes; sign an image as an attestation with --predicate-type and --predicate\n`,
    );
    const instance = await runCli(["sign", "app.tgz", "--instance", "staging"], dir, env);
    expect(instance.code).toBe(2);
    expect(instance.stderr).toMatch(/--instance must be one of public-good, github, got "staging"/);
    const half = await runCli(["sign", "app.tgz", "--predicate-type", SLSA], dir, env);
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/--predicate-type and --predicate go together/);
    const missing = await signWith(sigstore, ["nope.tgz"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("peptide sign: nope.tgz: no such file\n");
  });

  it("signs an image by digest as an attestation attached in the registry, and verify finds it there", async () => {
    const registry = await startRegistry();
    try {
      const image = await buildImage({ layers: [{ "app/server.js": "console.log('payments')\n" }] });
      await writeImage(new RegistryClient({ credentials: staticCredentials({}) }).repository(registry.host, "acme/payments"), image, "v1");
      const ref = `${registry.host}/acme/payments@${image.descriptor.digest}`;
      const dir = await tempTree({ "predicate.json": JSON.stringify({ result: "PASSED", configuration: [] }) });
      const signed = await signWith(sigstore, [ref, "--predicate-type", TEST_RESULT, "--predicate", "predicate.json"], dir);
      expect(signed.stderr).toMatch(/: 0 bundle files, 1 registry attachment, 1 log entry, 0 timestamps\n$/);
      expect(signed.code).toBe(0);
      expect(signed.stdout).toMatch(new RegExp(`^${registry.host.replace(/\./g, "\\.")}/acme/payments@sha256:[0-9a-f]{64}\n$`));
      const verified = await runCli(["verify", ref, "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW, "--predicate-type", TEST_RESULT, "--format", "json"], dir);
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ version: 1, ok: true, bundle: "registry", checks: [{ name: "bundle", ok: true }, { name: "predicate-types", ok: true }] });
      const wrongType = await runCli(["verify", ref, "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW, "--predicate-type", SLSA], dir);
      expect(wrongType.code).toBe(1);
      expect(wrongType.stdout).toContain(`FAIL  predicate-types: no passing attestation of ${SLSA}`);
    } finally {
      await registry.stop();
    }
  });

  it("signs with a timestamp and no log (--no-tlog --tsa-url), as GitHub's instance does", async () => {
    const dir = await tempTree({ "app.tgz": "x" });
    const run = await runCli(["sign", "app.tgz", "--fulcio-url", sigstore.fulcioURL, "--tsa-url", sigstore.tsaURL, "--no-tlog"], dir, sigstore.oidc.runnerEnv());
    expect(run.stderr).toMatch(/1 bundle file, 0 log entries, 1 timestamp\n$/);
    expect(run.code).toBe(0);
    const bundle = JSON.parse(await readFile(path.join(dir, "app.tgz.sigstore.json"), "utf8"));
    expect(bundle.verificationMaterial.tlogEntries).toEqual([]);
    expect(bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps).toHaveLength(1);
  });
});
