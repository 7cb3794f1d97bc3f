/**
 * Demo step 4: the SLSA provenance of the image digest and the SBOM attestation, made the way
 * the root action makes them in a release job (a GitHub-style runner identity from the loopback
 * Sigstore stand-in), signed keylessly with one certificate, and attached to the image in the
 * layout as OCI 1.1 referrers.
 */
import {
  attachBundle,
  contextFromRunner,
  createSigningSession,
  IN_TOTO_STATEMENT_V1,
  provenanceStatement,
  requestIdToken,
  type ProvenanceStatement,
  type ResourceDescriptor,
  type SigningStats,
  type SigstoreBundle,
  type Statement,
  type Subject,
} from "@peptide/attest";
import type { ImageStore } from "@peptide/oci";
import type { SigstoreStandin } from "@peptide/testkit";

/** The release job the demo plays: a tag push of acme-payments/payments-service, run on GitHub's runners. */
export const RELEASE = {
  repository: "acme-payments/payments-service",
  workflowPath: ".github/workflows/release.yml",
  ref: "refs/tags/v1.4.2",
  sha: "9f2c4e71b0d3a58e6c1f7b29d4e8a03c5b6f1d27",
  actor: "maria-lopez",
  job: "image",
  environment: "release",
  issuer: "https://token.actions.githubusercontent.com",
} as const;

export const CYCLONEDX_PREDICATE_TYPE = "https://cyclonedx.org/bom";

export interface AttestedImage {
  provenance: ProvenanceStatement;
  bundles: { provenance: SigstoreBundle; sbom: SigstoreBundle };
  /** Artifact manifests pushed (one per bundle). */
  attached: string[];
  stats: SigningStats;
  signer: string;
  /** Milliseconds: identity token + provenance, then signing + attaching. */
  timings: { provenance: number; sign: number };
}

export interface AttestInput {
  sigstore: SigstoreStandin;
  store: ImageStore;
  subject: Subject;
  /** The checkout of the built commit: the workflow file and lockfiles are read here. */
  workspace: string;
  /** The CycloneDX document, attested as is, and its descriptor for the provenance's byproducts. */
  sbom: { document: unknown; descriptor: ResourceDescriptor };
}

export async function attestImage(input: AttestInput): Promise<AttestedImage> {
  const { sigstore } = input;
  const env = {
    ...sigstore.oidc.runnerEnv({
      repository: RELEASE.repository,
      workflow_path: RELEASE.workflowPath,
      ref: RELEASE.ref,
      sha: RELEASE.sha,
      actor: RELEASE.actor,
      actor_id: "5210774",
      repository_id: "812004455",
      repository_owner_id: "144290317",
      run_id: "13824460917",
      run_number: "318",
      environment: RELEASE.environment,
    }),
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_JOB: RELEASE.job,
    GITHUB_TRIGGERING_ACTOR: RELEASE.actor,
    GITHUB_WORKSPACE: input.workspace,
  };
  const started = performance.now();
  // One identity token serves the whole run: the provenance's claims and the signing certificate.
  const token = await requestIdToken(env, "sigstore");
  const context = await contextFromRunner(env, { token, issuer: RELEASE.issuer, keys: sigstore.oidc.jwks, sbom: input.sbom.descriptor });
  const provenance = await provenanceStatement([input.subject], context);
  const sbomStatement: Statement = { _type: IN_TOTO_STATEMENT_V1, subject: [input.subject], predicateType: CYCLONEDX_PREDICATE_TYPE, predicate: input.sbom.document };

  const provenanceDone = performance.now();
  const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, tsa: false, identityToken: token });
  const [provenanceBundle, sbomBundle] = await session.signStatements([provenance, sbomStatement]);
  if (provenanceBundle === undefined || sbomBundle === undefined) throw new Error("signing returned fewer bundles than statements");
  const attached: string[] = [];
  const digest = `sha256:${input.subject.digest.sha256}`;
  for (const bundle of [provenanceBundle, sbomBundle]) {
    for (const item of await attachBundle(input.store, digest, bundle)) attached.push(item.manifest.digest);
  }
  return {
    provenance,
    bundles: { provenance: provenanceBundle, sbom: sbomBundle },
    attached,
    stats: session.stats,
    timings: { provenance: provenanceDone - started, sign: performance.now() - provenanceDone },
    signer: `https://github.com/${RELEASE.repository}/${RELEASE.workflowPath}@${RELEASE.ref}`,
  };
}
