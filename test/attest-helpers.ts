import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SigstoreStandin } from "@peptide/testkit";

/** Shared setup of the attestation end-to-end tests (test/attest-*.test.ts). */
export const root = fileURLToPath(new URL("..", import.meta.url));
export const actionDir = (name: string): string => path.join(root, "actions", name);
const example = path.join(root, "examples/payments-service");

export const RELEASE_WORKFLOW = `name: release
on: { push: { tags: ["v*"] } }
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
      attestations: write
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: npm ci && npm pack
`;

/** A checkout of the example service with a release workflow and two built files. */
export async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-attest-e2e-"));
  await cp(path.join(example, "package.json"), path.join(dir, "package.json"));
  await cp(path.join(example, "package-lock.json"), path.join(dir, "package-lock.json"));
  await mkdir(path.join(dir, ".github/workflows"), { recursive: true });
  await writeFile(path.join(dir, ".github/workflows/release.yml"), RELEASE_WORKFLOW);
  await mkdir(path.join(dir, "dist"), { recursive: true });
  await writeFile(path.join(dir, "dist/payments-1.4.0.tgz"), "the release tarball\n");
  await writeFile(path.join(dir, "dist/payments-1.4.0.sha256"), "checksums\n");
  await writeFile(path.join(dir, "trusted_root.json"), "{}");
  return dir;
}

/** Inputs that point signing at the stand-in. */
export function standinInputs(sigstore: SigstoreStandin, options: { issuer?: boolean } = {}): Record<string, string> {
  const inputs: Record<string, string> = { instance: "custom", "fulcio-url": sigstore.fulcioURL, "rekor-url": sigstore.rekorURL, "tsa-url": sigstore.tsaURL };
  if (options.issuer) inputs["oidc-issuer"] = sigstore.oidc.issuer;
  return inputs;
}

export async function writeTrustedRoot(dir: string, sigstore: SigstoreStandin): Promise<string> {
  const file = path.join(dir, "trusted_root.json");
  await writeFile(file, JSON.stringify(sigstore.trustedRoot));
  return file;
}

/** Output without the `::add-mask::` commands (the runner consumes them; they are never shown). */
export function withoutMaskCommands(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.startsWith("::add-mask::"))
    .join("\n");
}
