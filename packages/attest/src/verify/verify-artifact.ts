/**
 * verifyBundles: one artifact against every bundle found for it (a `.jsonl`, the bundles attached
 * in a registry). It passes when at least one bundle passes, and, when the policy requires
 * predicate types, when each of them is carried by a bundle that passes.
 */
import { digestArtifact, type Artifact } from "./artifact.js";
import type { VerificationPolicy } from "./policy.js";
import { fail, pass, type ArtifactVerificationReport, type Check } from "./report.js";
import { TrustRoot } from "./trusted-root.js";
import { verifyBundle, type VerifyOptions } from "./verify-bundle.js";

export async function verifyBundles(
  bundles: readonly unknown[],
  artifact: Artifact,
  policy: VerificationPolicy,
  options: VerifyOptions,
): Promise<ArtifactVerificationReport> {
  const trustedRoot = options.trustedRoot instanceof TrustRoot ? options.trustedRoot : TrustRoot.fromJSON(options.trustedRoot);
  // Attestations need only the digest: read a file once, not once per bundle.
  const subject = bundles.some(isMessageSignature) || "sha256" in artifact ? artifact : { sha256: (await digestArtifact(artifact)).sha256 };
  const reports = [];
  for (const bundle of bundles) reports.push(await verifyBundle(bundle, subject, policy, { trustedRoot }));

  const passing = reports.filter((report) => report.ok);
  const checks: Check[] = [];
  if (bundles.length === 0) checks.push(fail("bundle", "no bundle was found for the artifact"));
  else if (passing.length === 0) checks.push(fail("bundle", `none of the ${bundles.length} bundles passes every check`));
  else checks.push(pass("bundle", `${passing.length} of ${bundles.length} bundles pass every check`));

  const required = policy.predicateTypes ?? [];
  if (required.length > 0) {
    const present = new Set(passing.map((report) => report.statement?.predicateType));
    const missing = required.filter((type) => !present.has(type));
    checks.push(
      missing.length === 0
        ? pass("predicate-types", `a passing attestation for each required predicate type: ${required.join(", ")}`)
        : fail("predicate-types", `no passing attestation of ${missing.join(", ")}`),
    );
  }
  return { ok: checks.every((check) => check.ok), checks, bundles: reports };
}

function isMessageSignature(bundle: unknown): boolean {
  if (typeof bundle === "string") return bundle.includes('"messageSignature"');
  if (bundle instanceof Uint8Array) return Buffer.from(bundle).toString("utf8").includes('"messageSignature"');
  return typeof bundle === "object" && bundle !== null && "messageSignature" in bundle;
}
