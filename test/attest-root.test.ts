import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { listReferrers, RegistryClient } from "@peptide/oci";
import {
  buildImage,
  buildIndex,
  runAction,
  startFakeAttestationsApi,
  startRegistry,
  startSigstore,
  writeImage,
  type LoopbackRegistry,
  type SigstoreStandin,
} from "@peptide/testkit";
import { actionDir, inputsRead, root, standinInputs, withoutMaskCommands, workspace, writeTrustedRoot } from "./attest-helpers.js";

/** The root action (`uses: <owner>/peptide@<sha>`): actions/attest's dist/, run from the repository root. */
describe("the root action", () => {
  let sigstore: SigstoreStandin;
  let registry: LoopbackRegistry;
  beforeAll(async () => {
    [sigstore, registry] = await Promise.all([startSigstore(), startRegistry()]);
  }, 30_000);
  afterAll(async () => {
    await sigstore?.close();
    await registry?.stop();
  });

  const env = () => sigstore.oidc.runnerEnv({ ref: "refs/tags/v1.4.0" });

  it("declares the same inputs and outputs as actions/attest, and runs its dist", async () => {
    const rootManifest = parse(await readFile(path.join(root, "action.yml"), "utf8"));
    const attest = parse(await readFile(path.join(actionDir("attest"), "action.yml"), "utf8"));
    expect(rootManifest.inputs).toEqual(attest.inputs);
    expect(rootManifest.outputs).toEqual(attest.outputs);
    expect(rootManifest.runs).toEqual({ using: attest.runs.using, main: "actions/attest/dist/index.js" });
  });

  it.each(["attest", "provenance", "sign", "verify", "promote", "trace"])("actions/%s reads exactly the inputs its action.yml declares", async (name) => {
    const manifest = parse(await readFile(path.join(actionDir(name), "action.yml"), "utf8"));
    expect(await inputsRead(name)).toEqual(new Set(Object.keys(manifest.inputs)));
  });

  it("makes the SBOM and the provenance of a file, signs both with one certificate, writes bundles that verify", async () => {
    const dir = await workspace();
    await writeTrustedRoot(dir, sigstore);
    const before = sigstore.requests.fulcio ?? 0;
    const run = await runAction({ actionDir: root, workspace: dir, env: env(), inputs: { "subject-path": "dist/payments-1.4.0.tgz", ...standinInputs(sigstore, { issuer: true }) } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect((sigstore.requests.fulcio ?? 0) - before).toBe(1);
    expect(run.node.version).toMatch(/^v24\./);
    const token = run.masks.find((m) => m.split(".").length === 3);
    expect(token).toBeDefined();
    expect(withoutMaskCommands(run.stdout + run.stderr + run.summary)).not.toContain(token!);
    const bundlePaths = run.outputs["bundle-paths"]!.split("\n");
    expect(bundlePaths.map((p) => path.relative(dir, p)).sort()).toEqual(["attestations/payments-1.4.0.tgz.sbom.sigstore.json", "attestations/payments-1.4.0.tgz.sigstore.json"]);
    expect(run.outputs["attestation-digests"]!.split("\n")).toHaveLength(2);
    const sbom = JSON.parse(await readFile(run.outputs["sbom-path"]!, "utf8"));
    expect(sbom.bomFormat).toBe("CycloneDX");
    const provenance = JSON.parse(await readFile(run.outputs["provenance-path"]!, "utf8"));
    expect(provenance.predicate.runDetails.byproducts?.some((b: { name?: string }) => b.name === "sbom.cdx.json")).toBe(true);
    expect(run.summary).toContain("## Peptide attest");
    expect(run.summary).toContain("https://cyclonedx.org/bom");

    for (const [bundle, type] of [
      ["attestations/payments-1.4.0.tgz.sigstore.json", "https://slsa.dev/provenance/v1"],
      ["attestations/payments-1.4.0.tgz.sbom.sigstore.json", "https://cyclonedx.org/bom"],
    ] as const) {
      const verify = await runAction({
        actionDir: actionDir("verify"),
        workspace: dir,
        inputs: { "subject-path": "dist/payments-1.4.0.tgz", bundle, "trusted-root": "trusted_root.json", "signer-workflow": "peptide-dev/payments/.github/workflows/release.yml", "predicate-type": type },
      });
      expect(verify.exitCode, verify.stdout).toBe(0);
    }
  }, 120_000);

  it("attaches both attestations to a multi-platform image in a registry without a referrers API, and verify reads them back", async () => {
    const dir = await workspace();
    await writeTrustedRoot(dir, sigstore);
    const store = new RegistryClient().repository(registry.host, "acme/payments");
    const amd = await buildImage({ layers: [{ "app/package.json": '{"name":"payments","version":"1.4.0"}' }] });
    const arm = await buildImage({ layers: [{ "app/package.json": '{"name":"payments","version":"1.4.0"}' }], platform: { os: "linux", architecture: "arm64" } });
    const index = await writeImage(store, buildIndex([amd, arm]), "v1.4.0");

    const run = await runAction({
      actionDir: root,
      workspace: dir,
      env: env(),
      inputs: { "subject-name": `${registry.host}/acme/payments`, "subject-digest": index.digest, "push-to-registry": true, "bundle-dir": "", ...standinInputs(sigstore, { issuer: true }) },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs["bundle-paths"]).toBe("");
    // Two bundles, each on the index and on both platform manifests.
    expect(run.outputs["registry-manifests"]!.split("\n")).toHaveLength(6);
    for (const digest of [index.digest, amd.descriptor.digest, arm.descriptor.digest]) {
      const listed = await listReferrers(store, digest);
      expect(listed.method).toBe("referrers-tag");
      expect(listed.referrers.map((r) => r.annotations?.["dev.sigstore.bundle.predicateType"]).sort()).toEqual(["https://cyclonedx.org/bom", "https://slsa.dev/provenance/v1"]);
    }

    const verify = await runAction({
      actionDir: actionDir("verify"),
      workspace: dir,
      inputs: {
        "subject-name": `${registry.host}/acme/payments`,
        "subject-digest": index.digest,
        "trusted-root": "trusted_root.json",
        "source-repository": "peptide-dev/payments",
        "predicate-type": "https://slsa.dev/provenance/v1\nhttps://cyclonedx.org/bom",
      },
    });
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(verify.summary).toContain("with 2 bundle(s)");
    // The statements name each platform manifest too, so a platform pulled by digest verifies.
    const platform = await runAction({
      actionDir: actionDir("verify"),
      workspace: dir,
      inputs: { "subject-name": `${registry.host}/acme/payments`, "subject-digest": arm.descriptor.digest, "trusted-root": "trusted_root.json", "source-repository": "peptide-dev/payments" },
    });
    expect(platform.exitCode, platform.stdout + platform.stderr).toBe(0);
  }, 120_000);

  it("stores both in the GitHub attestations API, and skips with a note where the plan lacks it", async () => {
    const api = await startFakeAttestationsApi({ repos: { "peptide-dev/payments": {}, "peptide-dev/private": { unavailable: 404 } } });
    try {
      const dir = await workspace();
      const inputs = { "subject-path": "dist/payments-1.4.0.tgz", "github-attestations": true, sbom: false, ...standinInputs(sigstore, { issuer: true }) };
      const run = await runAction({ actionDir: root, workspace: dir, env: { ...env(), GITHUB_API_URL: api.url }, inputs });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.outputs["attestation-ids"]).toBe("1000");
      expect(api.attestations).toHaveLength(1);
      expect(api.requests[0]?.authorization).toMatch(/^Bearer ghs_/);

      const skipped = await runAction({ actionDir: root, workspace: dir, env: { ...env(), GITHUB_API_URL: api.url, GITHUB_REPOSITORY: "peptide-dev/private" }, inputs });
      expect(skipped.exitCode, skipped.stdout + skipped.stderr).toBe(0);
      expect(skipped.outputs["attestation-ids"]).toBe("");
      expect(skipped.annotations.find((a) => a.level === "warning")?.message).toMatch(/github-attestations skipped: the GitHub attestations API is not available for peptide-dev\/private/);
      expect(skipped.summary).toMatch(/GitHub attestations skipped/);
    } finally {
      await api.close();
    }
  }, 120_000);
});
