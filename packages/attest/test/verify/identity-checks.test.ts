import { describe, expect, test } from "vitest";
import { identityChecks } from "../../src/verify/identity-checks.js";
import type { VerificationPolicy } from "../../src/verify/policy.js";
import { GITHUB_ISSUER, makeCertificate, SHA, SIGNER } from "./certificates.js";

const STRICT: VerificationPolicy = {
  certificateIdentity: SIGNER,
  certificateIdentityRegexp: "https://github\\.com/peptide-dev/payments/\\.github/workflows/release\\.yml@refs/tags/v.*",
  certificateOidcIssuer: GITHUB_ISSUER,
  signerWorkflow: "peptide-dev/payments/.github/workflows/release.yml",
  sourceRepository: "peptide-dev/payments",
  sourceRef: "refs/tags/v*",
  sourceDigest: `sha1:${SHA.toUpperCase()}`,
  runnerEnvironment: "github-hosted",
  deploymentEnvironment: "production",
};

function failing(checks: { name: string; ok: boolean }[]): string[] {
  return checks.filter((check) => !check.ok).map((check) => check.name);
}

describe("identity checks from the Fulcio extensions", () => {
  test("a release from a protected tag on a hosted runner passes every field, each listed", async () => {
    const checks = identityChecks(await makeCertificate(), STRICT);
    expect(checks.map((check) => check.name)).toEqual([
      "policy",
      "certificate-identity",
      "certificate-identity-regexp",
      "certificate-oidc-issuer",
      "signer-workflow",
      "source-repository",
      "source-ref",
      "source-digest",
      "runner-environment",
      "deployment-environment",
    ]);
    expect(failing(checks)).toEqual([]);
  });

  test("only the fields the policy sets are checked", async () => {
    const checks = identityChecks(await makeCertificate(), { sourceRepository: "peptide-dev/payments" });
    expect(checks.map((check) => check.name)).toEqual(["policy", "source-repository"]);
  });

  test("a policy that does not name the signer fails", async () => {
    const checks = identityChecks(await makeCertificate(), { runnerEnvironment: "github-hosted" });
    expect(failing(checks)).toEqual(["policy"]);
    expect(checks[0]?.reason).toMatch(/^policy does not say who must have signed/);
  });

  test.each<[string, Record<string, string | undefined>, string[]]>([
    ["a feature branch", { "1.3.6.1.4.1.57264.1.14": "refs/heads/feature-x" }, ["source-ref"]],
    ["a self-hosted runner", { "1.3.6.1.4.1.57264.1.11": "self-hosted" }, ["runner-environment"]],
    ["another issuer", { "1.3.6.1.4.1.57264.1.8": "https://gitlab.com" }, ["certificate-oidc-issuer"]],
    ["another commit", { "1.3.6.1.4.1.57264.1.13": "0".repeat(40) }, ["source-digest"]],
    ["no deployment environment", { "1.3.6.1.4.1.57264.1.23": undefined }, ["deployment-environment"]],
    ["a staging environment", { "1.3.6.1.4.1.57264.1.23": "staging" }, ["deployment-environment"]],
    [
      "a look-alike signer workflow",
      { "1.3.6.1.4.1.57264.1.9": "https://github.com/peptide-dev/payments/.github/workflows/release.yml.attacker.yml@refs/tags/v1.4.2" },
      ["signer-workflow"],
    ],
    ["a fork", { "1.3.6.1.4.1.57264.1.12": "https://github.com/peptide-dev/payments-fork" }, ["source-repository"]],
  ])("%s fails exactly its check", async (_, override, expected) => {
    const checks = identityChecks(await makeCertificate({ override }), STRICT);
    expect(failing(checks)).toEqual(expected);
  });

  test("the SAN is compared exactly, and the regexp is anchored", async () => {
    const certificate = await makeCertificate({ san: `${SIGNER}.attacker` });
    const checks = identityChecks(certificate, { certificateIdentity: SIGNER, certificateIdentityRegexp: "https://github\\.com/peptide-dev/payments/.*v1\\.4\\.2" });
    expect(failing(checks)).toEqual(["certificate-identity", "certificate-identity-regexp"]);
    expect(checks.find((check) => check.name === "certificate-identity")?.reason).toBe(`certificate identity is ${SIGNER}.attacker, expected ${SIGNER}`);
  });

  test("a missing extension is named with its OID", async () => {
    const checks = identityChecks(await makeCertificate({ override: { "1.3.6.1.4.1.57264.1.11": undefined } }), {
      sourceRepository: "peptide-dev/payments",
      runnerEnvironment: "github-hosted",
    });
    expect(checks.find((check) => check.name === "runner-environment")?.reason).toBe(
      "certificate has no runner environment (1.3.6.1.4.1.57264.1.11), expected github-hosted",
    );
  });
});
