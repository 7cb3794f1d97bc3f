import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { POLICY_FIELDS } from "@peptide/attest/verify";
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

/**
 * The input names an action's src/ reads, counting the readers shared through
 * @peptide/action-kit/attest that it calls, and the policy inputs read by name from the verify
 * library's list of policy fields.
 */
export async function inputsRead(action: string): Promise<Set<string>> {
  const dir = path.join(actionDir(action), "src");
  const sources = await Promise.all((await readdir(dir)).filter((f) => f.endsWith(".ts")).map((f) => readFile(path.join(dir, f), "utf8")));
  const own = sources.join("\n");
  const sharedDir = path.join(root, "packages/action-kit/src/attest");
  for (const file of (await readdir(sharedDir)).filter((f) => f.endsWith(".ts"))) {
    const shared = await readFile(path.join(sharedDir, file), "utf8");
    // Each exported function's text, up to the next top-level export: only the ones called count.
    for (const part of shared.split(/\n(?=export )/)) {
      const fn = /^export function (\w+)/.exec(part)?.[1];
      if (fn !== undefined && new RegExp(`\\b${fn}\\(`).test(own)) sources.push(part);
    }
  }
  const text = sources.join("\n");
  const read = [...text.matchAll(/(?:stringInput|booleanInput|enumInput|listInput|linesInput|requiredInput)\("([a-z-]+)"/g)].map((m) => m[1]!);
  if (/\bPOLICY_INPUTS\b/.test(text)) read.push(...POLICY_FIELDS);
  return new Set(read);
}
