import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempTree } from "./run-cli.js";
import { SIGNER_WORKFLOW, signWith, trustedRootFile } from "./sigstore-cli.js";

const SOURCE_SHA = "4b6d1d0c1f3a8e2b9c7d5e6f7a8b9c0d1e2f3a4b";
const CHECKOUT_SHA = "11bd71901bbe5b1630ceea73d27597364c9af683";
const LOCKFILE = '{"lockfileVersion":3}\n';
const WORKFLOW = `name: release
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: actions/checkout@${CHECKOUT_SHA} # v4.2.2
      - run: npm ci && npm pack
`;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A checkout of peptide-dev/payments at SOURCE_SHA (detached HEAD, as actions/checkout leaves it) with a built artifact. */
function workspace(): Promise<string> {
  return tempTree({
    ".git/HEAD": `${SOURCE_SHA}\n`,
    ".github/workflows/release.yml": WORKFLOW,
    "package-lock.json": LOCKFILE,
    "dist/app.tgz": "payments 1.4.2\n",
    "dist/SHA256SUMS": `${"d".repeat(64)}  app-linux-amd64\n`,
    "bom.json": '{"bomFormat":"CycloneDX","specVersion":"1.6"}\n',
  });
}

describe("peptide provenance", () => {
  let sigstore: SigstoreStandin;
  beforeAll(async () => {
    sigstore = await startSigstore();
  });
  afterAll(() => sigstore.close());

  /** What the runner gives a job with `id-token: write`, the tests' issuer named by --oidc-issuer. */
  const runner = (dir: string, claims: Record<string, unknown> = {}) => ({
    ...sigstore.oidc.runnerEnv({ sha: SOURCE_SHA, ...claims }),
    GITHUB_WORKSPACE: dir,
    GITHUB_JOB: "build",
    GITHUB_SERVER_URL: "https://github.com",
  });
  const issuer = () => ["--oidc-issuer", sigstore.oidc.issuer];

  it("writes the SLSA v1 statement of files, checksums and images from the runner's context", async () => {
    const dir = await workspace();
    const image = `ghcr.io/peptide-dev/payments@sha256:${"e".repeat(64)}`;
    const run = await runCli(["provenance", "--subject", "dist/*.tgz", "--subject", image, "--subject-checksums", "dist/SHA256SUMS", "--sbom", "bom.json", ...issuer()], dir, runner(dir));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const statement = JSON.parse(run.stdout);
    expect(statement._type).toBe("https://in-toto.io/Statement/v1");
    expect(statement.predicateType).toBe("https://slsa.dev/provenance/v1");
    expect(statement.subject).toEqual([
      { name: "app-linux-amd64", digest: { sha256: "d".repeat(64) } },
      { name: "app.tgz", digest: { sha256: sha256("payments 1.4.2\n") } },
      { name: "ghcr.io/peptide-dev/payments", digest: { sha256: "e".repeat(64) } },
    ]);
    const { buildDefinition, runDetails } = statement.predicate;
    expect(buildDefinition.buildType).toBe("https://github.com/peptide-dev/peptide/provenance/buildtypes/github-actions/v1");
    expect(buildDefinition.externalParameters.workflow).toEqual({ ref: "refs/heads/main", repository: "https://github.com/peptide-dev/payments", path: ".github/workflows/release.yml" });
    expect(buildDefinition.resolvedDependencies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ digest: { gitCommit: SOURCE_SHA } }),
        expect.objectContaining({ digest: { sha256: sha256(LOCKFILE) }, annotations: { kind: "lockfile" } }),
      ]),
    );
    expect(runDetails.builder.id).toBe("https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/heads/main");
    expect(runDetails.metadata.invocationId).toMatch(/^https:\/\/github\.com\/peptide-dev\/payments\/actions\/runs\/\d+\/attempts\/\d+$/);
    expect(runDetails.byproducts).toEqual([{ name: "bom.json", digest: { sha256: sha256('{"bomFormat":"CycloneDX","specVersion":"1.6"}\n') }, mediaType: "application/vnd.cyclonedx+json" }]);
  });

  it("chains into sign --statement and verify --predicate-type with the builder id checked, never printing the token", async () => {
    const dir = await workspace();
    const env = runner(dir, { ref: "refs/tags/v1.4.2" });
    const made = await runCli(["provenance", "--subject", "dist/app.tgz", "-o", "provenance.json", ...issuer()], dir, env);
    expect(made.code).toBe(0);
    expect(made.stdout).toBe("");
    expect(made.stderr).toMatch(/^wrote provenance\.json: provenance of 1 subject, builder https:\/\/github\.com\/.+@refs\/tags\/v1\.4\.2, sha256:[0-9a-f]{64}\n$/);
    const signed = await signWith(sigstore, ["--statement", "provenance.json", "--bundle-dir", "dist"], dir, { sha: SOURCE_SHA, ref: "refs/tags/v1.4.2" });
    expect(signed.code).toBe(0);
    const root = await trustedRootFile(sigstore);
    const verified = await runCli(["verify", "dist/app.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW, "--predicate-type", "https://slsa.dev/provenance/v1", "--source-ref", "refs/tags/v*"], dir);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain("  pass  builder-id: ");

    // What the runner's endpoint answered is the only token there was; none of it shows anywhere.
    const token = sigstore.oidc.mintToken();
    const withToken = await runCli(["provenance", "--subject", "dist/app.tgz", ...issuer()], dir, { SIGSTORE_ID_TOKEN: token, GITHUB_WORKSPACE: dir });
    expect(withToken.code).toBe(0);
    const written = await readFile(path.join(dir, "provenance.json"), "utf8");
    for (const part of [token, ...token.split(".")]) {
      for (const text of [withToken.stdout, withToken.stderr, made.stderr, signed.stdout, signed.stderr, written]) expect(text).not.toContain(part);
    }
  });

  it("outside a runner: exit 2 naming the missing variables and `permissions: id-token: write`", async () => {
    const dir = await workspace();
    const run = await runCli(["provenance", "--subject", "dist/app.tgz"], dir, { GITHUB_WORKSPACE: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      'peptide provenance: no identity token for provenance: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set; in a workflow add "permissions: id-token: write" to the job, elsewhere set SIGSTORE_ID_TOKEN\n',
    );
  });

  it("exit 2 for no subject, a missing file and a token of another issuer", async () => {
    const dir = await workspace();
    const none = await runCli(["provenance"], dir, runner(dir));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^peptide provenance: no subject: give --subject/);
    const missing = await runCli(["provenance", "--subject", "dist/nope.tgz", ...issuer()], dir, runner(dir));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("peptide provenance: dist/nope.tgz: no such file\n");
    const wrongIssuer = await runCli(["provenance", "--subject", "dist/app.tgz", "--oidc-issuer", "http://127.0.0.1:9/other"], dir, runner(dir));
    expect(wrongIssuer.code).toBe(2);
    expect(wrongIssuer.stderr).toMatch(/^peptide provenance: the identity token was issued by http:\/\/127\.0\.0\.1:\d+, expected http:\/\/127\.0\.0\.1:9\/other\n$/);
  });
});
