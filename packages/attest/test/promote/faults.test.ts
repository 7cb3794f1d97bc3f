import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeptideError } from "@peptide/core";
import { OciError, RegistryClient, type ImageStore } from "@peptide/oci";
import { buildImage, OIDC_DEFAULT_REPOSITORY, OIDC_DEFAULT_WORKFLOW_PATH, startFaultProxy, startRegistry, startSigstore, writeImage, type FaultProxy, type LoopbackRegistry, type SigstoreStandin } from "@peptide/testkit";
import {
  attachBundle,
  contextOf,
  createSigningSession,
  fetchAttachedBundles,
  findPromotions,
  promote,
  provenanceStatement,
  SLSA_PROVENANCE_V1,
  TrustRoot,
  verifyBundles,
  type SigningSession,
  type VerificationPolicy,
} from "../../src/index.js";

const PROMOTIONS = 50;
const REF = "refs/tags/v1.0.0";
const POLICY: VerificationPolicy = { signerWorkflow: `${OIDC_DEFAULT_REPOSITORY}/${OIDC_DEFAULT_WORKFLOW_PATH}`, sourceRef: "refs/tags/v*", predicateTypes: [SLSA_PROVENANCE_V1] };
/** Codes a promotion through a faulty network may end with; anything else (or no code) is a bug. */
const EXPECTED_CODES = new Set(["NETWORK_UNREACHABLE", "HTTP_ERROR", "RATE_LIMITED", "NOT_FOUND", "REGISTRY_ERROR", "BLOB_UNKNOWN", "MANIFEST_UNKNOWN", "STORE_REGISTRY"]);

/**
 * 50 promotions (gate, copy, tag, evidence) through a loopback proxy in front of the registry that
 * drops connections, answers 500 and 429, and stalls on a share of requests: each completes after
 * retries or fails with a coded error, no target tag ever names an incomplete image or one
 * without its attestations, and re-runs finish every one, with its evidence recorded once.
 */
describe("promotions through a faulty network", () => {
  let registry: LoopbackRegistry;
  let proxy: FaultProxy;
  let sigstore: SigstoreStandin;
  beforeAll(async () => {
    [registry, sigstore] = await Promise.all([startRegistry(), startSigstore()]);
    proxy = await startFaultProxy({ target: registry.url, dropRate: 0.04, error500Rate: 0.04, error429Rate: 0.03, stallRate: 0.01, stallMs: 300, seed: 5 });
  }, 30_000);
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
    await sigstore?.close();
  });

  it("each completes or fails with a coded error, no tag names an incomplete image, and re-runs finish the job", async () => {
    const direct = new RegistryClient({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 } });
    const faulty = new RegistryClient({ retry: { retries: 2, baseDelayMs: 2, maxDelayMs: 20, timeoutMs: 250 } });
    const trustedRoot = TrustRoot.fromJSON(sigstore.trustedRoot as unknown as Record<string, unknown>);

    // The builds: one image, in 50 dev repositories (one a promotion, as 50 services would be),
    // each with its provenance attached, written without faults.
    const image = await buildImage({ layers: [{ "app/bin": "payments" }, { "etc/app.conf": "mode=prod\n" }] });
    const token = sigstore.oidc.mintToken({ ref: REF });
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const session: SigningSession = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: token });
    let digest = "";
    let bundle: unknown;
    for (let i = 0; i < PROMOTIONS; i++) {
      const source = direct.repository(registry.host, `dev/app${i}`);
      digest = (await writeImage(source, image, "build")).digest;
      bundle ??= await session.signStatement(await provenanceStatement([{ name: "dev/app", digest: { sha256: digest.slice(7) } }], contextOf(claims, {}, { workspace: os.tmpdir() })));
      await attachBundle(source, digest, bundle as Parameters<typeof attachBundle>[2]);
    }

    const run = (i: number) =>
      promote({
        source: { store: faulty.repository(proxy.host, `dev/app${i}`), digest, name: `dev/app${i}` },
        target: { store: faulty.repository(proxy.host, `prod/app${i}`), tag: "v1", name: `prod/app${i}` },
        environment: "production",
        policy: POLICY,
        trustedRoot,
        signing: session,
      });
    /** Read straight from the registry: a tag names the digest, with its blobs and its provenance, or nothing. */
    const checkTag = async (i: number): Promise<void> => {
      const target: ImageStore = direct.repository(registry.host, `prod/app${i}`);
      const tagged = await target.resolve("v1").then(
        (d) => d.digest,
        (error: unknown) => {
          if (error instanceof OciError && error.code === "MANIFEST_UNKNOWN") return undefined;
          throw error;
        },
      );
      if (tagged === undefined) return;
      expect(tagged).toBe(digest);
      const manifest = JSON.parse((await target.getManifest(digest)).bytes.toString("utf8")) as { config: { digest: string }; layers: Array<{ digest: string }> };
      for (const blob of [manifest.config, ...manifest.layers]) expect(await target.hasBlob(blob.digest), `prod/app${i} ${blob.digest}`).toBe(true);
      const bundles = (await fetchAttachedBundles(target, digest)).map((f) => f.bundle);
      expect((await verifyBundles(bundles, { sha256: digest }, POLICY, { trustedRoot })).ok, `prod/app${i}:v1 verifies`).toBe(true);
    };

    const failed: number[] = [];
    const codes: string[] = [];
    for (let i = 0; i < PROMOTIONS; i++) {
      try {
        const result = await run(i);
        expect(result.status).toBe("promoted");
      } catch (error) {
        expect(error).toBeInstanceOf(PeptideError);
        const code = (error as PeptideError).code;
        expect(EXPECTED_CODES, `${code}: ${(error as Error).message}`).toContain(code);
        expect((error as Error).message.split("\n")).toHaveLength(1);
        codes.push(code);
        failed.push(i);
      }
      await checkTag(i);
    }
    const { stats } = proxy;
    expect(stats.droppedBefore + stats.droppedAfter).toBeGreaterThan(0);
    expect(stats.error500 + stats.error429 + stats.stalled).toBeGreaterThan(0);
    console.log(`promotion faults: ${JSON.stringify(stats)}; ${failed.length} of ${PROMOTIONS} promotions failed first (${codes.join(", ") || "none"})`);

    // Re-runs through the same faulty proxy finish each failed promotion.
    let pending = failed;
    for (let round = 0; round < 6 && pending.length > 0; round++) {
      const still: number[] = [];
      for (const i of pending) {
        await run(i).catch(() => still.push(i));
        await checkTag(i);
      }
      pending = still;
    }
    expect(pending).toEqual([]);

    // Every target is tagged, verifies, and carries its promotion evidence exactly once.
    for (let i = 0; i < PROMOTIONS; i++) {
      const target = direct.repository(registry.host, `prod/app${i}`);
      expect((await target.resolve("v1")).digest).toBe(digest);
      const evidence = await findPromotions(target, digest, { environment: "production", policy: { sourceRepository: OIDC_DEFAULT_REPOSITORY }, trustedRoot });
      expect(evidence.filter((e) => e.report.ok && e.predicate.target.name === `prod/app${i}`), `prod/app${i}`).toHaveLength(1);
    }
  }, 600_000);
});
