import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { OciLayout, RegistryClient, type ImageStore } from "@peptide/oci";
import { buildImage, OIDC_DEFAULT_REPOSITORY, OIDC_DEFAULT_SHA, OIDC_DEFAULT_WORKFLOW_PATH, startFakeGitHubApi, startRegistry, startSigstore, writeImage, type LoopbackRegistry, type SigstoreStandin } from "@peptide/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attachBundle,
  contextOf,
  createSigningSession,
  fetchAttachedBundles,
  findPromotions,
  githubDeploymentReview,
  IN_TOTO_STATEMENT_V1,
  promote,
  PROMOTION_PREDICATE_TYPE,
  provenanceStatement,
  SLSA_PROVENANCE_V1,
  TrustRoot,
  verifyBundles,
  type PromoteOptions,
  type Statement,
  type VerificationPolicy,
} from "../../src/index.js";

const CYCLONEDX = "https://cyclonedx.org/bom";
const REF = "refs/tags/v1.0.0";
const POLICY: VerificationPolicy = {
  signerWorkflow: `${OIDC_DEFAULT_REPOSITORY}/${OIDC_DEFAULT_WORKFLOW_PATH}`,
  sourceRef: "refs/tags/v*",
  runnerEnvironment: "github-hosted",
  predicateTypes: [SLSA_PROVENANCE_V1, CYCLONEDX],
};
const fast = { retries: 1, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 };

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

async function layout(name: string): Promise<OciLayout> {
  return OciLayout.create(await mkdtemp(path.join(os.tmpdir(), `peptide-promote-${name}-`)));
}

