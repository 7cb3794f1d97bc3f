import path from "node:path";
import { attachBundle, contextOf, createSigningSession, IN_TOTO_STATEMENT_V1, provenanceStatement, SLSA_PROVENANCE_V1 } from "@peptide/attest";
import { buildImageFromDirectory, OciLayout, RegistryClient, staticCredentials, writeDirectoryImage } from "@peptide/oci";
import { startRegistry, startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempTree } from "./run-cli.js";

const CYCLONEDX = "https://cyclonedx.org/bom";
const LOCKFILE = JSON.stringify({ name: "svc", lockfileVersion: 3, packages: { "": { name: "svc" } } });

/** A layout holding one image of a small service (tag 1.0.0), and its digest. */
async function imageLayout(): Promise<{ dir: string; layout: OciLayout; digest: string }> {
  const dir = await tempTree({ "svc/src/index.js": "export {};\n", "svc/package.json": '{"name":"svc"}\n', "svc/package-lock.json": LOCKFILE });
  const image = await buildImageFromDirectory(path.join(dir, "svc"), { include: ["src", "package.json", "package-lock.json"] });
  const layout = await OciLayout.create(path.join(dir, "layout"));
  const descriptor = await writeDirectoryImage(layout, image, "1.0.0");
  return { dir, layout, digest: descriptor.digest };
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("peptide trace", () => {
  let sigstore: SigstoreStandin;
  beforeAll(async () => {
    sigstore = await startSigstore();
  });
  afterAll(() => sigstore.close());

  it("prints every link of an image with its provenance and SBOM attached, as text and as JSON", async () => {
    const { dir, layout, digest } = await imageLayout();
    const token = sigstore.oidc.mintToken({ repository: "acme/svc", ref: "refs/tags/v1.0.0", actor: "maria" });
    const subject = { name: "ghcr.io/acme/svc", digest: { sha256: digest.slice("sha256:".length) } };
    const provenance = await provenanceStatement([subject], contextOf(claimsOf(token), { GITHUB_TRIGGERING_ACTOR: "maria" }, { workspace: path.join(dir, "svc") }));
    const sbom = { _type: IN_TOTO_STATEMENT_V1, subject: [subject], predicateType: CYCLONEDX, predicate: { bomFormat: "CycloneDX", specVersion: "1.6", metadata: { component: { name: "svc", version: "1.0.0" } }, components: [{ name: "a" }, { name: "b" }] } };
    const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: token });
    for (const bundle of await session.signStatements([provenance, sbom])) await attachBundle(layout, digest, bundle);

    const text = await runCli(["trace", "layout:1.0.0"], dir);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`image        layout@${digest}`);
    expect(text.stdout).toMatch(/^repository {3}https:\/\/github\.com\/acme\/svc$/m);
    expect(text.stdout).toMatch(/^commit {7}[0-9a-f]{40} \(refs\/tags\/v1\.0\.0\)$/m);
    expect(text.stdout).toMatch(/^workflow {5}\.github\/workflows\/release\.yml @ refs\/tags\/v1\.0\.0$/m);
    expect(text.stdout).toMatch(/^run {10}https:\/\/github\.com\/acme\/svc\/actions\/runs\/\d+\/attempts\/1 \(github-hosted runner\)$/m);
    expect(text.stdout).toMatch(/^triggered by push by maria \(id \d+\)$/m);
    expect(text.stdout).toMatch(/^ +package-lock\.json {2}sha256:[0-9a-f]{64}$/m);
    expect(text.stdout).toMatch(/^sbom {9}CycloneDX 1\.6 of svc@1\.0\.0, 2 components$/m);
    expect(text.stdout).toMatch(/^ +provenance: signed by https:\/\/github\.com\/acme\/svc\/\.github\/workflows\/release\.yml@refs\/tags\/v1\.0\.0/m);
    expect(text.stdout).toMatch(/^ +sbom: signed by /m);
    expect(text.stdout).toMatch(/^promotions {3}none recorded$/m);
    expect(text.stdout).not.toContain("MISSING");

    // The layout holds the image and its referrers tag: with one image, the directory alone names it.
    const json = await runCli(["trace", "layout", "--format", "json"], dir);
    expect(json.code).toBe(0);
    const trace = JSON.parse(json.stdout);
    expect(trace.version).toBe(1);
    expect(trace.image.digest).toBe(digest);
    expect(trace.attachments).toBe(2);
    expect(trace.missing).toEqual([]);
    expect(trace.links.map((l: { name: string }) => l.name)).toEqual(["repository", "commit", "workflow", "run", "triggered by", "lockfiles", "sbom", "signatures", "promotions"]);
    expect(trace.signatures.map((s: { predicateType: string }) => s.predicateType).sort()).toEqual([CYCLONEDX, SLSA_PROVENANCE_V1]);
    expect(trace.links.find((l: { name: string }) => l.name === "promotions").status).toBe("none");
  });

  it("shows every link of an image with nothing attached as MISSING and still exits 0 (a report, not a gate)", async () => {
    const { dir, digest } = await imageLayout();
    const text = await runCli(["trace", `layout@${digest}`], dir);
    expect(text.code).toBe(0);
    for (const link of ["repository", "commit", "workflow", "run", "triggered by", "lockfiles", "sbom", "signatures"]) {
      expect(text.stdout).toMatch(new RegExp(`^${link} +MISSING: `, "m"));
    }
    expect(text.stdout).toMatch(/^8 links missing: repository, commit, workflow, run, triggered by, lockfiles, sbom, signatures$/m);
    expect(text.stdout).not.toContain("\u001b[");

    const json = JSON.parse((await runCli(["trace", "layout", "--format", "json"], dir)).stdout);
    expect(json.missing).toEqual(["repository", "commit", "workflow", "run", "triggered by", "lockfiles", "sbom", "signatures"]);
    expect(json.signatures).toEqual([]);
  });

  it("refuses bad usage with exit 2: no target, a registry image by tag, a layout of several images with none named", async () => {
    const { dir, layout } = await imageLayout();
    expect((await runCli(["trace"], dir)).code).toBe(2);
    const byTag = await runCli(["trace", "127.0.0.1:5999/acme/svc:latest"], dir);
    expect(byTag.code).toBe(2);
    expect(byTag.stderr).toMatch(/name the image by digest/);
    const other = await buildImageFromDirectory(await tempTree({ "x.txt": "x" }));
    await writeDirectoryImage(layout, other, "other");
    const ambiguous = await runCli(["trace", "layout"], dir);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/holds 2 images; name one as <dir>:<tag>/);
  });

  it("reads a registry image by digest: an SBOM attached without provenance shows the provenance links MISSING", async () => {
    const registry = await startRegistry();
    try {
      const dir = await tempTree({ "svc/a.js": "a\n" });
      const image = await buildImageFromDirectory(path.join(dir, "svc"));
      const store = new RegistryClient({ credentials: staticCredentials({}) }).repository(registry.host, "acme/svc");
      const { digest } = await writeDirectoryImage(store, image, "v1");
      const token = sigstore.oidc.mintToken();
      const sbom = { _type: IN_TOTO_STATEMENT_V1, subject: [{ name: `${registry.host}/acme/svc`, digest: { sha256: digest.slice(7) } }], predicateType: CYCLONEDX, predicate: { bomFormat: "CycloneDX", specVersion: "1.6", components: [] } };
      const [bundle] = await (await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: token })).signStatements([sbom]);
      if (bundle === undefined) throw new Error("no bundle");
      await attachBundle(store, digest, bundle);

      const run = await runCli(["trace", `${registry.host}/acme/svc@${digest}`, "--format", "json"], dir);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const trace = JSON.parse(run.stdout);
      expect(trace.image).toMatchObject({ name: `${registry.host}/acme/svc`, digest });
      expect(trace.missing).toEqual(["repository", "commit", "workflow", "run", "triggered by", "lockfiles"]);
      expect(trace.links.find((l: { name: string }) => l.name === "sbom")).toMatchObject({ status: "present", summary: "CycloneDX 1.6, 0 components" });
      expect(trace.signatures).toHaveLength(1);
    } finally {
      await registry.stop();
    }
  });
});
