import { describe, expect, it } from "vitest";
import { SourceFile, buildWorkflow, requiredPermissions, type RequiredPermissions, type WorkflowModel } from "@peptide/workflow";

/** A workflow from a job body (indented under `jobs.job`), with optional top-level lines. */
function workflowOf(job: string, top = "on: push"): WorkflowModel {
  const body = job
    .trim()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
  return buildWorkflow(new SourceFile("w.yml", `${top}\njobs:\n  job:\n    runs-on: ubuntu-latest\n${body}\n`));
}

function need(job: string, top?: string): RequiredPermissions {
  const workflow = workflowOf(job, top);
  return requiredPermissions(workflow.jobs[0]!, workflow);
}

const CHECKOUT = "- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683";

describe("requiredPermissions: actions", () => {
  it.each([
    ["checkout reads the repository", `steps:\n  ${CHECKOUT}`, { contents: "read" }],
    ["checkout with a PAT needs nothing", `steps:\n  ${CHECKOUT}\n    with:\n      token: \${{ secrets.BOT_PAT }}`, {}],
    ["artifacts and caches need nothing", "steps:\n  - uses: actions/upload-artifact@v4\n  - uses: actions/download-artifact@v4\n  - uses: actions/cache@v4", {}],
    ["download-artifact from another run reads actions", "steps:\n  - uses: actions/download-artifact@v4\n    with:\n      run-id: 42\n      github-token: ${{ github.token }}", { actions: "read" }],
    ["upload-sarif", "steps:\n  - uses: github/codeql-action/upload-sarif@v3", { actions: "read", contents: "read", "security-events": "write" }],
    ["softprops/action-gh-release", "steps:\n  - uses: softprops/action-gh-release@v2", { contents: "write" }],
    ["create-pull-request", "steps:\n  - uses: peter-evans/create-pull-request@v7", { contents: "write", "pull-requests": "write" }],
    ["create-pull-request with an App token", "steps:\n  - uses: peter-evans/create-pull-request@v7\n    with:\n      token: ${{ steps.app.outputs.token }}", {}],
    ["deploy-pages", "steps:\n  - uses: actions/deploy-pages@v4", { "id-token": "write", pages: "write" }],
    ["attest-build-provenance", "steps:\n  - uses: actions/attest-build-provenance@v2", { attestations: "write", "id-token": "write" }],
    ["aws role", "steps:\n  - uses: aws-actions/configure-aws-credentials@v4\n    with:\n      role-to-assume: arn:aws:iam::1:role/x", { "id-token": "write" }],
    ["aws access keys", "steps:\n  - uses: aws-actions/configure-aws-credentials@v4\n    with:\n      aws-access-key-id: ${{ secrets.KEY }}\n      role-to-assume: arn:aws:iam::1:role/x", {}],
    ["gcp workload identity", "steps:\n  - uses: google-github-actions/auth@v2\n    with:\n      workload_identity_provider: projects/1/x", { "id-token": "write" }],
    ["gcp key file", "steps:\n  - uses: google-github-actions/auth@v2\n    with:\n      credentials_json: ${{ secrets.GCP }}", {}],
    ["azure OIDC", "steps:\n  - uses: azure/login@v2\n    with:\n      client-id: ${{ vars.ID }}\n      tenant-id: t\n      subscription-id: s", { "id-token": "write" }],
    ["azure creds", "steps:\n  - uses: azure/login@v2\n    with:\n      creds: ${{ secrets.AZURE }}", {}],
    ["stale on issues only", "steps:\n  - uses: actions/stale@v9\n    with:\n      days-before-pr-stale: -1", { issues: "write" }],
    ["sticky comment", "steps:\n  - uses: marocchino/sticky-pull-request-comment@v2", { "pull-requests": "write" }],
    ["Uppercase owner matches", "steps:\n  - uses: SoftProps/Action-GH-Release@v2", { contents: "write" }],
    ["peptide root action signs", "steps:\n  - uses: peptide-dev/peptide@v1\n    with:\n      subject-path: dist/*.tgz", { "id-token": "write" }],
    ["peptide root action pushing to ghcr.io and GitHub attestations", "steps:\n  - uses: peptide-dev/peptide@v1\n    with:\n      subject-name: ghcr.io/acme/svc\n      subject-digest: sha256:aa\n      push-to-registry: true\n      github-attestations: true", { attestations: "write", "id-token": "write", packages: "write" }],
    ["peptide promote reads the run's approvals", "steps:\n  - uses: peptide-dev/peptide/actions/promote@v1\n    with:\n      source: r.example/a@sha256:aa\n      to: r.example/b:v1", { actions: "read", "id-token": "write" }],
    ["peptide promote on ghcr.io, self-approval forbidden", "steps:\n  - uses: peptide-dev/peptide/actions/promote@v1\n    with:\n      source: ghcr.io/acme/a@sha256:aa\n      to: ghcr.io/acme/b:v1\n      forbid-self-approval: true", { actions: "read", contents: "read", "id-token": "write", packages: "write", "pull-requests": "read" }],
    ["peptide promote without approvals", "steps:\n  - uses: peptide-dev/peptide/actions/promote@v1\n    with:\n      source: r.example/a@sha256:aa\n      to: r.example/b:v1\n      approvals: none", { "id-token": "write" }],
    ["peptide trace of a ghcr.io image reads packages", "steps:\n  - uses: peptide-dev/peptide/actions/trace@v1\n    with:\n      image: ghcr.io/acme/b@sha256:aa", { packages: "read" }],
  ])("%s", (_name, job, scopes) => {
    const req = need(job);
    expect(req.scopes).toEqual(scopes);
    expect(req.unknown).toEqual([]);
  });

  it("docker/login-action to ghcr.io with the job token: write when the job pushes there", () => {
    const job = `steps:
  - uses: docker/login-action@v3
    with:
      registry: \${{ env.REGISTRY }}
      username: \${{ github.actor }}
      password: \${{ secrets.GITHUB_TOKEN }}
  - uses: docker/build-push-action@v6
    with:
      context: .
      push: true
      tags: ghcr.io/acme/app:latest`;
    expect(need(job, "on: push\nenv:\n  REGISTRY: ghcr.io").scopes).toEqual({ packages: "write" });
  });

  it("docker/login-action to ghcr.io: read when the job only pulls", () => {
    const job = `steps:
  - uses: docker/login-action@v3
    with:
      registry: ghcr.io
      username: x
      password: \${{ github.token }}
  - uses: docker/build-push-action@v6
    with:
      context: .
      push: false`;
    expect(need(job).scopes).toEqual({ packages: "read" });
  });

  it("docker/login-action to Docker Hub needs nothing", () => {
    expect(need("steps:\n  - uses: docker/login-action@v3\n    with:\n      username: x\n      password: ${{ secrets.HUB }}").scopes).toEqual({});
  });

  it("github-script: classified from its calls", () => {
    const job = `steps:
  - uses: actions/github-script@v7
    with:
      script: |
        const { data } = await github.rest.pulls.get({ ...context.repo, pull_number: 1 });
        await github.rest.issues.createComment({ ...context.repo, issue_number: 1, body: "hi" });`;
    expect(need(job, "on: pull_request").scopes).toEqual({ "pull-requests": "write" });
    expect(need(job, "on: push").scopes).toEqual({ issues: "write", "pull-requests": "read" });
  });

  it("github-script with graphql is unknown", () => {
    const req = need("steps:\n  - uses: actions/github-script@v7\n    with:\n      script: await github.graphql('query { viewer { login } }')");
    expect(req.unknown).toHaveLength(1);
  });

  it("unknown and local actions are reported, not guessed", () => {
    const req = need("steps:\n  - uses: ./.github/actions/setup\n  - name: Mystery\n    uses: acme/mystery@v1");
    expect(req.scopes).toEqual({});
    expect(req.unknown).toEqual(["`./.github/actions/setup` (a local action, not read)", "step `Mystery` (`acme/mystery`: not in the knowledge base)"]);
  });

  it("a docker:// step without the token needs nothing", () => {
    expect(need("steps:\n  - uses: docker://alpine:3.20\n    with:\n      args: echo hi").unknown).toEqual([]);
  });

  it("a reusable workflow call is unknown unless it is well known", () => {
    const call = buildWorkflow(new SourceFile("w.yml", "on: push\njobs:\n  a:\n    uses: acme/wf/.github/workflows/x.yml@v1\n  b:\n    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@v2.1.0\n"));
    expect(requiredPermissions(call.jobs[0]!, call).unknown).toHaveLength(1);
    expect(requiredPermissions(call.jobs[1]!, call).scopes).toEqual({ actions: "read", "id-token": "write", packages: "write" });
  });

  it("a called workflow is read through resolveWorkflow when the caller can", () => {
    const callee = buildWorkflow(
      new SourceFile("c.yml", "on: workflow_call\njobs:\n  x:\n    permissions:\n      contents: read\n      id-token: write\n    runs-on: u\n    steps: []\n  y:\n    runs-on: u\n    steps:\n      - uses: softprops/action-gh-release@v2\n"),
    );
    const caller = buildWorkflow(new SourceFile("w.yml", "on: push\njobs:\n  a:\n    uses: ./.github/workflows/c.yml\n"));
    const req = requiredPermissions(caller.jobs[0]!, caller, { resolveWorkflow: () => callee });
    expect(req.scopes).toEqual({ contents: "write", "id-token": "write" });
    expect(req.unknown).toEqual([]);
  });

  it("records which step needs each scope", () => {
    const req = need(`steps:\n  ${CHECKOUT}\n  - name: Release\n    uses: softprops/action-gh-release@v2`);
    expect(req.reasons.contents).toEqual(["`actions/checkout`", "step `Release`"]);
  });

  it("container images pulled from ghcr.io with the job token need packages: read", () => {
    const job = "container:\n  image: ghcr.io/acme/build:1\n  credentials:\n    username: x\n    password: ${{ github.token }}\nsteps:\n  - run: make";
    expect(need(job).scopes).toEqual({ packages: "read" });
  });
});

