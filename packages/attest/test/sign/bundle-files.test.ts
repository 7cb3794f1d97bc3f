import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundleFromJSON } from "@sigstore/bundle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { SignError, bundleFileName, createSigningSession, writeBundles, type SignedBundle } from "../../src/sign/index.js";
import { statementFor } from "./helpers.js";

let sigstore: SigstoreStandin;
let signed: SignedBundle[];
beforeAll(async () => {
  sigstore = await startSigstore();
  const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, env: sigstore.oidc.runnerEnv() });
  const statements = [statementFor(["dist/app.tgz"]), statementFor(["dist/app.zip", "dist/checksums.txt"])];
  const bundles = await session.signStatements(statements);
  signed = bundles.map((bundle, i) => ({ bundle, subjects: statements[i]!.subject.map((s) => s.name) }));
});
afterAll(async () => {
  await sigstore.close();
});

describe("bundle files", () => {
  it("writes <subject>.sigstore.json per subject", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bundles-"));
    const written = await writeBundles(signed, { dir });
    expect(readdirSync(dir).sort()).toEqual(["app.tgz.sigstore.json", "app.zip.sigstore.json", "checksums.txt.sigstore.json"]);
    expect(written).toHaveLength(3);
    const zip = JSON.parse(readFileSync(path.join(dir, "app.zip.sigstore.json"), "utf8")) as unknown;
    expect(zip).toEqual(signed[1]!.bundle);
    expect(() => bundleFromJSON(zip)).not.toThrow();
  });

  it("writes one .jsonl with a bundle per line", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bundles-"));
    const [file] = await writeBundles(signed, { dir, layout: "jsonl" });
    const lines = readFileSync(file!, "utf8").trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(signed.map((s) => s.bundle));
  });

  it("refuses two subjects that would share a file name", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bundles-"));
    const clash = [{ bundle: signed[0]!.bundle, subjects: ["linux/app", "darwin/app"] }];
    await expect(writeBundles(clash, { dir })).rejects.toThrow(SignError);
    await expect(writeBundles(clash, { dir })).rejects.toThrow(/write a \.jsonl/);
  });

  it.each([
    ["dist/app.tgz", "app.tgz.sigstore.json"],
    ["ghcr.io/acme/app@sha256:abc", "app@sha256_abc.sigstore.json"],
    ["C:\\build\\out\\app.exe", "app.exe.sigstore.json"],
    [".env", "_env.sigstore.json"],
  ])("names %s as %s", (subject, name) => {
    expect(bundleFileName(subject)).toBe(name);
  });

  it("refuses a subject without a usable name", () => {
    expect(() => bundleFileName("..")).toThrow(/no usable file name/);
  });
});
