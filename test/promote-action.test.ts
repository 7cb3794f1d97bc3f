import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { attachBundle, createSigningSession, findPromotions, IN_TOTO_STATEMENT_V1, loadTrustedRoot } from "@peptide/attest";
import { RegistryClient, type RegistryRepository } from "@peptide/oci";
import {
  buildImage,
  OIDC_DEFAULT_SHA,
  runAction,
  startFakeGitHubApi,
  startRegistry,
  startSigstore,
  TEST_GITHUB_TOKEN,
  writeImage,
  type FakeGitHubApi,
  type LoopbackRegistry,
  type SigstoreStandin,
} from "@peptide/testkit";
import { actionDir, inputsRead, standinInputs, withoutMaskCommands, workspace, writeTrustedRoot } from "./attest-helpers.js";

/**
 * actions/promote's dist/ run as the runner runs it: an image signed by the release workflow is
 * promoted to staging, then production (staging first), against a loopback registry and the
 * Sigstore stand-in; a digest that skipped staging is refused and nothing is tagged.
 */
describe("promote action", () => {
  let sigstore: SigstoreStandin;
  let registry: LoopbackRegistry;
  let github: FakeGitHubApi;
  let dir: string;
  const client = new RegistryClient();
  const release = { ref: "refs/tags/v1.4.0" };
  // The promoting job is another workflow of the same repository.
  const deploy = { ref: "refs/tags/v1.4.0", workflow_path: ".github/workflows/deploy.yml" };
  const PROVENANCE = "https://slsa.dev/provenance/v1";
  const RELEASE_WORKFLOW = "peptide-dev/payments/.github/workflows/release.yml";
  const [RUN, OTHER_RUN] = ["9876543210", "9876543299"];

  beforeAll(async () => {
    [sigstore, registry] = await Promise.all([startSigstore(), startRegistry()]);
    // The REST API the action reads the run's approvals and the change's authors from.
    github = await startFakeGitHubApi({
      token: TEST_GITHUB_TOKEN,
      repos: {
        "peptide-dev/payments": {
          commitAuthors: { [OIDC_DEFAULT_SHA]: "mona" },
          pulls: { [OIDC_DEFAULT_SHA]: [{ number: 12, author: "mona" }] },
          runs: {
            [RUN]: [{ state: "approved", user: "mona", environments: ["staging", "production", "production-eu"] }],
            [OTHER_RUN]: [{ state: "approved", user: "ana", environments: ["production-eu"], comment: "change ticket PAY-1234" }],
          },
        },
      },
    });
    dir = await workspace();
    await writeTrustedRoot(dir, sigstore);
    await writeFile(
      path.join(dir, "promote-policy.yml"),
      [
        `signer-workflow: ${RELEASE_WORKFLOW}`,
        "source-ref: refs/tags/v*",
        "runner-environment: github-hosted",
        `predicate-type: ${PROVENANCE}`,
        "environments:",
        "  staging: {}",
        "  qa: {}",
        "  production-eu: {}",
        "  Production:",
        "    require-previous: staging",
        "",
      ].join("\n"),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all([sigstore?.close(), registry?.stop(), github?.close()]);
  });

  /** An image in acme/payments with a provenance attestation signed by the release workflow, attached. */
  async function signedImage(file: string): Promise<string> {
    const store = client.repository(registry.host, "acme/payments");
    const image = await writeImage(store, await buildImage({ layers: [{ "srv/app": file }] }));
    const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, tsaURL: sigstore.tsaURL, env: sigstore.oidc.runnerEnv(release) });
    const bundle = await session.signStatement({
      _type: IN_TOTO_STATEMENT_V1,
      subject: [{ name: `${registry.host}/acme/payments`, digest: { sha256: image.digest.replace(/^sha256:/, "") } }],
      predicateType: PROVENANCE,
      predicate: { buildDefinition: { buildType: "https://actions.github.io/buildtypes/workflow/v1" }, runDetails: { builder: { id: `https://github.com/${RELEASE_WORKFLOW}@${release.ref}` } } },
    });
    await attachBundle(store, image.digest, bundle);
    return image.digest;
  }

  /** `env` adds runner variables; `job` adds claims of the job's OIDC token (its `environment`). */
  function promoteAction(inputs: Record<string, string | boolean>, env: Record<string, string> = {}, job: Record<string, string> = {}) {
    return runAction({
      actionDir: actionDir("promote"),
      workspace: dir,
      env: { ...sigstore.oidc.runnerEnv({ ...deploy, ...job }), GITHUB_API_URL: github.url, GITHUB_RUN_ID: RUN, ...env },
      inputs: { "trusted-root": "trusted_root.json", policy: "promote-policy.yml", ...standinInputs(sigstore), ...inputs },
    });
  }

  async function tagged(store: RegistryRepository, tag: string): Promise<string | undefined> {
    return store
      .resolve(tag)
      .then((d) => d.digest)
      .catch(() => undefined);
  }

  it("promotes to staging, then to production after staging; a re-run is a no-op", async () => {
    const digest = await signedImage("payments 1.4.0");
    const source = `${registry.host}/acme/payments@${digest}`;

    const staging = await promoteAction({ source, to: `${registry.host}/acme/payments-staging:v1.4.0`, environment: "staging" });
    expect(staging.exitCode, staging.stdout + staging.stderr).toBe(0);
    expect(staging.node.version).toMatch(/^v24\./);
    expect(staging.outputs.status).toBe("promoted");
    expect(staging.outputs.digest).toBe(digest);
    expect(staging.outputs.target).toBe(`${registry.host}/acme/payments-staging:v1.4.0@${digest}`);
    expect(staging.outputs["evidence-digest"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await tagged(client.repository(registry.host, "acme/payments-staging"), "v1.4.0")).toBe(digest);
    expect(staging.summary).toMatch(/\| attestations \| pass \|/);
    expect(staging.summary).toMatch(/### copied/);
    expect(staging.summary).toMatch(/\| tag \| written last \|/);
    expect(staging.summary).toContain("`application/vnd.dev.sigstore.bundle.v0.3+json` copied");
    // The identity token that signed the evidence is masked, and never printed.
    const token = staging.masks.find((m) => m.split(".").length === 3);
    expect(token).toBeDefined();
    expect(withoutMaskCommands(staging.stdout + staging.stderr + staging.summary)).not.toContain(token!);

    // The evidence at the target: signed by the deploy workflow, naming the environment, the tag and the run.
    const trustedRoot = await loadTrustedRoot({ kind: "file", path: path.join(dir, "trusted_root.json") });
    const [evidence] = await findPromotions(client.repository(registry.host, "acme/payments-staging"), digest, { environment: "staging", policy: { sourceRepository: "peptide-dev/payments" }, trustedRoot });
    expect(evidence?.report.ok).toBe(true);
    expect(evidence?.manifestDigest).toBe(staging.outputs["evidence-digest"]);
    expect(evidence?.predicate).toMatchObject({ environment: "staging", digest, target: { name: `${registry.host}/acme/payments-staging`, tag: "v1.4.0" } });
    expect(evidence?.predicate.runUrl).toMatch(/\/actions\/runs\/\d+/);

    const again = await promoteAction({ source, to: `${registry.host}/acme/payments-staging:v1.4.0`, environment: "staging" });
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.outputs.status).toBe("already-promoted");
    expect(again.outputs["evidence-digest"]).toBe("");

    const production = await promoteAction({ source, to: `${registry.host}/acme/payments-prod:v1.4.0`, environment: "production", "require-previous": "staging" });
    expect(production.exitCode, production.stdout + production.stderr).toBe(0);
    expect(production.outputs.status).toBe("promoted");
    expect(production.summary).toMatch(/\| previous-environment \| pass \| promoted to staging at /);
    expect(await tagged(client.repository(registry.host, "acme/payments-prod"), "v1.4.0")).toBe(digest);

    // What was copied is enough to verify the image at the target.
    const verify = await runAction({
      actionDir: actionDir("verify"),
      workspace: dir,
      inputs: { "subject-name": `${registry.host}/acme/payments-prod`, "subject-digest": digest, "trusted-root": "trusted_root.json", "signer-workflow": RELEASE_WORKFLOW, "predicate-type": PROVENANCE },
    });
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(verify.outputs.verified).toBe("true");
  }, 120_000);

  it("refuses a digest that skipped staging (the policy's require-previous): one line naming the check, no target tag", async () => {
    const digest = await signedImage("payments 1.4.1 hotfix");
    const result = await promoteAction({ source: `${registry.host}/acme/payments@${digest}`, to: `${registry.host}/acme/payments-prod:v1.4.1`, environment: "production" });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.status).toBe("refused");
    expect(result.outputs["evidence-digest"]).toBe("");
    const errors = result.annotations.filter((a) => a.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^promotion of .*acme\/payments@sha256:[0-9a-f]{64} to production refused: previous-environment: .*never promoted to staging/);
    expect(result.summary).toMatch(/\| previous-environment \| \*\*fail\*\* \|/);
    expect(result.summary).not.toMatch(/### copied/);
    expect(await tagged(client.repository(registry.host, "acme/payments-prod"), "v1.4.1")).toBeUndefined();
    expect(result.masks.some((m) => m.split(".").length === 3)).toBe(false);
  }, 120_000);

  it("records the run's deployment approvals from GitHub, and with forbid-self-approval refuses the author's own approval", async () => {
    const digest = await signedImage("payments 1.5.0");
    const source = `${registry.host}/acme/payments@${digest}`;
    const to = `${registry.host}/acme/payments-eu:v1.5.0`;
    // mona wrote the commit the image was built from, and approved this run's deployment herself.
    // A job outside the environment cannot borrow another job's approvals.
    const outside = await promoteAction({ source, to, environment: "production-eu", "forbid-self-approval": true });
    expect(outside.exitCode).toBe(1);
    expect(outside.annotations.find((a) => a.level === "error")?.message).toBe('the promoting job runs in no GitHub environment; set "environment: production-eu" on the promoting job, so its reviewers\' approval is the one checked');
    const elsewhere = await promoteAction({ source, to, environment: "production-eu", "forbid-self-approval": true }, {}, { environment: "staging" });
    expect(elsewhere.annotations.find((a) => a.level === "error")?.message).toMatch(/^the promoting job runs in environment "staging", not "production-eu"/);

    const none = await promoteAction({ source, to, environment: "production-eu", "forbid-self-approval": true, approvals: "none" }, {}, { environment: "production-eu" });
    expect(none.annotations.find((a) => a.level === "error")?.message).toBe('"forbid-self-approval" needs the approvals of the run: set "approvals: github"');

    const self = await promoteAction({ source, to, environment: "production-eu", "forbid-self-approval": true }, {}, { environment: "production-eu" });
    expect(self.exitCode).toBe(1);
    expect(self.annotations.find((a) => a.level === "error")?.message).toMatch(/refused: approvals: mona approved their own change; an approver other than the author \(mona\) is required$/);
    expect(await tagged(client.repository(registry.host, "acme/payments-eu"), "v1.5.0")).toBeUndefined();

    // Another run of the deploy workflow, approved by ana.
    const approved = await promoteAction({ source, to, environment: "production-eu", "forbid-self-approval": true }, { GITHUB_RUN_ID: OTHER_RUN }, { environment: "Production-EU" });
    expect(approved.exitCode, approved.stdout + approved.stderr).toBe(0);
    expect(approved.summary).toMatch(/\| approvals \| pass \| approved by ana, not the author \(mona\) \|/);
    const trustedRoot = await loadTrustedRoot({ kind: "file", path: path.join(dir, "trusted_root.json") });
    const [evidence] = await findPromotions(client.repository(registry.host, "acme/payments-eu"), digest, { environment: "production-eu", policy: { sourceRepository: "peptide-dev/payments" }, trustedRoot });
    expect(evidence?.predicate).toMatchObject({ approvals: [{ user: "ana", comment: "change ticket PAY-1234" }], author: "mona", change: { repository: "peptide-dev/payments", commit: OIDC_DEFAULT_SHA } });
    const asked = github.requests.map((r) => r.path);
    expect(asked).toContain(`/repos/peptide-dev/payments/actions/runs/${OTHER_RUN}/approvals`);
    expect(asked).toContain(`/repos/peptide-dev/payments/commits/${OIDC_DEFAULT_SHA}/pulls`);
  }, 120_000);

  it("never moves a target tag to another digest unless allow-overwrite", async () => {
    const first = await signedImage("payments 2.0.0");
    const second = await signedImage("payments 2.0.0 rebuilt");
    const to = `${registry.host}/acme/payments-qa:v2.0.0`;
    const qa = client.repository(registry.host, "acme/payments-qa");
    const promoted = await promoteAction({ source: `${registry.host}/acme/payments@${first}`, to, environment: "qa" });
    expect(promoted.exitCode, promoted.stdout + promoted.stderr).toBe(0);

    const rebuilt = await promoteAction({ source: `${registry.host}/acme/payments@${second}`, to, environment: "qa" });
    expect(rebuilt.exitCode).toBe(1);
    expect(rebuilt.annotations.find((a) => a.level === "error")?.message).toMatch(/acme\/payments-qa: tag v2\.0\.0 names sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64}; tags are immutable, promote under a new tag, or set "allow-overwrite: true"$/);
    expect(rebuilt.stdout).not.toMatch(/\n\s+at /);
    expect(await tagged(qa, "v2.0.0")).toBe(first);

    const overwritten = await promoteAction({ source: `${registry.host}/acme/payments@${second}`, to, environment: "qa", "allow-overwrite": true });
    expect(overwritten.exitCode, overwritten.stdout + overwritten.stderr).toBe(0);
    expect(overwritten.outputs.status).toBe("promoted");
    expect(await tagged(qa, "v2.0.0")).toBe(second);
  }, 120_000);

  it("refuses a bare tag as the source in one line", async () => {
    const result = await promoteAction({ source: `${registry.host}/acme/payments:v1.4.0`, to: `${registry.host}/acme/payments-prod:v1.4.0`, environment: "production" });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.find((a) => a.level === "error")?.message).toMatch(/^input "source" must name a digest/);
    expect(result.stdout).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("declares every input it reads, and the same identity inputs as actions/verify", async () => {
    const manifest = (name: string) => readFile(path.join(actionDir(name), "action.yml"), "utf8").then((text) => parse(text) as { inputs: Record<string, unknown> });
    const promote = Object.keys((await manifest("promote")).inputs);
    expect(await inputsRead("promote")).toEqual(new Set(promote));
    const verify = Object.keys((await manifest("verify")).inputs);
    const identity = verify.filter((name) => !["subject-path", "subject-digest", "subject-name", "bundle", "show-summary"].includes(name));
    expect(promote).toEqual(expect.arrayContaining(identity));
  });
});
