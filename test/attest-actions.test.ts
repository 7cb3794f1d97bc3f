import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listReferrers, RegistryClient } from "@peptide/oci";
import { buildImage, runAction, startRegistry, startSigstore, writeImage, type SigstoreStandin } from "@peptide/testkit";
import { closedPort, startTufRepository } from "../packages/attest/test/verify/tuf-repository.js";
import { actionDir, standinInputs, withoutMaskCommands, workspace, writeTrustedRoot } from "./attest-helpers.js";

/** actions/provenance → actions/sign → actions/verify, each dist/ run as the runner runs it, against the Sigstore stand-in. */
describe("provenance, sign and verify actions", () => {
  let sigstore: SigstoreStandin;
  beforeAll(async () => {
    sigstore = await startSigstore();
  });
  afterAll(async () => sigstore?.close());

  const claims = { ref: "refs/tags/v1.4.0" };
  const signerWorkflow = "peptide-dev/payments/.github/workflows/release.yml";

  it("makes the provenance, signs it, and verifies it against the signer's workflow", async () => {
    const dir = await workspace();
    await writeTrustedRoot(dir, sigstore);
    const env = sigstore.oidc.runnerEnv(claims);
    const provenance = await runAction({ actionDir: actionDir("provenance"), workspace: dir, env, inputs: { "subject-path": "dist/*.tgz", "oidc-issuer": sigstore.oidc.issuer } });
    expect(provenance.exitCode, provenance.stdout + provenance.stderr).toBe(0);
    expect(provenance.outputs["predicate-type"]).toBe("https://slsa.dev/provenance/v1");
    expect(provenance.outputs["subject-count"]).toBe("1");
    const statement = JSON.parse(await readFile(provenance.outputs["statement-path"]!, "utf8"));
    expect(statement.subject[0].name).toBe("payments-1.4.0.tgz");
    expect(provenance.summary).toContain("payments-1.4.0.tgz");
    expect(provenance.node.version).toMatch(/^v24\./);
    // The identity token is masked before anything is logged, and never printed.
    const token = provenance.masks.find((m) => m.split(".").length === 3);
    expect(token).toBeDefined();
    expect(withoutMaskCommands(provenance.stdout + provenance.stderr + provenance.summary)).not.toContain(token!);

    const sign = await runAction({
      actionDir: actionDir("sign"),
      workspace: dir,
      env,
      inputs: { "subject-path": "dist/*.tgz", "predicate-type": "https://slsa.dev/provenance/v1", "predicate-path": provenance.outputs["statement-path"]!, ...standinInputs(sigstore) },
    });
    expect(sign.exitCode, sign.stdout + sign.stderr).toBe(0);
    expect(sign.outputs["bundle-path"]).toBe(path.join(dir, "bundles", "payments-1.4.0.tgz.sigstore.json"));
    const bundle = JSON.parse(await readFile(sign.outputs["bundle-path"]!, "utf8"));
    expect(bundle.mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
    expect(bundle.dsseEnvelope.payloadType).toBe("application/vnd.in-toto+json");
    expect(sign.outputs["attestation-digests"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(sign.masks.length).toBeGreaterThan(0);

    const verify = await runAction({
      actionDir: actionDir("verify"),
      workspace: dir,
      inputs: {
        "subject-path": "dist/payments-1.4.0.tgz",
        bundle: "bundles/payments-1.4.0.tgz.sigstore.json",
        "trusted-root": "trusted_root.json",
        "signer-workflow": signerWorkflow,
        "source-ref": "refs/tags/v*",
        "runner-environment": "github-hosted",
        "predicate-type": "https://slsa.dev/provenance/v1",
      },
      keepTemp: true,
    });
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(verify.outputs.verified).toBe("true");
    expect(verify.outputs.signer).toContain(".github/workflows/release.yml@refs/tags/v1.4.0");
    expect(verify.summary).toContain("verified");
    expect(verify.summary).toMatch(/\| signer-workflow \| pass \|/);
    const report = JSON.parse(await readFile(verify.outputs["report-path"]!, "utf8"));
    expect(report.ok).toBe(true);
  }, 120_000);

  it("fails the step on the signer-workflow check for a look-alike workflow, and message-signs plain files", async () => {
    const dir = await workspace();
    await writeTrustedRoot(dir, sigstore);
    const env = sigstore.oidc.runnerEnv({ ...claims, job_workflow_ref: "peptide-dev/payments/.github/workflows/release.yml.attacker.yml@refs/tags/v1.4.0" });
    const sign = await runAction({ actionDir: actionDir("sign"), workspace: dir, env, inputs: { "subject-path": "dist/payments-1.4.0.tgz", ...standinInputs(sigstore) } });
    expect(sign.exitCode, sign.stdout + sign.stderr).toBe(0);
    const bundle = JSON.parse(await readFile(sign.outputs["bundle-path"]!, "utf8"));
    expect(bundle.messageSignature).toBeDefined();

    await writeFile(path.join(dir, "policy.yml"), `signer-workflow: ${signerWorkflow}\nrunner-environment: github-hosted\n`);
    const verify = await runAction({
      actionDir: actionDir("verify"),
      workspace: dir,
      inputs: { "subject-path": "dist/payments-1.4.0.tgz", "trusted-root": "trusted_root.json", policy: "policy.yml" },
      keepTemp: true,
    });
    expect(verify.exitCode, verify.stdout).toBe(1);
    expect(verify.outputs.verified, verify.stdout + verify.stderr).toBe("false");
    const error = verify.annotations.find((a) => a.level === "error");
    expect(error?.message).toMatch(/signer-workflow: /);
    expect(verify.summary).toMatch(/\| signer-workflow \| \*\*fail\*\* \|/);
    const report = JSON.parse(await readFile(verify.outputs["report-path"]!, "utf8"));
    const checks = report.bundles[0].checks as { name: string; ok: boolean }[];
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(["signer-workflow"]);
  }, 120_000);

  it("signs an image digest as an attestation and attaches it in the registry; verify names a missing trusted root in one line", async () => {
    const registry = await startRegistry();
    try {
      const dir = await workspace();
      await writeTrustedRoot(dir, sigstore);
      const store = new RegistryClient().repository(registry.host, "acme/api");
      const image = await writeImage(store, await buildImage({ layers: [{ "srv/app": "binary" }] }), "v1.4.0");
      await writeFile(path.join(dir, "predicate.json"), JSON.stringify({ scanner: "peptide", result: "clean" }));
      const sign = await runAction({
        actionDir: actionDir("sign"),
        workspace: dir,
        env: sigstore.oidc.runnerEnv(claims),
        inputs: {
          "subject-name": `${registry.host}/acme/api`,
          "subject-digest": image.digest,
          "predicate-type": "https://peptide.dev/scan/v1",
          "predicate-path": "predicate.json",
          "push-to-registry": true,
          ...standinInputs(sigstore),
        },
      });
      expect(sign.exitCode, sign.stdout + sign.stderr).toBe(0);
      expect(sign.outputs["registry-manifests"]).toMatch(/^sha256:[0-9a-f]{64}$/);
      const listed = await listReferrers(store, image.digest);
      expect(listed.referrers.map((r) => r.digest)).toEqual([sign.outputs["registry-manifests"]]);
      expect(sign.summary).toMatch(/attached to .*acme\/api@sha256:/);

      const verify = await runAction({
        actionDir: actionDir("verify"),
        workspace: dir,
        inputs: { "subject-name": `${registry.host}/acme/api`, "subject-digest": image.digest, "trusted-root": "trusted_root.json", "predicate-type": "https://peptide.dev/scan/v1", "source-repository": "peptide-dev/payments" },
      });
      expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);

      const missing = await runAction({ actionDir: actionDir("verify"), workspace: dir, inputs: { "subject-digest": image.digest, "subject-name": `${registry.host}/acme/api`, "trusted-root": "nowhere/root.json" } });
      expect(missing.exitCode).toBe(1);
      expect(missing.annotations.find((a) => a.level === "error")?.message).toMatch(/nowhere\/root\.json: trusted root cannot be read/);
      expect(missing.stdout).not.toMatch(/\n\s+at /);
    } finally {
      await registry.stop();
    }
  }, 120_000);

  it("without trusted-root, fetches the trusted root through TUF from tuf-mirror; an unreachable mirror fails in one line", async () => {
    const dir = await workspace();
    const sign = await runAction({ actionDir: actionDir("sign"), workspace: dir, env: sigstore.oidc.runnerEnv(claims), inputs: { "subject-path": "dist/payments-1.4.0.tgz", ...standinInputs(sigstore) } });
    expect(sign.exitCode, sign.stdout + sign.stderr).toBe(0);
    const mirror = await startTufRepository({ trustedRoot: sigstore.trustedRoot });
    try {
      await writeFile(path.join(dir, "tuf-root.json"), mirror.rootJSON);
      const env = { XDG_CACHE_HOME: path.join(dir, ".cache") };
      const verify = await runAction({
        actionDir: actionDir("verify"),
        workspace: dir,
        env,
        inputs: { "subject-path": "dist/payments-1.4.0.tgz", "tuf-mirror": mirror.url, "tuf-root": "tuf-root.json", "signer-workflow": signerWorkflow },
      });
      expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
      expect(verify.outputs.verified).toBe("true");
      expect(mirror.requests.some((request) => request.endsWith(".trusted_root.json"))).toBe(true);

      const url = `http://127.0.0.1:${await closedPort()}`;
      const offline = await runAction({ actionDir: actionDir("verify"), workspace: dir, env, inputs: { "subject-path": "dist/payments-1.4.0.tgz", "tuf-mirror": url, "tuf-root": "tuf-root.json", "signer-workflow": signerWorkflow } });
      expect(offline.exitCode).toBe(1);
      expect(offline.annotations.find((a) => a.level === "error")?.message).toMatch(/^cannot reach the TUF mirror http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) .*; for air-gapped use pass --trusted-root FILE$/);
      expect(offline.stdout).not.toMatch(/\n\s+at /);
    } finally {
      await mirror.close();
    }
  }, 120_000);
});
