import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../packages/cli/bin/peptide.js", import.meta.url));

/** The text of one numbered section, up to the next heading. */
function section(stdout: string, heading: RegExp): string {
  const start = stdout.search(heading);
  expect(start, `section ${heading}`).toBeGreaterThanOrEqual(0);
  const rest = stdout.slice(start + 1);
  const next = rest.search(/\n(\d+\. [a-z]|The chain\n)/);
  return next < 0 ? rest : rest.slice(0, next);
}

describe("peptide demo (the built CLI, as `npm run demo` runs it)", () => {
  it("runs the chain on the example service offline and shows each link's result", async () => {
    const started = Date.now();
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, "demo"], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stderr).toBe("");

    const auditPart = section(stdout, /1\. audit/);
    expect(auditPart).toMatch(/pr-triage\.yml:\d+:\d+ critical +template-injection/);

    const sbomPart = section(stdout, /2\. sbom/);
    expect(sbomPart).toMatch(/\d+ components: \d+ npm/);
    expect(sbomPart).toMatch(/sbom\.cdx\.json +sha256:[0-9a-f]{64}/);

    const build = section(stdout, /3\. build/);
    const digest = /image digest +(sha256:[0-9a-f]{64})/.exec(build)?.[1];
    expect(digest).toBeDefined();
    expect(build).toMatch(/size +\d+ bytes/);
    expect(build).toMatch(/reproducible +yes/);

    const sign = section(stdout, /4\. provenance \+ sign/);
    expect(sign).toMatch(/provenance +https:\/\/slsa\.dev\/provenance\/v1: builder https:\/\/github\.com\/acme-payments\/payments-service\/\.github\/workflows\/release\.yml@refs\/tags\/v/);
    expect(sign).toMatch(/signed +2 attestations with 1 certificate/);
    expect(sign).toMatch(/attached +2 referrers/);

    const verify = section(stdout, /5\. verify/);
    expect(verify).toMatch(/^ {2}signer-workflow +pass +pass/m);
    expect(verify).toMatch(/^ {2}predicate-types +pass/m);
    expect(verify).toContain(`admitted: payments-service@${digest}`);
    const [, unsigned = "", otherSigner = ""] = verify.split(/\n {2}\([ab]\) /);
    expect(unsigned).toMatch(/^a hotfix built on a laptop from a modified src\/payments\.js, never signed: sha256:[0-9a-f]{64}/);
    expect(unsigned).not.toContain(digest);
    expect(unsigned).toMatch(/refused: failing checks:\n +FAIL bundle: no bundle was found for the artifact\n +FAIL predicate-types: /);
    expect(otherSigner).toMatch(/refused: failing checks:/);
    expect(otherSigner).toMatch(/FAIL signer-workflow: signer workflow https:\/\/github\.com\/acme-payments\/payments-service\/\.github\/workflows\/release\.yml@\S+ does not match acme-payments\/release-tooling\//);
    expect(otherSigner).toMatch(/FAIL builder-id: /);

    const promotion = section(stdout, /6\. promote/);
    expect(promotion).toMatch(/production before staging +sha256:[0-9a-f]{12}…: refused, nothing copied\n +FAIL previous-environment: sha256:[0-9a-f]{64} was never promoted to staging/);
    expect(promotion).toMatch(/unsigned hotfix to staging +sha256:[0-9a-f]{12}…: refused, nothing copied\n +FAIL attestations: bundle: no bundle was found/);
    expect(promotion).toMatch(/dev → staging +sha256:[0-9a-f]{12}…: promoted \(\d+ blobs, 2 attestations carried, tag written last\)/);
    expect(promotion).toMatch(/staging → production +sha256:[0-9a-f]{12}…: promoted/);

    const trace = section(stdout, /7\. trace/);
    expect(trace).toContain(`payments-service@${digest}`);
    expect(trace).toMatch(/^ {2}repository +https:\/\/github\.com\/acme-payments\/payments-service$/m);
    expect(trace).toMatch(/^ {2}commit +[0-9a-f]{40} \(refs\/tags\/v/m);
    expect(trace).toMatch(/^ {2}run +https:\/\/github\.com\/acme-payments\/payments-service\/actions\/runs\/\d+\/attempts\/1 \(github-hosted runner\)$/m);
    expect(trace).toMatch(/^ {2}sbom +CycloneDX 1\.6 of payments-service@[\d.]+, \d+ components$/m);
    expect(trace).toMatch(/^ +provenance: signed by https:\/\/github\.com\/acme-payments\/payments-service\//m);
    expect(trace).toMatch(/^ {2}promotions +staging → production$/m);
    expect(trace).toMatch(/8 links MISSING: repository, commit, workflow, run, triggered by, lockfiles, sbom, signatures/);

    const chain = stdout.slice(stdout.indexOf("\nThe chain\n"));
    for (const link of ["audit", "sbom", "provenance", "sign", "verify", "promote", "trace"]) expect(chain).toMatch(new RegExp(`^ {2}${link} +done `, "m"));
    for (const link of ["scan"]) expect(chain).toMatch(new RegExp(`^ {2}${link} +not built yet$`, "m"));
    expect(chain).toMatch(/Total: \d+\.\d s, offline\./);
  });
});
