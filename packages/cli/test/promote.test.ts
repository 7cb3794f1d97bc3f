import path from "node:path";
import os from "node:os";
import { attachBundle, contextOf, createSigningSession, fetchAttachedBundles, IN_TOTO_STATEMENT_V1, PROMOTION_PREDICATE_TYPE, provenanceStatement, SLSA_PROVENANCE_V1, verifyBundles, type Statement } from "@peptide/attest";
import { OciLayout } from "@peptide/oci";
import { buildImage, OIDC_DEFAULT_REPOSITORY, OIDC_DEFAULT_SHA, startFakeGitHubApi, startSigstore, writeImage, type SigstoreStandin } from "@peptide/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempTree } from "./run-cli.js";
import { endpointFlags, SIGNER_WORKFLOW, trustedRootFile } from "./sigstore-cli.js";

const CYCLONEDX = "https://cyclonedx.org/bom";
const REF = "refs/tags/v1.0.0";

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("peptide promote", () => {
  let sigstore: SigstoreStandin;
  let root: string;
  beforeAll(async () => {
    sigstore = await startSigstore();
    root = await trustedRootFile(sigstore);
  });
  afterAll(() => sigstore.close());

  /** A layout `dev` in a temp folder holding one image, signed (provenance + SBOM) unless `unsigned`. */
  async function devImage(unsigned = false): Promise<{ dir: string; digest: string }> {
    const dir = await tempTree({});
    const dev = await OciLayout.create(path.join(dir, "dev"));
    const { digest } = await writeImage(dev, await buildImage({ layers: [{ "app.txt": `svc ${Math.random()}` }] }), "build");
    if (!unsigned) {
      const token = sigstore.oidc.mintToken({ ref: REF });
      const subject = { name: "dev", digest: { sha256: digest.slice(7) } };
      const provenance = await provenanceStatement([subject], contextOf(claimsOf(token), {}, { workspace: os.tmpdir() }));
      const sbom: Statement = { _type: IN_TOTO_STATEMENT_V1, subject: [subject], predicateType: CYCLONEDX, predicate: { bomFormat: "CycloneDX" } };
      const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: token });
      for (const bundle of await session.signStatements([provenance, sbom])) await attachBundle(dev, digest, bundle);
    }
    return { dir, digest };
  }

  const policyFlags = () => ["--signer-workflow", SIGNER_WORKFLOW, "--source-ref", "refs/tags/v*", "--runner-environment", "github-hosted", "--predicate-type", SLSA_PROVENANCE_V1, "--predicate-type", CYCLONEDX, "--trusted-root", root];
  const promoteCli = (args: string[], cwd: string) => runCli(["promote", ...args, ...policyFlags(), ...endpointFlags(sigstore)], cwd, sigstore.oidc.runnerEnv({ ref: REF }));

  it("promotes dev -> staging -> production, refuses production for a digest that skipped staging, and a re-run is a no-op", async () => {
    const { dir, digest } = await devImage();
    const skipped = await promoteCli([`dev@${digest}`, "--to", "production:1.0.0", "--environment", "production", "--require-previous", "staging"], dir);
    expect(skipped.code).toBe(1);
    expect(skipped.stdout).toContain(`FAIL previous-environment: ${digest} was never promoted to staging; promote it there first`);
    expect(skipped.stdout).toMatch(/^refused: .* \(previous-environment failed\); nothing was copied$/m);
    await expect((await OciLayout.open(path.join(dir, "production"))).resolve("1.0.0")).rejects.toThrow();

    const staging = await promoteCli([`dev@${digest}`, "--to", "staging:1.0.0", "--environment", "staging", "--approved-by", "ana@2026-11-23T02:00:00Z", "--author", "bob", "--forbid-self-approval"], dir);
    expect(staging.stderr).toBe("");
    expect(staging.code).toBe(0);
    expect(staging.stdout).toMatch(/^promoted: staging:1\.0\.0 is sha256:[0-9a-f]{64} in staging$/m);
    expect(staging.stdout).toContain("ok   approvals: approved by ana, not the author (bob)");

    const production = await promoteCli([`staging@${digest}`, "--to", "production:1.0.0", "--environment", "production", "--require-previous", "staging", "--format", "json"], dir);
    expect(production.code).toBe(0);
    const json = JSON.parse(production.stdout);
    expect(json).toMatchObject({ version: 1, status: "promoted", environment: "production", digest, target: { name: "production", tag: "1.0.0" } });
    expect(json.evidence.statement.predicateType).toBe(PROMOTION_PREDICATE_TYPE);

    const again = await promoteCli([`staging@${digest}`, "--to", "production:1.0.0", "--environment", "production", "--require-previous", "staging"], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^already promoted: production:1\.0\.0 is sha256:[0-9a-f]{64} in production; nothing to do$/m);
    const prod = await OciLayout.open(path.join(dir, "production"));
    expect(await fetchAttachedBundles(prod, digest, { predicateType: PROMOTION_PREDICATE_TYPE })).toHaveLength(2);

    // Verifies at production with nothing but what was copied there.
    const bundles = (await fetchAttachedBundles(prod, digest)).map((f) => f.bundle);
    const report = await verifyBundles(bundles, { sha256: digest }, { signerWorkflow: SIGNER_WORKFLOW, sourceRef: "refs/tags/v*", predicateTypes: [SLSA_PROVENANCE_V1, CYCLONEDX] }, { trustedRoot: sigstore.trustedRoot as unknown as Record<string, unknown> });
    expect(report.ok).toBe(true);
    // And with `peptide verify`, the layout read as a registry would be.
    const verified = await runCli(["verify", `production@${digest}`, "--signer-workflow", SIGNER_WORKFLOW, "--source-ref", "refs/tags/v*", "--predicate-type", SLSA_PROVENANCE_V1, "--predicate-type", CYCLONEDX, "--trusted-root", root], dir);
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);

    // The trace of the production image shows each environment it reached, with its approval.
    const trace = await runCli(["trace", "production:1.0.0", "--format", "json"], dir);
    expect(trace.code).toBe(0);
    const promotions = JSON.parse(trace.stdout).links.find((l: { name: string }) => l.name === "promotions");
    expect(promotions).toMatchObject({ status: "present", summary: "staging → production" });
    expect(promotions.details[0]).toContain("staging: staging:1.0.0 at ");
    expect(promotions.details[0], promotions.details.join("\n")).toContain("approved by ana at 2026-11-23T02:00:00");
  }, 60_000);

  it("refuses an unsigned image with exit 1 and copies nothing", async () => {
    const { dir, digest } = await devImage(true);
    const result = await promoteCli([`dev@${digest}`, "--to", "staging:1.0.0", "--environment", "staging"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL attestations: bundle: no bundle was found for the artifact");
    await expect((await OciLayout.open(path.join(dir, "staging"))).resolve("1.0.0")).rejects.toThrow();
  });

  it("refuses a bare tag as the source with exit 2", async () => {
    const { dir } = await devImage(true);
    const result = await promoteCli(["dev:build", "--to", "staging:1.0.0", "--environment", "staging"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the source must name a digest .*never a bare tag/);
    const noEnv = await promoteCli([`dev@sha256:${"a".repeat(64)}`, "--to", "staging:1.0.0"], dir);
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toMatch(/--environment is required/);
  });

  it("reads the run's approvals from GitHub with --approvals-from github, and names what is missing outside a run", async () => {
    const { dir, digest } = await devImage();
    const env = sigstore.oidc.runnerEnv({ ref: REF });
    const repository = OIDC_DEFAULT_REPOSITORY;
    const api = await startFakeGitHubApi({
      token: "ghs_cli",
      repos: { [repository]: { commitAuthors: { [OIDC_DEFAULT_SHA]: "mona" }, pulls: { [OIDC_DEFAULT_SHA]: [{ number: 7, author: "mona" }] }, runs: { "555": [{ state: "approved", user: "ana", environments: ["staging"] }] } } },
    });
    try {
      const github = { ...env, GITHUB_REPOSITORY: repository, GITHUB_API_URL: api.url, GITHUB_RUN_ID: "555", GITHUB_TOKEN: "ghs_cli" };
      const args = [`dev@${digest}`, "--to", "staging:1.0.0", "--environment", "staging", "--approvals-from", "github", "--forbid-self-approval", ...policyFlags(), ...endpointFlags(sigstore)];
      const result = await runCli(["promote", ...args], dir, github);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("ok   approvals: approved by ana, not the author (mona)");

      const outside = await runCli(["promote", ...args], dir, { ...env, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: "", GITHUB_TOKEN: "" });
      expect(outside.code).toBe(2);
      expect(outside.stderr.trim().split("\n")).toHaveLength(1);
      expect(outside.stderr).toMatch(/--approvals-from github needs GITHUB_RUN_ID, GITHUB_TOKEN/);
    } finally {
      await api.close();
    }
  });
});