describe("requiredPermissions: run scripts", () => {
  const GH = "env:\n  GH_TOKEN: ${{ github.token }}\nsteps:\n  - run: ";
  it.each([
    ["gh pr comment", `${GH}gh pr comment 1 --body hi`, { "pull-requests": "write" }],
    ["gh pr merge", `${GH}gh pr merge --squash 1`, { contents: "write", "pull-requests": "write" }],
    ["gh issue create", `${GH}gh issue create --title t --body b`, { issues: "write" }],
    ["gh release create", `${GH}gh release create v1 dist/*`, { contents: "write" }],
    ["gh release download", `${GH}gh release download v1`, { contents: "read" }],
    ["gh run list", `${GH}gh run list --limit 1`, { actions: "read" }],
    ["gh workflow run", `${GH}gh workflow run ci.yml`, { actions: "write" }],
    ["gh api GET", `${GH}gh api repos/{owner}/{repo}/pulls/1`, { "pull-requests": "read" }],
    ["gh api POST with -f", `${GH}gh api repos/$GITHUB_REPOSITORY/statuses/$SHA -f state=success`, { statuses: "write" }],
    ["gh api -X DELETE", `${GH}gh api -X DELETE repos/o/r/actions/caches/1`, { actions: "write" }],
    ["gh with a PAT", "env:\n  GH_TOKEN: ${{ secrets.PAT }}\nsteps:\n  - run: gh pr comment 1 --body hi", {}],
    ["gh without any token", "steps:\n  - run: gh pr comment 1 --body hi", {}],
    ["token in the step env", "steps:\n  - env:\n      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n    run: gh issue close 3", { issues: "write" }],
    ["cosign keyless", "steps:\n  - run: cosign sign --yes ghcr.io/acme/app@sha256:abc", { "id-token": "write" }],
    ["cosign with a key", "steps:\n  - run: cosign sign --key env://COSIGN_KEY ghcr.io/acme/app@sha256:abc", {}],
    ["npm publish --provenance", "steps:\n  - run: npm publish --provenance --access public", { "id-token": "write" }],
    ["OIDC request by hand", 'steps:\n  - run: |\n      curl -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL"', { "id-token": "write" }],
    ["curl to the API with the token", 'steps:\n  - env:\n      TOKEN: ${{ github.token }}\n    run: |\n      curl -X POST -H "Authorization: token $TOKEN" https://api.github.com/repos/o/r/issues/1/labels -d \'["x"]\'', { issues: "write" }],
    ["echo of a command in a string is not a command", `${GH}echo "run gh pr merge later"`, {}],
  ])("%s", (_name, job, scopes) => {
    expect(need(job).scopes).toEqual(scopes);
  });

  it("git push uses the token actions/checkout left behind", () => {
    expect(need(`steps:\n  ${CHECKOUT}\n  - run: git push origin HEAD:main`).scopes).toEqual({ contents: "write" });
  });

  it("git push after persist-credentials: false does not use the job token", () => {
    expect(need(`steps:\n  ${CHECKOUT}\n    with:\n      persist-credentials: false\n  - run: git push origin HEAD:main`).scopes).toEqual({ contents: "read" });
  });

  it("a checkout of another repository into a folder keeps the workspace credentials", () => {
    const job = `steps:\n  ${CHECKOUT}\n  ${CHECKOUT}\n    with:\n      repository: acme/other\n      token: \${{ secrets.PAT }}\n      path: other\n  - run: git push`;
    expect(need(job).scopes).toEqual({ contents: "write" });
  });

  it("docker push to ghcr.io after a login with the job token", () => {
    const job = 'steps:\n  - env:\n      TOKEN: ${{ secrets.GITHUB_TOKEN }}\n    run: |\n      echo "$TOKEN" | docker login ghcr.io -u x --password-stdin\n      docker push ghcr.io/acme/app:1';
    expect(need(job).scopes).toEqual({ packages: "write" });
  });

  it("a script handed the token that we cannot see into is unknown", () => {
    const req = need("steps:\n  - name: Release\n    env:\n      GITHUB_TOKEN: ${{ github.token }}\n    run: make release");
    expect(req.unknown).toEqual(["step `Release` (`make release` gets the job token)"]);
  });

  it("ordinary build commands with an ambient token are not unknown", () => {
    const req = need("env:\n  GITHUB_TOKEN: ${{ github.token }}\nsteps:\n  - run: |\n      npm ci\n      echo done");
    expect(req.unknown).toEqual([]);
  });

  it("here-document bodies are data", () => {
    expect(need(`${GH}|\n      cat <<EOF > notes.md\n      gh pr merge 1\n      EOF`).scopes).toEqual({});
  });

  it("code we cannot see is recorded as opaque: it could request an OIDC token", () => {
    expect(need("steps:\n  - run: ./scripts/sign.sh").opaque).toHaveLength(1);
  });
});