describe("promote", () => {
  let sigstore: SigstoreStandin;
  let trustedRoot: TrustRoot;
  beforeAll(async () => {
    sigstore = await startSigstore();
    trustedRoot = TrustRoot.fromJSON(sigstore.trustedRoot as unknown as Record<string, unknown>);
  });
  afterAll(() => sigstore.close());

  const signing = () => ({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: sigstore.oidc.mintToken({ ref: REF }) });

  /** An image in `store`, with signed provenance and SBOM attached unless `unsigned`. */
  async function builtImage(store: ImageStore, content: string, options: { unsigned?: boolean } = {}): Promise<string> {
    const image = await buildImage({ layers: [{ "app.txt": content }] });
    const { digest } = await writeImage(store, image, "build");
    if (options.unsigned) return digest;
    const token = sigstore.oidc.mintToken({ ref: REF });
    const subject = { name: "dev/svc", digest: { sha256: digest.slice("sha256:".length) } };
    const provenance = await provenanceStatement([subject], contextOf(claimsOf(token), {}, { workspace: os.tmpdir() }));
    const sbom: Statement = { _type: IN_TOTO_STATEMENT_V1, subject: [subject], predicateType: CYCLONEDX, predicate: { bomFormat: "CycloneDX", specVersion: "1.6", components: [] } };
    const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: token });
    for (const bundle of await session.signStatements([provenance, sbom])) await attachBundle(store, digest, bundle);
    return digest;
  }

  function options(source: ImageStore, digest: string, target: ImageStore, environment: string, extra: Partial<PromoteOptions> = {}): PromoteOptions {
    return {
      source: { store: source, digest, name: `${environment}-source/svc` },
      target: { store: target, tag: "1.0.0", name: `${environment}/svc` },
      environment,
      policy: POLICY,
      trustedRoot,
      signing: signing(),
      now: new Date("2026-11-23T03:00:00Z"),
      ...extra,
    };
  }

  it("promotes dev -> staging -> production with evidence, and production verifies from what was copied alone", async () => {
    const [dev, staging, production] = [await layout("dev"), await layout("staging"), await layout("production")];
    const digest = await builtImage(dev, "one");

    const toStaging = await promote(options(dev, digest, staging, "staging", { approvals: [{ user: "ana", at: "2026-11-23T02:59:00Z" }], author: "bob", forbidSelfApproval: true, runUrl: "https://github.com/acme/svc/actions/runs/1" }));
    expect(toStaging.checks.filter((c) => !c.ok)).toEqual([]);
    expect(toStaging.status).toBe("promoted");
    expect(toStaging.copy?.tagged).toBe(true);
    expect(toStaging.evidence?.statement.predicate).toMatchObject({ environment: "staging", digest, target: { name: "staging/svc", tag: "1.0.0" }, approvals: [{ user: "ana" }], author: "bob", runUrl: "https://github.com/acme/svc/actions/runs/1", promotedAt: "2026-11-23T03:00:00.000Z" });
    expect(toStaging.evidence?.statement.predicate.verification.reportDigest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(toStaging.evidence?.bundleDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await staging.resolve("1.0.0")).digest).toBe(digest);
    // The evidence is at the target and at the source, so the next environment sees it.
    for (const store of [staging, dev]) expect((await findPromotions(store, digest, { environment: "staging", policy: { sourceRepository: OIDC_DEFAULT_REPOSITORY }, trustedRoot })).map((p) => p.report.ok)).toEqual([true]);

    const toProduction = await promote(options(staging, digest, production, "production", { requirePrevious: { environment: "staging" } }));
    expect(toProduction.checks.filter((c) => !c.ok)).toEqual([]);
    expect(toProduction.status).toBe("promoted");
    expect(toProduction.checks.find((c) => c.name === "previous-environment")?.reason).toMatch(/^promoted to staging at /);
    expect((await production.resolve("1.0.0")).digest).toBe(digest);

    // Verifies at production with nothing but what was copied there.
    const bundles = (await fetchAttachedBundles(production, digest)).map((f) => f.bundle);
    const report = await verifyBundles(bundles, { sha256: digest }, POLICY, { trustedRoot });
    expect(report.ok).toBe(true);
    const environments = (await findPromotions(production, digest, { policy: { sourceRepository: OIDC_DEFAULT_REPOSITORY }, trustedRoot })).map((p) => p.predicate.environment).sort();
    expect(environments).toEqual(["production", "staging"]);

    // Re-running is a no-op: nothing copied, no second evidence.
    const again = await promote(options(staging, digest, production, "production", { requirePrevious: { environment: "staging" } }));
    expect(again.status).toBe("already-promoted");
    expect(again.copy?.alreadyComplete).toBe(true);
    expect(again.evidence).toBeUndefined();
    expect(await fetchAttachedBundles(production, digest, { predicateType: PROMOTION_PREDICATE_TYPE })).toHaveLength(2);
  }, 60_000);

  it("refuses a production promotion that skipped staging and copies nothing", async () => {
    const [dev, production] = [await layout("dev"), await layout("production")];
    const digest = await builtImage(dev, "two");
    const result = await promote(options(dev, digest, production, "production", { requirePrevious: { environment: "staging" } }));
    expect(result.status).toBe("refused");
    expect(result.checks.filter((c) => !c.ok)).toEqual([{ name: "previous-environment", ok: false, reason: `${digest} was never promoted to staging; promote it there first` }]);
    expect(result.copy).toBeUndefined();
    await expect(production.resolve("1.0.0")).rejects.toThrow();
    await expect(production.resolve(digest)).rejects.toThrow();
  }, 30_000);

  it("refuses an unsigned image, naming the failing check, and copies nothing", async () => {
    const [dev, staging] = [await layout("dev"), await layout("staging")];
    const digest = await builtImage(dev, "three", { unsigned: true });
    const result = await promote(options(dev, digest, staging, "staging"));
    expect(result.status).toBe("refused");
    expect(result.checks.find((c) => c.name === "attestations")).toMatchObject({ ok: false, reason: expect.stringMatching(/^bundle: no bundle was found/) });
    await expect(staging.resolve("1.0.0")).rejects.toThrow();
    await expect(staging.resolve(digest)).rejects.toThrow();
  });

  it("refuses an image signed by another workflow and a self-approved change", async () => {
    const [dev, staging] = [await layout("dev"), await layout("staging")];
    const digest = await builtImage(dev, "four");
    const other = await promote(options(dev, digest, staging, "staging", { policy: { ...POLICY, signerWorkflow: `${OIDC_DEFAULT_REPOSITORY}/.github/workflows/other.yml` } }));
    expect(other.status).toBe("refused");
    expect(other.checks.find((c) => c.name === "attestations")?.reason).toMatch(/signer-workflow: /);
    const self = await promote(options(dev, digest, staging, "staging", { approvals: [{ user: "Bob", at: "2026-11-23T02:59:00Z" }], author: "bob", forbidSelfApproval: true }));
    expect(self.status).toBe("refused");
    expect(self.checks.find((c) => c.name === "approvals")?.reason).toBe("Bob approved their own change; an approver other than the author (bob) is required");
    await expect(staging.resolve(digest)).rejects.toThrow();
  }, 30_000);

  it("reads the approvals of the run and the authors of the signed commit from GitHub, and refuses a self-approval", async () => {
    const [dev, staging] = [await layout("dev"), await layout("staging")];
    const digest = await builtImage(dev, "five");
    const api = await startFakeGitHubApi({
      token: "ghs_review",
      repos: {
        [OIDC_DEFAULT_REPOSITORY]: {
          commitAuthors: { [OIDC_DEFAULT_SHA]: "bob" },
          pulls: { [OIDC_DEFAULT_SHA]: [{ number: 42, author: "carol" }] },
          runs: {
            "7001": [
              { state: "approved", user: "ana", environments: ["staging"], comment: "LGTM" },
              { state: "approved", user: "dave", environments: ["production"] },
              { state: "rejected", user: "erin", environments: ["staging"] },
            ],
            "7002": [{ state: "approved", user: "carol", environments: ["staging"] }],
          },
        },
      },
    });
    try {
      const review = (runId: string) => githubDeploymentReview({ apiUrl: api.url, token: "ghs_review", repository: OIDC_DEFAULT_REPOSITORY, runId, retry: fast });
      // carol opened the pull request that brought the commit: her approval is a self-approval.
      const self = await promote(options(dev, digest, staging, "staging", { review: review("7002"), forbidSelfApproval: true }));
      expect(self.status).toBe("refused");
      expect(self.checks.find((c) => c.name === "approvals")?.reason).toBe("carol approved their own change; an approver other than the author (bob, carol) is required");
      await expect(staging.resolve(digest)).rejects.toThrow();

      const ok = await promote(options(dev, digest, staging, "staging", { review: review("7001"), forbidSelfApproval: true }));
      expect(ok.status).toBe("promoted");
      expect(ok.checks.find((c) => c.name === "approvals")?.reason).toBe("approved by ana, not the author (bob, carol)");
      expect(ok.evidence?.statement.predicate).toMatchObject({
        approvals: [{ user: "ana", comment: "LGTM" }],
        author: "bob",
        authors: ["bob", "carol"],
        change: { repository: OIDC_DEFAULT_REPOSITORY, commit: OIDC_DEFAULT_SHA },
      });
      expect(api.requests.every((r) => r.authorization === "Bearer ghs_review")).toBe(true);

      // A token without access fails in one line naming the permission to grant, never the token.
      const denied = githubDeploymentReview({ apiUrl: api.url, token: "ghs_expired", repository: OIDC_DEFAULT_REPOSITORY, runId: "7001", retry: fast });
      const error = await promote(options(dev, digest, staging, "staging", { review: denied, forbidSelfApproval: true })).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).not.toContain("ghs_expired");
      // Approvals given beside a review would stand in for the run's: refused.
      await expect(promote(options(dev, digest, staging, "staging", { review: review("7001"), approvals: [{ user: "ana" }] }))).rejects.toThrow(/not both/);
      const unknownRun = await githubDeploymentReview({ apiUrl: api.url, token: "ghs_review", repository: OIDC_DEFAULT_REPOSITORY, runId: "9", retry: fast }).approvals("staging").catch((e: unknown) => e as Error);
      expect((unknownRun as Error).message).toMatch(/permissions: actions: read/);
    } finally {
      await api.close();
    }
    // Pushed straight to the branch, no pull request: the author email is all there is, and it can
    // be forged (mallory commits as bob and approves), so the approval cannot be shown independent.
    const direct = await startFakeGitHubApi({
      repos: { [OIDC_DEFAULT_REPOSITORY]: { commitAuthors: { [OIDC_DEFAULT_SHA]: "bob" }, runs: { "7003": [{ state: "approved", user: "mallory", environments: ["staging", "qa"] }] } } },
    });
    try {
      const review = githubDeploymentReview({ apiUrl: direct.url, token: "t", repository: OIDC_DEFAULT_REPOSITORY, runId: "7003", retry: fast });
      const result = await promote(options(dev, digest, await layout("staging2"), "staging", { review, forbidSelfApproval: true }));
      expect(result.status).toBe("refused");
      expect(result.checks.find((c) => c.name === "approvals")?.reason).toMatch(/^no pull request brought .*, so its author is not established/);
      // Without forbidSelfApproval the approvals are only recorded.
      const recorded = await promote(options(dev, digest, await layout("qa"), "qa", { review }));
      expect(recorded.status).toBe("promoted");
      expect(recorded.evidence?.statement.predicate.approvals).toEqual([{ user: "mallory" }]);
    } finally {
      await direct.close();
    }
  }, 60_000);

  it("refuses a source that is not a digest", async () => {
    const dev = await layout("dev");
    const result = await promote(options(dev, "build", dev, "staging"));
    expect(result).toMatchObject({ status: "refused", checks: [{ name: "source-digest", ok: false }] });
  });
});

