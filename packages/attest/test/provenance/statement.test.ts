import { createHash } from "node:crypto";
import { rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contextFromRunner, provenanceStatement, readBuildWorkflow, sbomDescriptor } from "../../src/provenance/index.js";
import { PEPTIDE_BUILD_TYPE } from "../../src/types.js";
import { githubClaimSet, startLocalIssuer } from "../oidc/local-issuer.js";
import { ALPINE_DIGEST, CHECKOUT_SHA, CODEQL_SHA, fixedClaims, fixedContext, makeWorkspace, RELEASE_WORKFLOW, SOURCE_SHA } from "./workspace.js";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const SUBJECTS = [
  { name: "payments-linux-amd64.tar.gz", digest: { sha256: "e".repeat(64) } },
  { name: "ghcr.io/peptide-dev/payments", digest: { sha256: "f".repeat(64) } },
];

describe("provenanceStatement", () => {
  let workspace: string;
  beforeAll(() => {
    workspace = makeWorkspace();
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it("has the exact shape for a fixed context", async () => {
    const statement = await provenanceStatement(SUBJECTS, fixedContext(workspace));
    expect(statement).toEqual({
      _type: "https://in-toto.io/Statement/v1",
      subject: SUBJECTS,
      predicateType: "https://slsa.dev/provenance/v1",
      predicate: {
        buildDefinition: {
          buildType: "https://github.com/peptide-dev/peptide/provenance/buildtypes/github-actions/v1",
          externalParameters: {
            workflow: { ref: "refs/tags/v1.4.0", repository: "https://github.com/peptide-dev/payments", path: ".github/workflows/release.yml" },
            inputs: { "dry-run": false, version: "1.4.0" },
          },
          internalParameters: {
            github: {
              event_name: "workflow_dispatch",
              repository_id: "708010203",
              repository_owner_id: "148100000",
              runner_environment: "github-hosted",
              actor: "octocat",
              actor_id: "583231",
              triggering_actor: "hubot",
              triggering_actor_id: "4242",
              ref_type: "tag",
              ref_protected: "true",
              environment: "production",
              workflow_sha: SOURCE_SHA,
              job_workflow_sha: SOURCE_SHA,
              run_number: "17",
              repository_visibility: "public",
            },
            workflow: { path: ".github/workflows/release.yml", read: true, sha256: sha(RELEASE_WORKFLOW), commitChecked: true, uses: 7, unpinned: 3 },
            job: { id: "build", permissions: { attestations: "write", contents: "read", "id-token": "write" }, permissionsDeclaredAt: "job" },
            lockfiles: { searched: true, count: 3 },
          },
          resolvedDependencies: [
            { uri: "git+https://github.com/peptide-dev/payments@refs/tags/v1.4.0", digest: { gitCommit: SOURCE_SHA } },
            {
              name: ".github/actions/build",
              uri: `git+https://github.com/peptide-dev/payments@${SOURCE_SHA}#.github/actions/build`,
              digest: { gitCommit: SOURCE_SHA },
              annotations: { kind: "local", uses: "./.github/actions/build", pinned: true, jobs: ["build"] },
            },
            {
              name: "actions/checkout",
              uri: `git+https://github.com/actions/checkout@${CHECKOUT_SHA}`,
              digest: { gitCommit: CHECKOUT_SHA },
              annotations: { kind: "action", uses: `actions/checkout@${CHECKOUT_SHA}`, pinned: true, jobs: ["build", "test"], comment: "v4.2.2" },
            },
            {
              name: "actions/setup-node",
              uri: "git+https://github.com/actions/setup-node@v4",
              annotations: { kind: "action", uses: "actions/setup-node@v4", pinned: false, jobs: ["test"] },
            },
            {
              name: "alpine",
              uri: `docker://alpine:3.20@sha256:${ALPINE_DIGEST}`,
              digest: { sha256: ALPINE_DIGEST },
              annotations: { kind: "docker", uses: `docker://alpine:3.20@sha256:${ALPINE_DIGEST}`, pinned: true, jobs: ["build"] },
            },
            {
              name: "node",
              uri: "docker://node:20",
              annotations: { kind: "docker", uses: "docker://node:20", pinned: false, jobs: ["build"] },
            },
            {
              name: "github/codeql-action/init",
              uri: `git+https://github.com/github/codeql-action@${CODEQL_SHA}#init`,
              digest: { gitCommit: CODEQL_SHA },
              annotations: { kind: "action", uses: `github/codeql-action/init@${CODEQL_SHA}`, pinned: true, jobs: ["build"], comment: "v3.28.0" },
            },
            {
              name: "peptide-dev/shared/.github/workflows/publish.yml",
              uri: "git+https://github.com/peptide-dev/shared@main#.github/workflows/publish.yml",
              annotations: { kind: "reusable-workflow", uses: "peptide-dev/shared/.github/workflows/publish.yml@main", pinned: false, jobs: ["publish"] },
            },
            {
              name: "package-lock.json",
              uri: `git+https://github.com/peptide-dev/payments@${SOURCE_SHA}#package-lock.json`,
              digest: { sha256: sha('{"lockfileVersion":3}\n') },
              annotations: { kind: "lockfile" },
            },
            {
              name: "services/api/go.sum",
              uri: `git+https://github.com/peptide-dev/payments@${SOURCE_SHA}#services/api/go.sum`,
              digest: { sha256: sha("example.com/x v1.0.0 h1:abc=\n") },
              annotations: { kind: "lockfile" },
            },
            {
              name: "services/api/requirements-dev.txt",
              uri: `git+https://github.com/peptide-dev/payments@${SOURCE_SHA}#services/api/requirements-dev.txt`,
              digest: { sha256: sha("pytest==8.0.0\n") },
              annotations: { kind: "lockfile" },
            },
          ],
        },
        runDetails: {
          builder: { id: "https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.0" },
          metadata: {
            invocationId: "https://github.com/peptide-dev/payments/actions/runs/9876543210/attempts/2",
            startedOn: "2025-06-15T15:00:00Z",
            finishedOn: "2025-06-15T15:06:41Z",
          },
          byproducts: [{ name: "payments.cdx.json", digest: { sha256: "d".repeat(64) }, mediaType: "application/vnd.cyclonedx+json" }],
        },
      },
    });
    expect(statement.predicate.buildDefinition.buildType).toBe(PEPTIDE_BUILD_TYPE);
  });

  it("records what actions/attest-build-provenance records, with the same values", async () => {
    // The predicate of actions/attest's buildSLSAProvenancePredicate for the same claims, field by field.
    const { predicate } = await provenanceStatement(SUBJECTS, fixedContext(workspace));
    const claims = fixedClaims();
    expect(predicate.buildDefinition.externalParameters.workflow).toEqual({
      ref: "refs/tags/v1.4.0",
      repository: `https://github.com/${claims.repository}`,
      path: ".github/workflows/release.yml",
    });
    expect(predicate.buildDefinition.internalParameters?.github).toMatchObject({
      event_name: claims.event_name,
      repository_id: claims.repository_id,
      repository_owner_id: claims.repository_owner_id,
      runner_environment: claims.runner_environment,
    });
    expect(predicate.buildDefinition.resolvedDependencies?.[0]).toEqual({ uri: `git+https://github.com/${claims.repository}@${claims.ref}`, digest: { gitCommit: claims.sha } });
    expect(predicate.runDetails.builder.id).toBe(`https://github.com/${claims.job_workflow_ref}`);
    expect(predicate.runDetails.metadata?.invocationId).toBe(`https://github.com/${claims.repository}/actions/runs/${claims.run_id}/attempts/${claims.run_attempt}`);
  });

  it("names the reusable workflow as the builder when the job runs in one, and leaves its file unread", async () => {
    const claims = fixedClaims({
      job_workflow_ref: "peptide-dev/peptide/.github/workflows/build-provenance.yml@refs/tags/v1.0.0",
      job_workflow_sha: "9".repeat(40),
    });
    const { predicate } = await provenanceStatement(SUBJECTS, fixedContext(workspace, { claims }));
    expect(predicate.runDetails.builder.id).toBe("https://github.com/peptide-dev/peptide/.github/workflows/build-provenance.yml@refs/tags/v1.0.0");
    expect(predicate.buildDefinition.externalParameters.workflow).toMatchObject({ path: ".github/workflows/release.yml" });
    expect(predicate.buildDefinition.internalParameters?.workflow).toEqual({
      path: ".github/workflows/build-provenance.yml",
      read: false,
      reason: "the job runs peptide-dev/peptide/.github/workflows/build-provenance.yml@refs/tags/v1.0.0 from another repository; its file is not in the workspace",
      commitChecked: false,
      uses: 0,
      unpinned: 0,
    });
    expect(predicate.buildDefinition.internalParameters).not.toHaveProperty("job");
  });

  it("omits inputs for other events, the triggering actor id when unknown, and byproducts without an SBOM", async () => {
    const claims = fixedClaims({ event_name: "push", ref_type: "branch", ref: "refs/heads/main" });
    const context = fixedContext(workspace, { claims, sbom: undefined, event: { sender: { login: "octocat", id: 583231 } }, env: { GITHUB_JOB: "build", GITHUB_TRIGGERING_ACTOR: "someone-else" } });
    const { predicate } = await provenanceStatement(SUBJECTS, context);
    expect(predicate.buildDefinition.externalParameters).not.toHaveProperty("inputs");
    expect(predicate.buildDefinition.internalParameters?.github).toMatchObject({ triggering_actor: "someone-else" });
    expect(predicate.buildDefinition.internalParameters?.github).not.toHaveProperty("triggering_actor_id");
    expect(predicate.runDetails).not.toHaveProperty("byproducts");
    expect(predicate.buildDefinition.resolvedDependencies?.[0]?.uri).toBe("git+https://github.com/peptide-dev/payments@refs/heads/main");
  });

  it("uses GITHUB_SERVER_URL for every URL (GitHub Enterprise)", async () => {
    const context = fixedContext(workspace, { env: { GITHUB_SERVER_URL: "https://github.acme.internal/", GITHUB_JOB: "build" } });
    const { predicate } = await provenanceStatement(SUBJECTS, context);
    expect(predicate.runDetails.builder.id).toBe("https://github.acme.internal/peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.0");
    expect(predicate.runDetails.metadata?.invocationId).toMatch(/^https:\/\/github\.acme\.internal\/peptide-dev\/payments\/actions\/runs\//);
    expect(predicate.buildDefinition.resolvedDependencies?.every((d) => !d.uri?.includes("github.com/peptide-dev/payments"))).toBe(true);
  });

  it("defaults finishedOn to the time the statement is made", async () => {
    const before = Date.now() - 1000;
    const { predicate } = await provenanceStatement(SUBJECTS, fixedContext(workspace, { finishedOn: undefined, startedOn: undefined }));
    const finished = Date.parse(predicate.runDetails.metadata?.finishedOn ?? "");
    expect(finished).toBeGreaterThanOrEqual(before);
    expect(predicate.runDetails.metadata).not.toHaveProperty("startedOn");
  });
});

describe("the build workflow's uses", () => {
  it("resolves unpinned refs through a resolver and marks them as looked up", async () => {
    const workspace = makeWorkspace();
    try {
      const asked: string[] = [];
      const facts = await readBuildWorkflow(fixedContext(workspace), {
        resolveRef: async ({ owner, repo, ref }) => {
          asked.push(`${owner}/${repo}@${ref}`);
          return owner === "actions" ? "5".repeat(40) : undefined;
        },
      });
      expect(asked.sort()).toEqual(["actions/setup-node@v4", "peptide-dev/shared@main"]);
      expect(facts.uses.find((u) => u.uses === "actions/setup-node@v4")).toEqual({
        uses: "actions/setup-node@v4",
        kind: "action",
        target: { owner: "actions", repo: "setup-node", ref: "v4" },
        pinned: false,
        jobs: ["test"],
        commit: "5".repeat(40),
        resolvedBy: "lookup",
      });
      expect(facts.uses.find((u) => u.kind === "reusable-workflow")).not.toHaveProperty("commit");
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it("does not read the workflow from a workspace at another commit", async () => {
    const workspace = makeWorkspace({ ".git/HEAD": "ref: refs/heads/main\n", ".git/packed-refs": `# pack-refs\n${"7".repeat(40)} refs/heads/main\n` });
    try {
      const facts = await readBuildWorkflow(fixedContext(workspace));
      expect(facts).toEqual({
        path: ".github/workflows/release.yml",
        read: false,
        reason: `the workspace is at commit ${"7".repeat(40)}, not at the workflow's commit ${SOURCE_SHA}`,
        commitChecked: true,
        uses: [],
      });
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it("reads it without git metadata, saying the commit was not checked; and records workflow-level and undeclared permissions", async () => {
    const workspace = makeWorkspace();
    rmSync(path.join(workspace, ".git"), { recursive: true });
    try {
      const facts = await readBuildWorkflow(fixedContext(workspace, { env: { GITHUB_JOB: "publish" } }));
      expect(facts).toMatchObject({ read: true, commitChecked: false, job: { id: "publish", permissions: {}, permissionsDeclaredAt: "workflow" } });
      writeFileSync(path.join(workspace, ".github/workflows/release.yml"), RELEASE_WORKFLOW.replace("permissions: {}\n", ""));
      const undeclared = await readBuildWorkflow(fixedContext(workspace, { env: { GITHUB_JOB: "publish" } }));
      expect(undeclared.job).toEqual({ id: "publish", permissionsDeclaredAt: "none" });
      writeFileSync(path.join(workspace, ".github/workflows/release.yml"), "jobs: [1, 2]\n");
      const broken = await readBuildWorkflow(fixedContext(workspace));
      expect(broken).toMatchObject({ read: false, reason: ".github/workflows/release.yml: not a workflow (a workflow needs an `on:` key)" });
      rmSync(path.join(workspace, ".github"), { recursive: true });
      const missing = await readBuildWorkflow(fixedContext(workspace));
      expect(missing).toMatchObject({ read: false, reason: ".github/workflows/release.yml: not found in the workspace" });
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});

describe("sbomDescriptor", () => {
  it("hashes the SBOM and tells CycloneDX from SPDX", async () => {
    const workspace = makeWorkspace();
    try {
      const cdx = path.join(workspace, "bom.json");
      writeFileSync(cdx, '{"bomFormat":"CycloneDX","specVersion":"1.6"}');
      const spdx = path.join(workspace, "sbom.json");
      writeFileSync(spdx, '{"spdxVersion":"SPDX-2.3"}');
      expect(await sbomDescriptor(cdx)).toEqual({ name: "bom.json", digest: { sha256: sha('{"bomFormat":"CycloneDX","specVersion":"1.6"}') }, mediaType: "application/vnd.cyclonedx+json" });
      expect((await sbomDescriptor(spdx)).mediaType).toBe("application/spdx+json");
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});

describe("contextFromRunner", () => {
  let sigstore: SigstoreStandin;
  beforeAll(async () => {
    sigstore = await startSigstore();
  });
  afterAll(async () => {
    await sigstore.close();
  });

  it("requests the token from the runner, verifies it against the issuer and reads the event", async () => {
    const workspace = makeWorkspace();
    try {
      const eventPath = path.join(workspace, "..", `${path.basename(workspace)}-event.json`);
      writeFileSync(eventPath, JSON.stringify({ inputs: { version: "1.4.0" }, sender: { login: "octocat", id: 583231 } }));
      utimesSync(eventPath, new Date("2025-06-15T15:00:00Z"), new Date("2025-06-15T15:00:00Z"));
      const env = {
        ...sigstore.oidc.runnerEnv({ event_name: "workflow_dispatch", sha: SOURCE_SHA }),
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_WORKSPACE: workspace,
        GITHUB_JOB: "build",
      };
      const context = await contextFromRunner(env, { issuer: sigstore.oidc.issuer });
      expect(context.claims.repository).toBe("peptide-dev/payments");
      expect(context.claims.aud).toBe("sigstore");
      expect(context.event).toMatchObject({ inputs: { version: "1.4.0" } });
      expect(context.workspace).toBe(workspace);
      expect(context.startedOn?.toISOString()).toBe("2025-06-15T15:00:00.000Z");
      const statement = await provenanceStatement(SUBJECTS, context);
      expect(statement.predicate.buildDefinition.externalParameters).toMatchObject({ inputs: { version: "1.4.0" } });
      rmSync(eventPath);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it("refuses a token the expected issuer did not sign", async () => {
    const other = await startLocalIssuer();
    try {
      const now = Math.floor(Date.now() / 1000);
      // Claims naming the stand-in as issuer and its key id, signed by another key.
      const kid = sigstore.oidc.jwks.keys[0]?.kid as string;
      const token = other.sign(githubClaimSet(sigstore.oidc.issuer, { exp: now + 60, nbf: now, iat: now }), { kid });
      await expect(contextFromRunner({}, { issuer: sigstore.oidc.issuer, token })).rejects.toMatchObject({ code: "TOKEN_SIGNATURE" });
    } finally {
      await other.close();
    }
  });
});