describe("local actions and workflows", () => {
  it("reads a composite action through resolveAction, with the caller's inputs", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const { loadLocalUses } = await import("@peptide/workflow");
    const root = mkdtempSync(path.join(tmpdir(), "peptide-perm-"));
    mkdirSync(path.join(root, ".github/actions/release"), { recursive: true });
    writeFileSync(
      path.join(root, ".github/actions/release/action.yml"),
      [
        "name: release",
        "inputs:",
        "  token:",
        "    default: ${{ github.token }}",
        "runs:",
        "  using: composite",
        "  steps:",
        "    - shell: bash",
        "      env:",
        "        GH_TOKEN: ${{ inputs.token }}",
        "      run: gh release create v1",
        "",
      ].join("\n"),
    );
    const workflow = workflowOf("steps:\n  - uses: ./.github/actions/release\n  - uses: ./.github/actions/release\n    with:\n      token: ${{ secrets.PAT }}\n  - uses: ./.github/actions/missing");
    const options = await loadLocalUses(workflow, root);
    const req = requiredPermissions(workflow.jobs[0]!, workflow, options);
    expect(req.scopes).toEqual({ contents: "write" });
    expect(req.reasons.contents).toHaveLength(1);
    expect(req.unknown).toEqual(["`./.github/actions/missing` (a local action, not read)"]);
  });
});

describe("called workflows that call themselves", () => {
  it("stop after a few levels and report the rest as unknown", () => {
    const loop = buildWorkflow(new SourceFile("w.yml", "on: workflow_call\njobs:\n  again:\n    uses: ./.github/workflows/w.yml\n"));
    const req = requiredPermissions(loop.jobs[0]!, loop, { resolveWorkflow: () => loop });
    expect(req.unknown.length).toBeGreaterThan(0);
  });
});
