import { execFile } from "node:child_process";
import { appendFile, cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImageFromDirectory, RegistryClient, writeDirectoryImage } from "@peptide/oci";
import {
  OIDC_DEFAULT_SHA,
  runAction,
  startFakeGitHubApi,
  startRegistry,
  startSigstore,
  TEST_GITHUB_TOKEN,
  type FakeGitHubApi,
  type LoopbackRegistry,
  type SigstoreStandin,
} from "@peptide/testkit";
import { actionDir, root, standinInputs } from "./attest-helpers.js";

/**
 * The whole chain, each link through its action's committed dist/ as the runner runs it (Node
 * 24), against the loopback docker-registry, the Sigstore stand-in and a GitHub REST API fake:
 *
 *   audit the workflows → build the example service into an image (our image writer) and push
 *   it → the root action (SBOM + provenance, signed, attached) → verify → promote to staging →
 *   promote to production (staging first, approved by someone other than the author) → trace;
 *   and `peptide verify` of the production image with only what was copied there.
 *
 * The workflows modelled are test/fixtures/chain/release.yml and deploy.yml.
 */
const exec = promisify(execFile);
const fixtures = path.join(root, "test/fixtures/chain");
const PROVENANCE = "https://slsa.dev/provenance/v1";
const CYCLONEDX = "https://cyclonedx.org/bom";
const REPOSITORY = "peptide-dev/payments";
const RELEASE = { ref: "refs/tags/v1.4.0" };
const DEPLOY = { ref: "refs/tags/v1.4.0", workflow_path: ".github/workflows/deploy.yml", event_name: "workflow_dispatch" };
const RUNS = { staging: "7100000001", production: "7100000002", selfApproved: "7100000003" };

