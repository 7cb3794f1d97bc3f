/**
 * Policy checks over the signer's certificate: one check per policy field that is set, each
 * comparing it with the SAN or a Fulcio extension.
 */
import type { SigningCertificate } from "./certificate.js";
import { oidOf, type FulcioExtensionName } from "./fulcio-extensions.js";
import { anchoredRegExp, matchesRepository, matchesSignerWorkflow, normalizeDigest, refGlob } from "./matchers.js";
import { constrainsSigner, type VerificationPolicy } from "./policy.js";
import { fail, pass, type Check, type CheckName } from "./report.js";

export function identityChecks(certificate: SigningCertificate, policy: VerificationPolicy): Check[] {
  const { claims } = certificate;
  const san = certificate.subjectAlternativeNames[0];
  const checks: Check[] = [];

  checks.push(
    constrainsSigner(policy)
      ? pass("policy", "policy constrains the signer")
      : fail("policy", "policy does not say who must have signed: set certificate-identity, certificate-identity-regexp, signer-workflow or source-repository"),
  );
  if (policy.certificateIdentity !== undefined) {
    const expected = policy.certificateIdentity;
    checks.push(
      san === expected
        ? pass("certificate-identity", `certificate identity is ${san}`)
        : fail("certificate-identity", `certificate identity is ${san ?? "missing"}, expected ${expected}`),
    );
  }
  if (policy.certificateIdentityRegexp !== undefined) {
    const pattern = policy.certificateIdentityRegexp;
    checks.push(
      san !== undefined && anchoredRegExp(pattern).test(san)
        ? pass("certificate-identity-regexp", `certificate identity ${san} matches ^(?:${pattern})$`)
        : fail("certificate-identity-regexp", `certificate identity ${san ?? "missing"} does not match ^(?:${pattern})$`),
    );
  }
  const expectExact = (name: CheckName, field: FulcioExtensionName, label: string, expected: string | undefined) => {
    if (expected === undefined) return;
    const actual = claims[field];
    checks.push(
      actual === expected
        ? pass(name, `${label} is ${actual}`)
        : fail(name, actual === undefined ? `certificate has no ${label} (${oidOf(field)}), expected ${expected}` : `${label} is ${actual}, expected ${expected}`),
    );
  };
  expectExact("certificate-oidc-issuer", "issuer", "oidc issuer", policy.certificateOidcIssuer);

  const matchClaim = (name: CheckName, field: FulcioExtensionName, label: string, expected: string | undefined, matches: (actual: string) => boolean) => {
    if (expected === undefined) return;
    const actual = claims[field];
    if (actual === undefined) checks.push(fail(name, `certificate has no ${label} (${oidOf(field)}), expected ${expected}`));
    else if (matches(actual)) checks.push(pass(name, `${label} ${actual} matches ${expected}`));
    else checks.push(fail(name, `${label} ${actual} does not match ${expected}`));
  };
  const { signerWorkflow, sourceRepository, sourceRef, sourceDigest, serverUrl } = policy;
  matchClaim("signer-workflow", "buildSignerUri", "signer workflow", signerWorkflow, (actual) =>
    matchesSignerWorkflow(signerWorkflow ?? "", actual, serverUrl),
  );
  matchClaim("source-repository", "sourceRepositoryUri", "source repository", sourceRepository, (actual) =>
    matchesRepository(sourceRepository ?? "", actual, serverUrl),
  );
  matchClaim("source-ref", "sourceRepositoryRef", "source ref", sourceRef, (actual) => refGlob(sourceRef ?? "").test(actual));
  matchClaim("source-digest", "sourceRepositoryDigest", "source digest", sourceDigest, (actual) =>
    normalizeDigest(actual) === normalizeDigest(sourceDigest ?? ""),
  );
  expectExact("runner-environment", "runnerEnvironment", "runner environment", policy.runnerEnvironment);
  expectExact("deployment-environment", "deploymentEnvironment", "deployment environment", policy.deploymentEnvironment);
  return checks;
}
