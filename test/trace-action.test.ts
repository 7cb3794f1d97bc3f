import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { attachBundle, contextOf, createSigningSession, IN_TOTO_STATEMENT_V1, promote, provenanceStatement, SLSA_PROVENANCE_V1, TrustRoot, type Statement } from "@peptide/attest";
import { RegistryClient } from "@peptide/oci";
import { buildImage, OIDC_DEFAULT_REPOSITORY, OIDC_DEFAULT_WORKFLOW_PATH, runAction, startRegistry, startSigstore, writeImage, type LoopbackRegistry, type SigstoreStandin } from "@peptide/testkit";
import { actionDir, inputsRead, withoutMaskCommands, workspace } from "./attest-helpers.js";

/**
 * actions/trace's dist/ run as the runner runs it, against a loopback registry: an image with
 * provenance and SBOM attached and promoted to staging shows every link and the environment;
 * an image with nothing attached lists every missing link, passes, and fails only when asked.
 */
describe("trace action", () => {
  let sigstore: SigstoreStandin;
  let registry: LoopbackRegistry;
  let dir: string;
  const client = new RegistryClient();
  const CYCLONEDX = "https://cyclonedx.org/bom";
  const REF = "refs/tags/v1.4.0";
  const PROVENANCE_LINKS = ["repository", "commit", "workflow", "run", "triggered by", "lockfiles"];

  beforeAll(async () => {
    [sigstore, registry] = await Promise.all([startSigstore(), startRegistry()]);
    dir = await workspace();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([sigstore?.close(), registry?.stop()]);
  });

  function claimsOf(token: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  }

  /** An image in acme/payments; with `attest`, its provenance and SBOM are signed and attached. */
  async function image(file: string, options: { attest: boolean }): Promise<string> {
    const store = client.repository(registry.host, "acme/payments");
    const { digest } = await writeImage(store, await buildImage({ layers: [{ "srv/app": file }] }));
    if (!options.attest) return digest;
    const token = sigstore.oidc.mintToken({ ref: REF, actor: "maria" });
    const subject = { name: `${registry.host}/acme/payments`, digest: { sha256: digest.slice("sha256:".length) } };
    const provenance = await provenanceStatement([subject], contextOf(claimsOf(token), {}, { workspace: dir }));
    const sbom: Statement = { _type: IN_TOTO_STATEMENT_V1, subject: [subject], predicateType: CYCLONEDX, predicate: { bomFormat: "CycloneDX", specVersion: "1.6", components: [{ name: "express" }] } };
    const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: token });
    for (const bundle of await session.signStatements([provenance, sbom])) await attachBundle(store, digest, bundle);
    return digest;
  }

  function traceAction(inputs: Record<string, string | boolean>) {
    return runAction({ actionDir: actionDir("trace"), workspace: dir, inputs });
  }

  it("traces an attested image promoted to staging: every link, the environment and its approver in outputs and summary", async () => {
    const digest = await image("payments 1.4.0", { attest: true });
    const source = client.repository(registry.host, "acme/payments");
    const promoted = await promote({
      source: { store: source, digest, name: `${registry.host}/acme/payments` },
      target: { store: client.repository(registry.host, "acme/payments-staging"), tag: "v1.4.0", name: `${registry.host}/acme/payments-staging` },
      environment: "staging",
      policy: { signerWorkflow: `${OIDC_DEFAULT_REPOSITORY}/${OIDC_DEFAULT_WORKFLOW_PATH}`, sourceRef: "refs/tags/v*", predicateTypes: [SLSA_PROVENANCE_V1, CYCLONEDX] },
      trustedRoot: TrustRoot.fromJSON(sigstore.trustedRoot as unknown as Record<string, unknown>),
      signing: { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: sigstore.oidc.mintToken({ ref: REF }) },
      approvals: [{ user: "ana", at: "2026-11-23T02:59:00Z" }],
      now: new Date("2026-11-23T03:00:00Z"),
    });
    expect(promoted.checks.filter((c) => !c.ok)).toEqual([]);

    const token = "ghs_tracetoken0000000000000000000000000";
    const result = await traceAction({ image: `${registry.host}/acme/payments@${digest}`, "github-token": token });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.node.version).toMatch(/^v24\./);
    expect(result.outputs.missing).toBe("");
    expect(result.outputs.environments).toBe("staging");
    expect(result.outputs.trace).not.toContain("\n");
    const trace = JSON.parse(result.outputs.trace ?? "");
    expect(trace).toMatchObject({ version: 1, image: { name: `${registry.host}/acme/payments`, digest }, missing: [] });
    expect(trace.links.map((l: { name: string }) => l.name)).toEqual([...PROVENANCE_LINKS, "sbom", "signatures", "promotions"]);
    expect(trace.links.find((l: { name: string }) => l.name === "promotions")).toMatchObject({ status: "present", summary: "staging" });

    expect(result.summary).toContain("| link | status | what |");
    expect(result.summary).toMatch(/^\| sbom \| ✅ present \| CycloneDX 1\.6, 1 components \|$/m);
    expect(result.summary).toMatch(/^\| promotions \| ✅ present \| staging<br>staging: .*acme\/payments-staging:v1\.4\.0 at 2026-11-23T03:00:00\.000Z, approved by ana at 2026-11-23T02:59:00Z \|$/m);
    expect(result.summary).toContain("```mermaid\nflowchart LR\n");
    expect(result.summary).toContain('  env1["environment: staging<br/>approved by ana at 2026-11-23T02:59:00Z<br/>promoted at 2026-11-23T03:00:00.000Z"]');
    expect(result.summary).toContain("  signatures --> env1");
    expect(result.summary).not.toMatch(/^ {2}class .* missing$/m);
    // The token is masked and never printed.
    expect(result.masks).toContain(token);
    expect(withoutMaskCommands(result.stdout + result.stderr + result.summary)).not.toContain(token);
  }, 120_000);

  it("lists every missing link of an image with nothing attached, draws them red, and passes; fail-on-missing fails in one line", async () => {
    const digest = await image("payments 1.4.1 unsigned", { attest: false });
    const ref = `${registry.host}/acme/payments@${digest}`;
    const everything = [...PROVENANCE_LINKS, "sbom", "signatures"];

    const report = await traceAction({ image: ref });
    expect(report.exitCode, report.stdout + report.stderr).toBe(0);
    expect(report.outputs.missing).toBe(everything.join(","));
    expect(report.outputs.environments).toBe("");
    expect(JSON.parse(report.outputs.trace ?? "").missing).toEqual(everything);
    expect(report.summary).toContain("❌ **8 links missing**");
    expect(report.summary).toMatch(/^\| signatures \| ❌ \*\*missing\*\* \| no Sigstore bundle is attached to the image \|$/m);
    expect(report.summary).toContain("  class commit,run,provenance,lockfiles,sbom,signatures missing");
    expect(report.summary).toContain("  classDef missing fill:#fdd,stroke:#d00,color:#900");
    expect(report.annotations.filter((a) => a.level === "error")).toEqual([]);
    expect(report.annotations.filter((a) => a.level === "warning").map((a) => a.message)).toEqual([`trace of ${ref}: 8 links missing: ${everything.join(", ")}`]);

    const gate = await traceAction({ image: ref, "fail-on-missing": true, "show-summary": false });
    expect(gate.exitCode).toBe(1);
    expect(gate.summary).toBe("");
    expect(gate.outputs.missing).toBe(everything.join(","));
    const errors = gate.annotations.filter((a) => a.level === "error");
    expect(errors.map((a) => a.message)).toEqual([`trace of ${ref}: 8 links missing: ${everything.join(", ")}`]);
  }, 120_000);

  it("refuses an image named by tag in one line", async () => {
    const result = await traceAction({ image: `${registry.host}/acme/payments:v1.4.0` });
    expect(result.exitCode).toBe(1);
    const errors = result.annotations.filter((a) => a.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^input "image" must name a digest \(host\/repo@sha256:<hex>\), not a tag/);
    expect(result.stdout).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("declares every input it reads, and no other", async () => {
    const manifest = parse(await readFile(path.join(actionDir("trace"), "action.yml"), "utf8")) as { inputs: Record<string, unknown> };
    expect(await inputsRead("trace")).toEqual(new Set(Object.keys(manifest.inputs)));
  });
});
