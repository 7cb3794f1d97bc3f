import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { startRegistry, startSigstore, type LoopbackRegistry, type SigstoreStandin } from "@peptide/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempTree } from "./run-cli.js";
import { endpointFlags, SIGNER_WORKFLOW, signWith, trustedRootFile } from "./sigstore-cli.js";

const SLSA = "https://slsa.dev/provenance/v1";
const REF = "refs/tags/v1.4.0";

/** A release tarball through the same path as an image: push as an OCI artifact, sign, promote, verify, pull. */
describe("peptide push / pull: non-image artifacts", () => {
  let sigstore: SigstoreStandin;
  let registry: LoopbackRegistry;
  let root: string;
  beforeAll(async () => {
    [sigstore, registry] = await Promise.all([startSigstore(), startRegistry()]);
    root = await trustedRootFile(sigstore);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([sigstore?.close(), registry?.stop()]);
  });

  it("pushes a release tarball as an artifact, signs it, promotes it with its attestation, and pulls the same bytes back", async () => {
    const tarball = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(70_000, 7)]);
    const dir = await tempTree({ "dist/payments-1.4.0.tgz": tarball, "dist/SHA256SUMS": "abc  payments-1.4.0.tgz\n", "predicate.json": JSON.stringify({ buildDefinition: { buildType: "https://actions.github.io/buildtypes/workflow/v1" }, runDetails: { builder: { id: `https://github.com/${SIGNER_WORKFLOW}@${REF}` } } }) });
    const pushed = await runCli(["push", "dist/payments-1.4.0.tgz", "dist/SHA256SUMS", "--to", `${registry.host}/acme/payments-release:v1.4.0`, "--annotation", "org.opencontainers.image.version=1.4.0", "--format", "json"], dir);
    expect(pushed.stderr).toBe("");
    expect(pushed.code).toBe(0);
    const result = JSON.parse(pushed.stdout) as { reference: string; digest: string; artifactType: string; files: Array<{ name: string; size: number }> };
    expect(result.artifactType).toBe("application/vnd.peptide.release.v1");
    expect(result.files.map((f) => [f.name, f.size])).toEqual([["payments-1.4.0.tgz", tarball.length], ["SHA256SUMS", 24]]);
    expect(result.reference).toBe(`${registry.host}/acme/payments-release@${result.digest}`);
    // Pushing again is the same digest: the artifact is reproducible from the same files.
    const again = await runCli(["push", "dist/payments-1.4.0.tgz", "dist/SHA256SUMS", "--to", `${registry.host}/acme/payments-release:v1.4.0`, "--annotation", "org.opencontainers.image.version=1.4.0"], dir);
    expect(again.stdout.trim().split("\n").pop()).toBe(result.reference);

    const signed = await signWith(sigstore, [result.reference, "--predicate-type", SLSA, "--predicate", "predicate.json"], dir, { ref: REF });
    expect(signed.code, signed.stderr).toBe(0);

    const policy = ["--signer-workflow", SIGNER_WORKFLOW, "--source-ref", "refs/tags/v*", "--predicate-type", SLSA, "--trusted-root", root];
    const promoted = await runCli(["promote", result.reference, "--to", `${registry.host}/acme/payments-release-prod:v1.4.0`, "--environment", "production", ...policy, ...endpointFlags(sigstore)], dir, sigstore.oidc.runnerEnv({ ref: REF }));
    expect(promoted.stderr).toBe("");
    expect(promoted.code, promoted.stdout).toBe(0);
    const production = `${registry.host}/acme/payments-release-prod@${result.digest}`;
    const verified = await runCli(["verify", production, ...policy], dir);
    expect(verified.code, verified.stdout).toBe(0);

    const pulled = await runCli(["pull", production, "--output", "out"], dir);
    expect(pulled.stderr).toBe("");
    expect(pulled.code).toBe(0);
    expect((await readdir(path.join(dir, "out"))).sort()).toEqual(["SHA256SUMS", "payments-1.4.0.tgz"]);
    expect((await readFile(path.join(dir, "out/payments-1.4.0.tgz"))).equals(tarball)).toBe(true);
  }, 60_000);

  it("refuses a tag for pull, a directory for push, and duplicate names, each in one line with exit 2", async () => {
    const dir = await tempTree({ "a/app.tgz": "one", "b/app.tgz": "two" });
    const byTag = await runCli(["pull", `${registry.host}/acme/payments-release:v1.4.0`], dir);
    expect(byTag.code).toBe(2);
    expect(byTag.stderr).toMatch(/name the artifact by digest/);
    const folder = await runCli(["push", "a", "--to", `${registry.host}/acme/x:v1`], dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/a: not a regular file/);
    const twice = await runCli(["push", "a/app.tgz", "b/app.tgz", "--to", `${registry.host}/acme/x:v1`], dir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/another file is also named app\.tgz/);
    for (const run of [byTag, folder, twice]) expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});
