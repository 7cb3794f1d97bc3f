/**
 * The tamper suite, end to end against the loopback Sigstore stand-in: each tampered bundle or
 * hostile signer is rejected, and for the right reason — the exact set of failing checks is
 * asserted, so a case that fails "by accident" elsewhere does not pass.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { SLSA_PROVENANCE_V1 } from "../../src/types.js";
import { TrustRoot, verifyAttestation, verifyBundle, type VerificationPolicy, type VerificationReport } from "../../src/verify/index.js";
import { ARTIFACT, ARTIFACT_SHA256, provenanceFor, sha256, signBlobBundle, signStatementBundle, statementFor, type SignOptions } from "./signing.js";
import { withCertificateOf, withForgedCertificate, withoutLogEntries, withoutTimestamps, withoutTransparencyLogs, withStatement } from "./tampered.js";

type Json = Record<string, unknown>;

const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
const RELEASE = { ref: "refs/tags/v1.4.2" };
const SIGNER = "https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.2";

/** What a payments team asks of a release artifact. */
const POLICY: VerificationPolicy = {
  certificateOidcIssuer: GITHUB_ISSUER,
  signerWorkflow: "peptide-dev/payments/.github/workflows/release.yml",
  sourceRepository: "peptide-dev/payments",
  sourceRef: "refs/tags/v*",
  runnerEnvironment: "github-hosted",
};

let sigstore: SigstoreStandin;
let other: SigstoreStandin;
let trust: TrustRoot;
/** GitHub's instance: Fulcio + TSA, no transparency log in the trusted root. */
let githubTrust: TrustRoot;
/** A good public-good style attestation (Rekor entry) and a good GitHub style one (TSA only). */
let logged: Json;
let stamped: Json;

const sign = (statement = statementFor(ARTIFACT_SHA256), options: SignOptions = {}) =>
  signStatementBundle(sigstore, statement, { ...options, claims: { ...RELEASE, ...options.claims } });

function failing(report: VerificationReport): string[] {
  return report.checks.filter((check) => !check.ok).map((check) => check.name);
}

function reason(report: VerificationReport, name: string): string | undefined {
  return report.checks.find((check) => check.name === name)?.reason;
}

beforeAll(async () => {
  [sigstore, other] = await Promise.all([
    startSigstore({ issuer: GITHUB_ISSUER, acceptIssuers: ["https://attacker.example"] }),
    startSigstore({ issuer: GITHUB_ISSUER }),
  ]);
  trust = TrustRoot.fromJSON(sigstore.trustedRoot, "stand-in");
  githubTrust = TrustRoot.fromJSON(withoutTransparencyLogs(sigstore.trustedRoot as unknown as Json), "stand-in without log");
  [logged, stamped] = await Promise.all([sign(), sign(undefined, { tlog: false, tsa: true })]);
});

afterAll(async () => {
  await Promise.all([sigstore?.close(), other?.close()]);
});

describe("untampered bundles pass", () => {
  test("public-good style: rekor entry with SET and inclusion proof", async () => {
    const report = await verifyAttestation(logged, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.identity).toMatchObject({ issuer: GITHUB_ISSUER, buildSignerUri: SIGNER, sourceRepositoryRef: "refs/tags/v1.4.2", runnerEnvironment: "github-hosted" });
    expect(report.checks.map((check) => check.name)).toEqual([
      "bundle",
      "transparency-log",
      "timestamps",
      "certificate-chain",
      "certificate-validity",
      "signature",
      "subject-digest",
      "policy",
      "certificate-oidc-issuer",
      "signer-workflow",
      "source-repository",
      "source-ref",
      "runner-environment",
    ]);
  });

  test("GitHub style: TSA timestamp and no log entry, against a root without a log", async () => {
    const report = await verifyAttestation(stamped, ARTIFACT_SHA256, POLICY, { trustedRoot: githubTrust });
    expect(failing(report)).toEqual([]);
    expect(reason(report, "transparency-log")).toBe("no log entry, and the policy requires none (threshold 0)");
    expect(reason(report, "timestamps")).toMatch(/^1 verified \(1 from a timestamp authority\)/);
  });

  test("a GitHub style bundle against a root with a log needs tlogThreshold 0", async () => {
    const strict = await verifyAttestation(stamped, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(strict)).toEqual(["transparency-log"]);
    expect(reason(strict, "transparency-log")).toBe("expected 1 tlog entries, got 0");
    const relaxed = await verifyAttestation(stamped, ARTIFACT_SHA256, { ...POLICY, tlogThreshold: 0 }, { trustedRoot: trust });
    expect(failing(relaxed)).toEqual([]);
  });

  test("a blob's message signature, checked over the bytes and streamed from a file", async () => {
    const bundle = await signBlobBundle(sigstore, ARTIFACT, { claims: RELEASE });
    const inMemory = await verifyBundle(bundle, { bytes: ARTIFACT }, POLICY, { trustedRoot: trust });
    expect(failing(inMemory)).toEqual([]);
    const dir = await mkdtemp(path.join(tmpdir(), "peptide-verify-"));
    const file = path.join(dir, "payments-service-1.4.2.tgz");
    await writeFile(file, ARTIFACT);
    const streamed = await verifyBundle(bundle, { path: file }, POLICY, { trustedRoot: trust });
    expect(failing(streamed)).toEqual([]);
    const digestOnly = await verifyBundle(bundle, { sha256: ARTIFACT_SHA256 }, POLICY, { trustedRoot: trust });
    expect(failing(digestOnly)).toEqual(["signature"]);
    expect(reason(digestOnly, "signature")).toBe("a message signature is over the artifact's bytes; give the artifact, not only its digest");
    await rm(dir, { recursive: true, force: true });
  });

  test("the trusted root may be given as JSON", async () => {
    const report = await verifyAttestation(logged, ARTIFACT_SHA256, POLICY, { trustedRoot: sigstore.trustedRoot as unknown as Json });
    expect(report.ok).toBe(true);
  });
});

