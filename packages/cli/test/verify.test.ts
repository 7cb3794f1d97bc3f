import { access, appendFile, copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempTree } from "./run-cli.js";
import { closedPort, startTufRepository, type TufRepository } from "../../attest/test/verify/tuf-repository.js";
import { SIGNER_WORKFLOW, signWith, trustedRootFile } from "./sigstore-cli.js";

interface JsonReport {
  version: number;
  ok: boolean;
  artifact: { name: string };
  bundle: string;
  checks: Array<{ name: string; ok: boolean; reason: string }>;
  identity: { subjectAlternativeName: string; runnerEnvironment?: string };
}

const failing = (report: JsonReport) => report.checks.filter((c) => !c.ok).map((c) => c.name);

describe("peptide verify", () => {
  let sigstore: SigstoreStandin;
  let other: SigstoreStandin;
  let root: string;
  let otherRoot: string;
  let dir: string;
  const verify = (args: string[], cwd = dir) => runCli(["verify", ...args], cwd);

  beforeAll(async () => {
    [sigstore, other] = await Promise.all([startSigstore(), startSigstore()]);
    [root, otherRoot] = await Promise.all([trustedRootFile(sigstore), trustedRootFile(other)]);
    dir = await tempTree({ "app.tgz": "payments 1.4.2\n", "self-hosted.tgz": "built on a self-hosted runner\n", "attacker.tgz": "prefix trick\n" });
    expect((await signWith(sigstore, ["app.tgz"], dir, { ref: "refs/tags/v1.4.2" })).code).toBe(0);
    expect((await signWith(sigstore, ["self-hosted.tgz"], dir, { runner_environment: "self-hosted" })).code).toBe(0);
    const attacker = { job_workflow_ref: "peptide-dev/payments/.github/workflows/release.yml.attacker.yml@refs/heads/main" };
    expect((await signWith(sigstore, ["attacker.tgz"], dir, attacker)).code).toBe(0);
  });
  afterAll(() => Promise.all([sigstore.close(), other.close()]));

  it("passes a signed file: text lists every check, json is the versioned report", async () => {
    const text = await verify(["app.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW, "--source-ref", "refs/tags/v*", "--runner-environment", "github-hosted"]);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^verified\n {2}signer: https:\/\/github\.com\/peptide-dev\/payments\/\.github\/workflows\/release\.yml@refs\/tags\/v1\.4\.2\n/);
    for (const check of ["bundle", "transparency-log", "timestamps", "certificate-chain", "certificate-validity", "signature", "subject-digest", "signer-workflow", "source-ref", "runner-environment"]) {
      expect(text.stdout).toContain(`  pass  ${check}: `);
    }
    const json = await verify(["app.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW, "--format", "json"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report).toMatchObject({ version: 1, ok: true, artifact: { name: "app.tgz" }, bundle: "app.tgz.sigstore.json" });
    expect(report.identity.subjectAlternativeName).toMatch(/release\.yml@refs\/tags\/v1\.4\.2$/);
  });

  it("an altered file fails with exit 1 naming the signature and subject-digest checks", async () => {
    const altered = await tempTree({});
    await copyFile(path.join(dir, "app.tgz"), path.join(altered, "app.tgz"));
    await copyFile(path.join(dir, "app.tgz.sigstore.json"), path.join(altered, "app.tgz.sigstore.json"));
    await appendFile(path.join(altered, "app.tgz"), "one more byte");
    const run = await verify(["app.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW, "--format", "json"], altered);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.ok).toBe(false);
    expect(failing(report)).toEqual(["signature", "subject-digest"]);
    const text = await verify(["app.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW], altered);
    expect(text.stdout).toMatch(/^verification failed\n/);
    expect(text.stdout).toContain("  FAIL  signature: message signature over the artifact does not verify with the certificate's key\n");
  });

  it("a wrong --signer-workflow fails with exit 1", async () => {
    const run = await verify(["app.tgz", "--trusted-root", root, "--signer-workflow", "peptide-dev/payments/.github/workflows/nightly.yml", "--format", "json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(failing(report)).toEqual(["signer-workflow"]);
  });

  it("the prefix trick fails: release.yml does not match release.yml.attacker.yml", async () => {
    const run = await verify(["attacker.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}signer-workflow: signer workflow https:\/\/github\.com\/peptide-dev\/payments\/\.github\/workflows\/release\.yml\.attacker\.yml@refs\/heads\/main does not match /);
    const regexp = await verify(["attacker.tgz", "--trusted-root", root, "--certificate-identity-regexp", "https://github\\.com/peptide-dev/payments/\\.github/workflows/release\\.yml@.*"]);
    expect(regexp.code).toBe(1);
    expect(regexp.stdout).toContain("FAIL  certificate-identity-regexp: ");
  });

  it("a self-hosted runner fails --runner-environment github-hosted; a policy file (YAML) says the same", async () => {
    const flags = await verify(["self-hosted.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW, "--runner-environment", "github-hosted"]);
    expect(flags.code).toBe(1);
    expect(flags.stdout).toContain("FAIL  runner-environment: runner environment is self-hosted, expected github-hosted");
    await writeFile(path.join(dir, "policy.yml"), `signer-workflow: ${SIGNER_WORKFLOW}\nrunner-environment: github-hosted\n`);
    expect((await verify(["self-hosted.tgz", "--trusted-root", root, "--policy", "policy.yml"])).code).toBe(1);
    expect((await verify(["app.tgz", "--trusted-root", root, "--policy", "policy.yml"])).code).toBe(0);
    // A flag replaces the file's field.
    const overridden = await verify(["app.tgz", "--trusted-root", root, "--policy", "policy.yml", "--signer-workflow", "acme/other/.github/workflows/release.yml"]);
    expect(overridden.code).toBe(1);
  });

  it("a bundle from another trust root fails the certificate chain and log checks", async () => {
    const run = await verify(["app.tgz", "--trusted-root", otherRoot, "--signer-workflow", SIGNER_WORKFLOW, "--format", "json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(failing(report)).toEqual(expect.arrayContaining(["certificate-chain", "transparency-log"]));
  });

  it("exit 2 with one line for bad usage and unreadable input", async () => {
    const cases: Array<[string[], string]> = [
      [["app.tgz", "--trusted-root", root, "--tuf-mirror", "http://127.0.0.1:9", "--signer-workflow", SIGNER_WORKFLOW], "peptide verify: --trusted-root is a trusted root already; --tuf-mirror and --tuf-root are for fetching one through TUF, give one or the other\n"],
      [["app.tgz", "--tuf-root", root, "--signer-workflow", SIGNER_WORKFLOW], `peptide verify: ${root}: not a TUF root.json (expected signed._type "root"); a Sigstore trusted_root.json goes to --trusted-root\n`],
      [["app.tgz", "--trusted-root", root], "peptide verify: say who must have signed: --certificate-identity, --certificate-identity-regexp, --signer-workflow or --source-repository (or --policy FILE)\n"],
      [["missing.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW], "peptide verify: missing.tgz: no such file\n"],
      [["policy.yml", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW], "peptide verify: policy.yml.sigstore.json: bundle cannot be read; pass --bundle FILE\n"],
      [["app.tgz", "--trusted-root", "nope.json", "--signer-workflow", SIGNER_WORKFLOW], `peptide verify: ${path.join(dir, "nope.json")}: trusted root cannot be read; check the --trusted-root path\n`],
      [["app.tgz", "--trusted-root", root, "--signer-workflow", "release.yml"], 'peptide verify: verify flags: "signer-workflow" must be owner/repo/path/to/workflow.yml, optionally with @ref; got "release.yml"\n'],
      [[`ghcr.io/acme/app@sha256:${"c".repeat(63)}`, "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW], `peptide verify: "sha256:${"c".repeat(63)}" is not a sha256 digest (64 hex digits, optionally prefixed sha256:)\n`],
      [["app.tgz", "--trusted-root", root, "--signer-workflow", SIGNER_WORKFLOW, "--format", "sarif"], 'peptide verify: --format must be one of text, json, got "sarif"\n'],
    ];
    for (const [args, stderr] of cases) {
      const run = await verify(args);
      expect({ args, code: run.code, stderr: run.stderr, stdout: run.stdout }).toEqual({ args, code: 2, stderr, stdout: "" });
    }
  });

  describe("without --trusted-root: the trusted root through TUF (a loopback mirror; never the internet)", () => {
    let repository: TufRepository;
    let tufRoot: string;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      repository = await startTufRepository({ trustedRoot: sigstore.trustedRoot });
      tufRoot = path.join(dir, "tuf-root.json");
      await writeFile(tufRoot, repository.rootJSON);
      env = { XDG_CACHE_HOME: path.join(dir, "cache") };
    });
    afterAll(() => repository.close());

    it("--tuf-mirror with --tuf-root verifies, and the cache is under XDG_CACHE_HOME", async () => {
      const run = await runCli(["verify", "app.tgz", "--tuf-mirror", repository.url, "--tuf-root", "tuf-root.json", "--signer-workflow", SIGNER_WORKFLOW], dir, env);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
      expect(repository.requests).toContain("/timestamp.json");
      await expect(access(path.join(dir, "cache", "peptide", "tuf", encodeURIComponent(new URL(repository.url).host), "root.json"))).resolves.toBeUndefined();
      // Later runs need no --tuf-root: the mirror's root is cached.
      expect((await runCli(["verify", "app.tgz", "--tuf-mirror", repository.url, "--signer-workflow", SIGNER_WORKFLOW], dir, env)).code).toBe(0);
    });

    it("an unreachable mirror is exit 2 with one line that suggests --trusted-root", async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const run = await runCli(["verify", "app.tgz", "--tuf-mirror", url, "--tuf-root", "tuf-root.json", "--signer-workflow", SIGNER_WORKFLOW], dir, env);
      expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
        code: 2,
        stdout: "",
        stderr: `peptide verify: cannot reach the TUF mirror ${url} (ECONNREFUSED) and no fresh cached metadata in ${path.join(dir, "cache", "peptide", "tuf")}; for air-gapped use pass --trusted-root FILE\n`,
      });
    });

    it("a private mirror without its root.json on first use is told to pass --tuf-root", async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const run = await runCli(["verify", "app.tgz", "--tuf-mirror", url, "--signer-workflow", SIGNER_WORKFLOW], dir, env);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: `peptide verify: no initial root.json is known for the TUF mirror ${url}; pass --tuf-root FILE with the mirror's root.json\n` });
    });
  });
});