describe("the chain, end to end", () => {
  let sigstore: SigstoreStandin;
  let registry: LoopbackRegistry;
  let github: FakeGitHubApi;
  let dir: string;
  const client = new RegistryClient();

  beforeAll(async () => {
    [sigstore, registry] = await Promise.all([startSigstore(), startRegistry()]);
    github = await startFakeGitHubApi({
      token: TEST_GITHUB_TOKEN,
      repos: {
        [REPOSITORY]: {
          // mona wrote the change (pull request #42); ana and raj are the environments' reviewers.
          commitAuthors: { [OIDC_DEFAULT_SHA]: "mona" },
          pulls: { [OIDC_DEFAULT_SHA]: [{ number: 42, author: "mona" }] },
          runs: {
            [RUNS.staging]: [{ state: "approved", user: "ana", environments: ["staging"] }],
            [RUNS.production]: [{ state: "approved", user: "raj", environments: ["production"], comment: "CHG-2291" }],
            [RUNS.selfApproved]: [{ state: "approved", user: "mona", environments: ["production"] }],
          },
        },
      },
    });
    // The checkout: the example service, with the release and deploy workflows and the policy.
    dir = await mkdtemp(path.join(os.tmpdir(), "peptide-chain-"));
    const service = path.join(root, "examples/payments-service");
    for (const name of ["src", "package.json", "package-lock.json"]) await cp(path.join(service, name), path.join(dir, name), { recursive: true });
    await mkdir(path.join(dir, ".github/workflows"), { recursive: true });
    for (const name of ["release.yml", "deploy.yml"]) await cp(path.join(fixtures, name), path.join(dir, ".github/workflows", name));
    await cp(path.join(fixtures, "promote-policy.yml"), path.join(dir, ".github/promote-policy.yml"));
    await writeFile(path.join(dir, "trusted_root.json"), JSON.stringify(sigstore.trustedRoot));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([sigstore?.close(), registry?.stop(), github?.close()]);
  });

  /** Builds the checkout's service into an image with our image writer and pushes it by tag, as the build step would. */
  async function buildAndPush(tag: string): Promise<string> {
    const image = await buildImageFromDirectory(dir, { include: ["src", "package.json", "package-lock.json"], config: { Cmd: ["node", "src/server.js"] } });
    const descriptor = await writeDirectoryImage(client.repository(registry.host, "acme/payments"), image, tag);
    return descriptor.digest;
  }

  /** The deploy workflow's job in `environment` (its OIDC token says so), in run `runId`. */
  const deployEnv = (runId: string, environment?: string) => ({ ...sigstore.oidc.runnerEnv({ ...DEPLOY, ...(environment ? { environment } : {}) }), GITHUB_REPOSITORY: REPOSITORY, GITHUB_RUN_ID: runId, GITHUB_API_URL: github.url });
  const promoteStep = (runId: string, inputs: Record<string, string>) =>
    runAction({
      actionDir: actionDir("promote"),
      workspace: dir,
      env: deployEnv(runId, inputs.environment),
      inputs: { policy: ".github/promote-policy.yml", "trusted-root": "trusted_root.json", ...standinInputs(sigstore), ...inputs },
    });
  const tagOf = (repository: string, tag: string) =>
    client
      .repository(registry.host, repository)
      .resolve(tag)
      .then((d) => d.digest)
      .catch(() => undefined);

  it("builds once, attests, verifies, promotes the same digest to staging and production, and traces it", async () => {
    // 1. audit: the release path's own workflows are clean.
    const audit = await runAction({ actionDir: actionDir("audit"), workspace: dir, inputs: { paths: ".github/workflows" } });
    expect(audit.exitCode, audit.stdout + audit.stderr).toBe(0);
    expect(audit.node.version).toMatch(/^v24\./);
    expect(audit.outputs.findings).toBe("0");

    // 2. build, and 3. the root action: SBOM of the image and provenance, signed, attached.
    const digest = await buildAndPush("v1.4.0");
    const attest = await runAction({
      actionDir: root,
      workspace: dir,
      env: { ...sigstore.oidc.runnerEnv(RELEASE), GITHUB_REPOSITORY: REPOSITORY },
      inputs: { "subject-name": `${registry.host}/acme/payments`, "subject-digest": digest, "push-to-registry": true, "bundle-dir": "", ...standinInputs(sigstore, { issuer: true }) },
    });
    expect(attest.exitCode, attest.stdout + attest.stderr).toBe(0);
    expect(attest.outputs["registry-manifests"]!.split("\n")).toHaveLength(2);

    // 4. verify, as an admission gate would: the release workflow signed both.
    const verify = await runAction({
      actionDir: actionDir("verify"),
      workspace: dir,
      inputs: { "subject-name": `${registry.host}/acme/payments`, "subject-digest": digest, "trusted-root": "trusted_root.json", "signer-workflow": `${REPOSITORY}/.github/workflows/release.yml`, "predicate-type": `${PROVENANCE}\n${CYCLONEDX}` },
    });
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(verify.outputs.verified).toBe("true");

    // 5. production before staging is refused, and copies nothing.
    const early = await promoteStep(RUNS.production, { source: `${registry.host}/acme/payments@${digest}`, to: `${registry.host}/acme/payments-prod:v1.4.0`, environment: "production" });
    expect(early.exitCode).toBe(1);
    expect(early.outputs.status).toBe("refused");
    expect(early.annotations.find((a) => a.level === "error")?.message).toMatch(/refused: previous-environment: .*never promoted to staging/);
    expect(await tagOf("acme/payments-prod", "v1.4.0")).toBeUndefined();

    // 6. staging.
    const staging = await promoteStep(RUNS.staging, { source: `${registry.host}/acme/payments@${digest}`, to: `${registry.host}/acme/payments-staging:v1.4.0`, environment: "staging" });
    expect(staging.exitCode, staging.stdout + staging.stderr).toBe(0);
    expect(staging.outputs.status).toBe("promoted");
    expect(await tagOf("acme/payments-staging", "v1.4.0")).toBe(digest);

    // 7. production, approved by the change's own author: refused.
    const self = await promoteStep(RUNS.selfApproved, { source: `${registry.host}/acme/payments-staging@${digest}`, to: `${registry.host}/acme/payments-prod:v1.4.0`, environment: "production" });
    expect(self.exitCode).toBe(1);
    expect(self.annotations.find((a) => a.level === "error")?.message).toMatch(/refused: approvals: mona approved their own change/);
    expect(await tagOf("acme/payments-prod", "v1.4.0")).toBeUndefined();

    // 8. production, from staging's repository, approved by raj.
    const production = await promoteStep(RUNS.production, { source: `${registry.host}/acme/payments-staging@${digest}`, to: `${registry.host}/acme/payments-prod:v1.4.0`, environment: "production" });
    expect(production.exitCode, production.stdout + production.stderr).toBe(0);
    expect(production.outputs.status).toBe("promoted");
    expect(production.outputs.target).toBe(`${registry.host}/acme/payments-prod:v1.4.0@${digest}`);
    expect(production.summary).toMatch(/\| previous-environment \| pass \| promoted to staging at /);
    expect(production.summary).toMatch(/\| approvals \| pass \| approved by raj, not the author \(mona\) \|/);
    expect(await tagOf("acme/payments-prod", "v1.4.0")).toBe(digest);

    // 9. trace: every link present, both environments with who approved them.
    const trace = await runAction({ actionDir: actionDir("trace"), workspace: dir, env: deployEnv(RUNS.production), inputs: { image: `${registry.host}/acme/payments-prod@${digest}` } });
    expect(trace.exitCode, trace.stdout + trace.stderr).toBe(0);
    expect(trace.outputs.missing).toBe("");
    expect(trace.outputs.environments).toBe("staging,production");
    expect(trace.summary).toContain("```mermaid");
    expect(trace.summary).toContain("raj");
    const traced = JSON.parse(trace.outputs.trace ?? "{}") as { image: { digest: string }; links: Array<{ name: string; status: string; summary: string }> };
    expect(traced.image.digest).toBe(digest);
    expect(traced.links.find((l) => l.name === "repository")?.summary).toBe(`https://github.com/${REPOSITORY}`);
    expect(traced.links.find((l) => l.name === "sbom")?.status).toBe("present");

    // 10. the production image verifies with `peptide verify` and only what was copied there.
    const cli = await exec(process.execPath, [
      path.join(root, "packages/cli/bin/peptide.js"),
      "verify",
      `${registry.host}/acme/payments-prod@${digest}`,
      "--trusted-root",
      path.join(dir, "trusted_root.json"),
      "--signer-workflow",
      `${REPOSITORY}/.github/workflows/release.yml`,
      "--source-ref",
      "refs/tags/v*",
      "--predicate-type",
      PROVENANCE,
      "--predicate-type",
      CYCLONEDX,
      "--format",
      "json",
    ]);
    const report = JSON.parse(cli.stdout) as { ok: boolean; bundles: unknown[] };
    expect(report.ok).toBe(true);
  }, 240_000);

  it("refuses a hotfix image pushed from a laptop: unsigned, so nothing reaches staging", async () => {
    await appendFile(path.join(dir, "src/payments.js"), "\n// hotfix: skip the idempotency check for one merchant\n");
    const hotfix = await buildAndPush("v1.4.1");
    const result = await promoteStep(RUNS.staging, { source: `${registry.host}/acme/payments@${hotfix}`, to: `${registry.host}/acme/payments-staging:v1.4.1`, environment: "staging" });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.status).toBe("refused");
    expect(result.annotations.find((a) => a.level === "error")?.message).toMatch(/refused: attestations: bundle: no bundle was found/);
    expect(result.summary).not.toMatch(/### copied/);
    expect(await tagOf("acme/payments-staging", "v1.4.1")).toBeUndefined();
    // Another build of other bytes: another digest, which never passed the release's gate.
    expect(hotfix).not.toBe(await tagOf("acme/payments", "v1.4.0"));
  }, 120_000);
});