describe("tampered bundles and hostile signers are rejected for the right reason", () => {
  test("altered payload (logged): the signature and the log entry no longer match", async () => {
    const tampered = withStatement(logged, (statement) => {
      statement.predicate = { passed: false };
    });
    const report = await verifyAttestation(tampered, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["transparency-log", "signature"]);
    expect(reason(report, "signature")).toBe("dsse signature does not verify with the certificate's key");
    expect(reason(report, "transparency-log")).toBe("dsse payload hash mismatch");
  });

  test("altered payload (TSA only): the signature", async () => {
    const tampered = withStatement(stamped, (statement) => {
      statement.predicate = { passed: false };
    });
    const report = await verifyAttestation(tampered, ARTIFACT_SHA256, POLICY, { trustedRoot: githubTrust });
    expect(failing(report)).toEqual(["signature"]);
  });

  test("altered subject digest in the statement: the signature", async () => {
    const evil = sha256("a different tarball");
    const tampered = withStatement(stamped, (statement) => {
      (statement.subject as { digest: { sha256: string } }[])[0]!.digest.sha256 = evil;
    });
    const report = await verifyAttestation(tampered, evil, POLICY, { trustedRoot: githubTrust });
    expect(failing(report)).toEqual(["signature"]);
  });

  test("another artifact than the attested one: the subject digest", async () => {
    const evil = sha256("a different tarball");
    const report = await verifyAttestation(logged, evil, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["subject-digest"]);
    expect(reason(report, "subject-digest")).toBe(`artifact sha256:${evil} is not among the statement's 1 subject`);
  });

  test("altered blob: the message signature and the digest", async () => {
    const bundle = await signBlobBundle(sigstore, ARTIFACT, { claims: RELEASE });
    const report = await verifyBundle(bundle, { bytes: Buffer.from("patched binary") }, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["signature", "subject-digest"]);
  });

  test("wrong SAN: the certificate identity", async () => {
    const bundle = await sign(undefined, { claims: { ref: "refs/heads/main" } });
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, { certificateIdentity: SIGNER, certificateOidcIssuer: GITHUB_ISSUER }, { trustedRoot: trust });
    expect(failing(report)).toEqual(["certificate-identity"]);
    expect(reason(report, "certificate-identity")).toBe(
      `certificate identity is https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/heads/main, expected ${SIGNER}`,
    );
  });

  test("wrong issuer: the oidc issuer", async () => {
    const bundle = await sign(undefined, { claims: { iss: "https://attacker.example" } });
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["certificate-oidc-issuer"]);
    expect(reason(report, "certificate-oidc-issuer")).toBe(`oidc issuer is https://attacker.example, expected ${GITHUB_ISSUER}`);
  });

  test("the prefix trick on the signer workflow: release.yml.attacker.yml", async () => {
    const bundle = await sign(undefined, { claims: { job_workflow_ref: "peptide-dev/payments/.github/workflows/release.yml.attacker.yml@refs/tags/v1.4.2" } });
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["signer-workflow"]);
  });

  test("the same workflow path in another repository (a hostile reusable workflow)", async () => {
    const bundle = await sign(undefined, { claims: { job_workflow_ref: "evil/payments/.github/workflows/release.yml@refs/tags/v1.4.2" } });
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["signer-workflow"]);
  });

  test("self-hosted runner when github-hosted is required", async () => {
    const bundle = await sign(undefined, { claims: { runner_environment: "self-hosted" } });
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["runner-environment"]);
    expect(reason(report, "runner-environment")).toBe("runner environment is self-hosted, expected github-hosted");
  });

  test("certificate used outside its validity at log time", async () => {
    sigstore.skewClock({ rekor: 20 * 60_000 });
    let bundle: Json;
    try {
      bundle = await sign();
    } finally {
      sigstore.skewClock({ rekor: 0 });
    }
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["certificate-validity"]);
    expect(reason(report, "certificate-validity")).toMatch(/^signed at \S+, outside the certificate's validity \(\S+ to \S+\)$/);
  });

  test("certificate used outside its validity at the TSA's time", async () => {
    sigstore.skewClock({ tsa: 20 * 60_000 });
    let bundle: Json;
    try {
      bundle = await sign(undefined, { tlog: false, tsa: true });
    } finally {
      sigstore.skewClock({ tsa: 0 });
    }
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, POLICY, { trustedRoot: githubTrust });
    expect(failing(report)).toEqual(["certificate-validity"]);
  });

  test("bundle from another trust root", async () => {
    const bundle = await signStatementBundle(other, statementFor(ARTIFACT_SHA256), { claims: RELEASE, tsa: true });
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["transparency-log", "timestamps", "certificate-chain", "certificate-validity"]);
    expect(reason(report, "certificate-chain")).toMatch(/^certificate does not verify against the trusted root: /);
  });

  test("missing log entry when one is required", async () => {
    const bundle = await sign(undefined, { tsa: true });
    const report = await verifyAttestation(withoutLogEntries(bundle), ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["transparency-log"]);
    expect(reason(report, "transparency-log")).toBe("expected 1 tlog entries, got 0");
  });

  test("missing timestamp when one is required", async () => {
    const report = await verifyAttestation(withoutTimestamps(stamped), ARTIFACT_SHA256, POLICY, { trustedRoot: githubTrust });
    expect(failing(report)).toEqual(["timestamps", "certificate-validity"]);
    expect(reason(report, "timestamps")).toBe("expected 1 timestamps, got 0");
  });

  test("swapped certificate: a trusted identity's certificate over an attacker's signature", async () => {
    const attackers = await sign(statementFor(ARTIFACT_SHA256), { claims: { repository: "evil/payments" } });
    const swapped = withCertificateOf(attackers, logged);
    const report = await verifyAttestation(swapped, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["transparency-log", "signature"]);
    expect(reason(report, "transparency-log")).toMatch(/was made with another certificate than the bundle's$/);
  });

  test("forged certificate claims: a branch build rewritten to look like a tag", async () => {
    const branch = await sign(undefined, { claims: { ref: "refs/tags/w1.4.2" } });
    const forged = withForgedCertificate(branch, "refs/tags/w1.4.2", "refs/tags/v1.4.2");
    const report = await verifyAttestation(forged, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["transparency-log", "certificate-chain"]);
  });

  test("wrong predicate type", async () => {
    const report = await verifyAttestation(logged, ARTIFACT_SHA256, { ...POLICY, predicateTypes: [SLSA_PROVENANCE_V1] }, { trustedRoot: trust });
    expect(failing(report)).toEqual(["predicate-type"]);
    expect(reason(report, "predicate-type")).toBe(`predicate type https://example.com/test-result/v1 is not one of ${SLSA_PROVENANCE_V1}`);
  });

  test("provenance from an unprotected ref when refs/tags/v* is required", async () => {
    const builder = "https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/heads/feature-x";
    const bundle = await sign(provenanceFor(ARTIFACT_SHA256, builder), { claims: { ref: "refs/heads/feature-x" } });
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, { ...POLICY, predicateTypes: [SLSA_PROVENANCE_V1] }, { trustedRoot: trust });
    expect(failing(report)).toEqual(["source-ref"]);
    expect(reason(report, "source-ref")).toBe("source ref refs/heads/feature-x does not match refs/tags/v*");
    expect(reason(report, "builder-id")).toBe(`builder id ${builder} is the signing workflow`);
  });

  test("provenance naming another builder than the workflow that signed it", async () => {
    const bundle = await sign(provenanceFor(ARTIFACT_SHA256, SIGNER), { claims: { workflow_path: ".github/workflows/ci.yml" } });
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, { sourceRepository: "peptide-dev/payments" }, { trustedRoot: trust });
    expect(failing(report)).toEqual(["builder-id"]);
    expect(reason(report, "builder-id")).toBe(
      `builder id ${SIGNER} is not the signing workflow https://github.com/peptide-dev/payments/.github/workflows/ci.yml@refs/tags/v1.4.2`,
    );
  });

  test("a message signature where an attestation is required", async () => {
    const bundle = await signBlobBundle(sigstore, ARTIFACT, { claims: RELEASE });
    const report = await verifyAttestation(bundle, ARTIFACT_SHA256, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["bundle"]);
  });

  test("not a bundle", async () => {
    const report = await verifyBundle({ mediaType: "application/json" }, { sha256: ARTIFACT_SHA256 }, POLICY, { trustedRoot: trust });
    expect(failing(report)).toEqual(["bundle"]);
    expect(report.identity).toBeUndefined();
  });
});
