/**
 * The trusted root through TUF, against a loopback TUF repository that serves the Sigstore
 * stand-in's trusted_root.json. No test here reaches the internet: every client is given the
 * loopback mirror and a temporary cache.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { createSigningSession, type SigstoreBundle } from "../../src/sign/index.js";
import { SLSA_PROVENANCE_V1 } from "../../src/types.js";
import { defaultTufCacheDir, loadTrustedRoot, verifyBundles, type VerificationPolicy } from "../../src/verify/index.js";
import { ARTIFACT_SHA256, provenanceFor } from "./signing.js";
import { closedPort, startTufRepository, type TufRepository } from "./tuf-repository.js";

const SIGNER = "https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.2";
const POLICY: VerificationPolicy = { signerWorkflow: "peptide-dev/payments/.github/workflows/release.yml", predicateTypes: [SLSA_PROVENANCE_V1] };

let sigstore: SigstoreStandin;
let repository: TufRepository;
let dir: string;
let rootPath: string;
let bundle: SigstoreBundle;

beforeAll(async () => {
  sigstore = await startSigstore();
  repository = await startTufRepository({ trustedRoot: sigstore.trustedRoot });
  dir = await mkdtemp(path.join(tmpdir(), "peptide-tuf-"));
  rootPath = path.join(dir, "root.json");
  await writeFile(rootPath, repository.rootJSON);
  const session = await createSigningSession({
    fulcioURL: sigstore.fulcioURL,
    rekorURL: sigstore.rekorURL,
    identityToken: sigstore.oidc.mintToken({ ref: "refs/tags/v1.4.2" }),
  });
  [bundle] = (await session.signStatements([provenanceFor(ARTIFACT_SHA256, SIGNER)])) as [SigstoreBundle];
});

afterAll(async () => {
  await repository?.close();
  await sigstore?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("trusted root through TUF", () => {
  const cacheDir = (): string => path.join(dir, "cache");

  test("the mirror's trusted_root.json is loaded and a bundle of that Sigstore verifies through it", async () => {
    const trust = await loadTrustedRoot({ kind: "tuf", mirrorUrl: repository.url, rootPath, cacheDir: cacheDir() });
    expect(trust.name).toBe(`trusted root from TUF ${repository.url}`);
    expect(trust.hasTransparencyLog).toBe(true);
    expect(repository.requests).toEqual([
      "/2.root.json",
      "/timestamp.json",
      "/1.snapshot.json",
      "/1.targets.json",
      expect.stringMatching(/^\/targets\/[0-9a-f]{64}\.trusted_root\.json$/),
    ]);
    const report = await verifyBundles([bundle], { sha256: ARTIFACT_SHA256 }, POLICY, { trustedRoot: trust });
    expect(report.bundles[0]?.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  test("once cached, the trusted root loads with the mirror stopped", async () => {
    const stopped = await startTufRepository({ trustedRoot: sigstore.trustedRoot });
    const cache = path.join(dir, "cache-stopped");
    const initial = path.join(dir, "root-stopped.json");
    await writeFile(initial, stopped.rootJSON);
    await loadTrustedRoot({ kind: "tuf", mirrorUrl: stopped.url, rootPath: initial, cacheDir: cache });
    await stopped.close();

    const forced = await loadTrustedRoot({ kind: "tuf", mirrorUrl: stopped.url, cacheDir: cache, forceCache: true });
    const report = await verifyBundles([bundle], { sha256: ARTIFACT_SHA256 }, POLICY, { trustedRoot: forced });
    expect(report.ok).toBe(true);
    // Without forceCache the mirror is tried first; unreachable, the fresh cache serves.
    const fallback = await loadTrustedRoot({ kind: "tuf", mirrorUrl: stopped.url, cacheDir: cache });
    expect(fallback.name).toBe(`trusted root from TUF ${stopped.url} (cached)`);
  });

  test("a targets.json whose signature does not verify is refused", async () => {
    const tampered = await startTufRepository({ trustedRoot: sigstore.trustedRoot, tamperTargets: true });
    const initial = path.join(dir, "root-tampered.json");
    await writeFile(initial, tampered.rootJSON);
    try {
      const error = await loadTrustedRoot({ kind: "tuf", mirrorUrl: tampered.url, rootPath: initial, cacheDir: path.join(dir, "cache-tampered") }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "TRUSTED_ROOT_TUF_FAILED" });
      expect((error as Error).message).toMatch(new RegExp(`^the TUF repository ${tampered.url} \\(initial root .*\\) was refused: .*targets was signed by 0/1 keys`));
      expect((error as Error).message).not.toContain("\n");
      expect(tampered.requests.some((request) => request.startsWith("/targets/"))).toBe(false);
    } finally {
      await tampered.close();
    }
  });

  test("a trusted_root.json that does not match targets.json is refused", async () => {
    const swapped = await startTufRepository({ trustedRoot: sigstore.trustedRoot, swapTarget: Buffer.from(JSON.stringify({ ...sigstore.trustedRoot, tlogs: [] })) });
    const initial = path.join(dir, "root-swapped.json");
    await writeFile(initial, swapped.rootJSON);
    try {
      await expect(loadTrustedRoot({ kind: "tuf", mirrorUrl: swapped.url, rootPath: initial, cacheDir: path.join(dir, "cache-swapped") })).rejects.toMatchObject({
        code: "TRUSTED_ROOT_TUF_FAILED",
      });
    } finally {
      await swapped.close();
    }
  });

  test("an unreachable mirror without a cache says so and points at --trusted-root", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await loadTrustedRoot({ kind: "tuf", mirrorUrl: url, rootPath, cacheDir: path.join(dir, "cache-unreachable") }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NETWORK_UNREACHABLE" });
    expect((error as Error).message).toBe(
      `cannot reach the TUF mirror ${url} (ECONNREFUSED) and no fresh cached metadata in ${path.join(dir, "cache-unreachable")}; for air-gapped use pass --trusted-root FILE`,
    );
  });

  test("a private mirror needs its initial root.json; a missing one is named", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    await expect(loadTrustedRoot({ kind: "tuf", mirrorUrl: url, cacheDir: path.join(dir, "cache-noroot") })).rejects.toMatchObject({
      code: "INPUT_INVALID",
      message: `no initial root.json is known for the TUF mirror ${url}; pass --tuf-root FILE with the mirror's root.json`,
    });
    await expect(loadTrustedRoot({ kind: "tuf", mirrorUrl: url, rootPath: path.join(dir, "nope.json"), cacheDir: path.join(dir, "cache-noroot") })).rejects.toMatchObject({
      code: "INPUT_NOT_FOUND",
    });
    await expect(loadTrustedRoot({ kind: "tuf", mirrorUrl: "ftp://mirror.example", cacheDir: path.join(dir, "cache-noroot") })).rejects.toMatchObject({ code: "INPUT_INVALID" });
  });

  test("the default cache is under XDG_CACHE_HOME, else ~/.cache", () => {
    expect(defaultTufCacheDir({ XDG_CACHE_HOME: "/xdg" })).toBe(path.join("/xdg", "peptide", "tuf"));
    expect(defaultTufCacheDir({ HOME: "/home/ci" })).toBe(path.join("/home/ci", ".cache", "peptide", "tuf"));
  });
});
