import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { GitHubClaims } from "../../src/oidc/index.js";
import { githubClaims } from "../../src/oidc/index.js";
import type { ProvenanceContext } from "../../src/provenance/index.js";
import { githubClaimSet } from "../oidc/local-issuer.js";

export const SOURCE_SHA = "4b6d1d0c1f3a8e2b9c7d5e6f7a8b9c0d1e2f3a4b";
export const CHECKOUT_SHA = "11bd71901bbe5b1630ceea73d27597364c9af683";
export const CODEQL_SHA = "1b549b9259bcf0ac7e9f8b5ee0e8a1b7b4c4d4e4";
export const ALPINE_DIGEST = "c".repeat(64);

export const RELEASE_WORKFLOW = `name: release
on:
  workflow_dispatch:
    inputs:
      version: { required: true }
      dry-run: { type: boolean }
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@${CHECKOUT_SHA} # v4.2.2
      - uses: actions/setup-node@v4
      - run: npm test
  build:
    needs: test
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
      attestations: write
    steps:
      - uses: actions/checkout@${CHECKOUT_SHA} # v4.2.2
      - uses: github/codeql-action/init@${CODEQL_SHA}   # v3.28.0
      - uses: ./.github/actions/build
      - uses: docker://alpine:3.20@sha256:${ALPINE_DIGEST}
      - uses: docker://node:20
  publish:
    needs: build
    uses: peptide-dev/shared/.github/workflows/publish.yml@main
`;

/** A checkout of peptide-dev/payments at SOURCE_SHA, as actions/checkout leaves it (detached HEAD). */
export function makeWorkspace(files: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), "peptide-provenance-"));
  const all: Record<string, string> = {
    ".git/HEAD": `${SOURCE_SHA}\n`,
    ".github/workflows/release.yml": RELEASE_WORKFLOW,
    "package-lock.json": '{"lockfileVersion":3}\n',
    "services/api/go.sum": "example.com/x v1.0.0 h1:abc=\n",
    "services/api/requirements-dev.txt": "pytest==8.0.0\n",
    "node_modules/left-pad/package-lock.json": "{}\n",
    ".git/package-lock.json": "{}\n",
    "README.md": "# payments\n",
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  const outside = mkdtempSync(path.join(tmpdir(), "peptide-outside-"));
  writeFileSync(path.join(outside, "yarn.lock"), "# outside\n");
  symlinkSync(path.join(outside, "yarn.lock"), path.join(root, "yarn.lock"));
  return root;
}

export function fixedClaims(overrides: Record<string, unknown> = {}): GitHubClaims {
  return githubClaims(githubClaimSet("https://token.actions.githubusercontent.com", overrides));
}

export function fixedContext(workspace: string, overrides: Partial<ProvenanceContext> = {}): ProvenanceContext {
  return {
    claims: fixedClaims(),
    env: { GITHUB_SERVER_URL: "https://github.com", GITHUB_JOB: "build", GITHUB_TRIGGERING_ACTOR: "hubot" },
    event: { inputs: { version: "1.4.0", "dry-run": false }, ref: "refs/tags/v1.4.0", sender: { login: "hubot", id: 4242 } },
    workspace,
    startedOn: new Date("2025-06-15T15:00:00.250Z"),
    finishedOn: new Date("2025-06-15T15:06:41Z"),
    sbom: { name: "payments.cdx.json", digest: { sha256: "d".repeat(64) }, mediaType: "application/vnd.cyclonedx+json" },
    ...overrides,
  };
}