describe("promote between repositories of the loopback docker-registry", () => {
  let registry: LoopbackRegistry;
  let sigstore: SigstoreStandin;
  beforeAll(async () => {
    [registry, sigstore] = await Promise.all([startRegistry(), startSigstore()]);
  }, 30_000);
  afterAll(async () => {
    await registry?.stop();
    await sigstore?.close();
  });

  it("promotes with the referrers carried, and a tag already naming another digest is refused", async () => {
    const client = new RegistryClient({ retry: fast });
    const dev = client.repository(registry.host, "acme/svc-dev");
    const staging = client.repository(registry.host, "acme/svc-staging");
    const token = sigstore.oidc.mintToken({ ref: REF });
    const image = await buildImage({ layers: [{ "app.txt": "registry" }] });
    const { digest } = await writeImage(dev, image, "build");
    const subject = { name: "dev/svc", digest: { sha256: digest.slice(7) } };
    const provenance = await provenanceStatement([subject], contextOf(claimsOf(token), {}, { workspace: os.tmpdir() }));
    const sbom: Statement = { _type: IN_TOTO_STATEMENT_V1, subject: [subject], predicateType: CYCLONEDX, predicate: { bomFormat: "CycloneDX" } };
    const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: token });
    for (const bundle of await session.signStatements([provenance, sbom])) await attachBundle(dev, digest, bundle);
    const trustedRoot = TrustRoot.fromJSON(sigstore.trustedRoot as unknown as Record<string, unknown>);
    const base: PromoteOptions = {
      source: { store: dev, digest, name: `${registry.host}/acme/svc-dev` },
      target: { store: staging, tag: "1.0.0", name: `${registry.host}/acme/svc-staging` },
      environment: "staging",
      policy: POLICY,
      trustedRoot,
      signing: session,
    };
    const result = await promote(base);
    expect(result.status).toBe("promoted");
    expect(result.copy?.bytesUploaded).toBe(0);
    const bundles = (await fetchAttachedBundles(staging, digest)).map((f) => f.bundle);
    expect((await verifyBundles(bundles, { sha256: digest }, POLICY, { trustedRoot })).ok).toBe(true);
    expect((await promote(base)).status).toBe("already-promoted");

    const other = await writeImage(dev, await buildImage({ layers: [{ "app.txt": "other" }] }), "other");
    const session2 = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: token });
    const sub2 = { name: "dev/svc", digest: { sha256: other.digest.slice(7) } };
    const prov2 = await provenanceStatement([sub2], contextOf(claimsOf(token), {}, { workspace: os.tmpdir() }));
    for (const bundle of await session2.signStatements([prov2, { ...sbom, subject: [sub2] }])) await attachBundle(dev, other.digest, bundle);
    await expect(promote({ ...base, source: { ...base.source, digest: other.digest } })).rejects.toMatchObject({ code: "TAG_IMMUTABLE" });
    expect((await staging.resolve("1.0.0")).digest).toBe(digest);
  }, 60_000);
});
