/**
 * One artifact against all its bundles, signed by the sign area's session (one token, one
 * certificate for the run), as `peptide verify` will do with a `.jsonl` or a registry's referrers.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { contextOf, provenanceStatement } from "../../src/provenance/index.js";
import { createSigningSession, type SigstoreBundle } from "../../src/sign/index.js";
import { SLSA_PROVENANCE_V1 } from "../../src/types.js";
import { formatArtifactReportText, loadTrustedRoot, TrustRoot, verifyBundles, type VerificationPolicy } from "../../src/verify/index.js";
import { ARTIFACT, ARTIFACT_SHA256, provenanceFor, statementFor } from "./signing.js";

const CYCLONEDX = "https://cyclonedx.org/bom";
const SIGNER = "https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.2";
const POLICY: VerificationPolicy = {
  signerWorkflow: "peptide-dev/payments/.github/workflows/release.yml",
  sourceRef: "refs/tags/v*",
  predicateTypes: [SLSA_PROVENANCE_V1, CYCLONEDX],
};

let sigstore: SigstoreStandin;
let dir: string;
let trust: TrustRoot;
let provenance: SigstoreBundle;
let sbom: SigstoreBundle;
let otherSubject: SigstoreBundle;
let blob: SigstoreBundle;

beforeAll(async () => {
  sigstore = await startSigstore();
  dir = await mkdtemp(path.join(tmpdir(), "peptide-verify-"));
  await writeFile(path.join(dir, "trusted_root.json"), JSON.stringify(sigstore.trustedRoot));
  trust = await loadTrustedRoot({ kind: "file", path: path.join(dir, "trusted_root.json") });
  const session = await createSigningSession({
    fulcioURL: sigstore.fulcioURL,
    rekorURL: sigstore.rekorURL,
    identityToken: sigstore.oidc.mintToken({ ref: "refs/tags/v1.4.2" }),
  });
  [provenance, sbom, otherSubject] = await session.signStatements([
    provenanceFor(ARTIFACT_SHA256, SIGNER),
    statementFor(ARTIFACT_SHA256, CYCLONEDX, { bomFormat: "CycloneDX" }),
    statementFor("0".repeat(64), SLSA_PROVENANCE_V1),
  ]) as [SigstoreBundle, SigstoreBundle, SigstoreBundle];
  blob = await session.signBlob(ARTIFACT);
  expect(session.stats.certificates).toBe(1);
});

afterAll(async () => {
  await sigstore?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("verifyBundles", () => {
  test("the sign area's bundles verify: provenance and SBOM both present for the artifact", async () => {
    const file = path.join(dir, "payments-service-1.4.2.tgz");
    await writeFile(file, ARTIFACT);
    const report = await verifyBundles([provenance, sbom, otherSubject], { path: file }, POLICY, { trustedRoot: trust });
    expect(report.ok).toBe(true);
    expect(report.bundles.map((bundle) => bundle.ok)).toEqual([true, true, false]);
    expect(report.checks).toEqual([
      { name: "bundle", ok: true, reason: "2 of 3 bundles pass every check" },
      { name: "predicate-types", ok: true, reason: `a passing attestation for each required predicate type: ${SLSA_PROVENANCE_V1}, ${CYCLONEDX}` },
    ]);
    expect(formatArtifactReportText(report)).toContain("FAIL  subject-digest:");
  });

  test("a required predicate type without a passing attestation fails predicate-types", async () => {
    const report = await verifyBundles([provenance, otherSubject], { sha256: ARTIFACT_SHA256 }, POLICY, { trustedRoot: trust });
    expect(report.ok).toBe(false);
    expect(report.checks.filter((check) => !check.ok)).toEqual([{ name: "predicate-types", ok: false, reason: `no passing attestation of ${CYCLONEDX}` }]);
  });

  test("a message signature bundle from the sign area verifies over the file's bytes", async () => {
    const report = await verifyBundles([blob], { bytes: ARTIFACT }, { signerWorkflow: POLICY.signerWorkflow ?? "" }, { trustedRoot: trust });
    expect(report.ok).toBe(true);
  });

  test("no bundle is a failure, not a pass", async () => {
    const report = await verifyBundles([], { sha256: ARTIFACT_SHA256 }, POLICY, { trustedRoot: trust });
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toEqual({ name: "bundle", ok: false, reason: "no bundle was found for the artifact" });
  });
});

describe("with the provenance area", () => {
  test("a provenance built from the signing token names the signing workflow as its builder", async () => {
    const token = sigstore.oidc.mintToken({ ref: "refs/tags/v1.4.2" });
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const statement = await provenanceStatement(
      [{ name: "payments-service-1.4.2.tgz", digest: { sha256: ARTIFACT_SHA256 } }],
      contextOf(claims, { GITHUB_SERVER_URL: "https://github.com" }),
    );
    const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: token });
    const [bundle] = await session.signStatements([statement]);
    const report = await verifyBundles([bundle], { sha256: ARTIFACT_SHA256 }, { ...POLICY, predicateTypes: [SLSA_PROVENANCE_V1] }, { trustedRoot: trust });
    expect(report.bundles[0]?.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.bundles[0]?.checks.find((check) => check.name === "builder-id")).toEqual({
      name: "builder-id",
      ok: true,
      reason: `builder id ${SIGNER} is the signing workflow`,
    });
  });
});

describe("trusted root sources", () => {
  test("a file that is not a trusted root is named in the error", async () => {
    const file = path.join(dir, "not-a-root.json");
    await writeFile(file, JSON.stringify({ mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json" }));
    await expect(loadTrustedRoot({ kind: "file", path: file })).rejects.toMatchObject({ code: "INPUT_INVALID", message: expect.stringContaining(file) });
    await expect(loadTrustedRoot({ kind: "file", path: path.join(dir, "missing.json") })).rejects.toMatchObject({ code: "INPUT_NOT_FOUND" });
  });

  test("TUF: a trusted_root.json given as the initial TUF root is named, before any request (tuf.test.ts covers TUF)", async () => {
    await expect(loadTrustedRoot({ kind: "tuf", mirrorUrl: "http://127.0.0.1:9", rootPath: path.join(dir, "trusted_root.json"), cacheDir: path.join(dir, "tuf") })).rejects.toMatchObject({
      code: "INPUT_INVALID",
      message: `${path.join(dir, "trusted_root.json")}: not a TUF root.json (expected signed._type "root"); a Sigstore trusted_root.json goes to --trusted-root`,
    });
  });
});
