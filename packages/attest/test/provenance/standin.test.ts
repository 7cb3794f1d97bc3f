import { rmSync } from "node:fs";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OidcError, verifyGitHubToken } from "../../src/oidc/index.js";
import { contextFromRunner, provenanceStatement } from "../../src/provenance/index.js";
import { makeWorkspace, SOURCE_SHA } from "./workspace.js";

/** The provenance from tokens of the testkit's Sigstore stand-in, as the end-to-end tests get them. */
describe("with the testkit's OIDC issuer", () => {
  let sigstore: SigstoreStandin;
  let workspace: string;
  beforeAll(async () => {
    sigstore = await startSigstore();
    workspace = makeWorkspace();
  });
  afterAll(async () => {
    await sigstore.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  it("makes the provenance of a run from the runner's token endpoint", async () => {
    const env = {
      ...sigstore.oidc.runnerEnv({ ref: "refs/tags/v1.4.0", sha: SOURCE_SHA, environment: "production" }),
      GITHUB_WORKSPACE: workspace,
      GITHUB_JOB: "build",
      GITHUB_SERVER_URL: "https://github.com",
    };
    const context = await contextFromRunner(env, { issuer: sigstore.oidc.issuer });
    expect(context.claims).toMatchObject({ ref: "refs/tags/v1.4.0", sha: SOURCE_SHA, aud: "sigstore", environment: "production" });
    const { predicate } = await provenanceStatement([{ name: "app.tgz", digest: { sha256: "a".repeat(64) } }], context);
    expect(predicate.runDetails.builder.id).toBe(`https://github.com/${context.claims.job_workflow_ref}`);
    expect(predicate.buildDefinition.internalParameters?.workflow).toMatchObject({ read: true, commitChecked: true });
    expect(predicate.buildDefinition.internalParameters?.job).toMatchObject({ id: "build", permissionsDeclaredAt: "job" });
  });

  it("refuses its expired tokens and tokens for another audience", async () => {
    const options = { issuer: sigstore.oidc.issuer, audience: "sigstore" };
    const expired = await verifyGitHubToken(sigstore.oidc.mintToken({ exp: Math.floor(Date.now() / 1000) - 3600 }), options).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(OidcError);
    expect((expired as OidcError).code).toBe("TOKEN_EXPIRED");
    const other = await verifyGitHubToken(sigstore.oidc.mintToken({ aud: "nobody" }), options).catch((e: unknown) => e);
    expect((other as OidcError).code).toBe("TOKEN_AUDIENCE");
  });
});
