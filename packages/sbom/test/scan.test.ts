import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InputError, PeptideError } from "@peptide/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LockfileError } from "../src/errors.js";
import { sbomFromPath } from "../src/scan.js";
import { invalidPurls } from "./validate.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

describe("sbomFromPath", () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "peptide-scan-"));
    outside = mkdtempSync(path.join(tmpdir(), "peptide-outside-"));
    const repo = path.join(root, "repo");
    cpSync(path.join(FIXTURES, "npm/v3"), path.join(repo, "web"), { recursive: true });
    cpSync(path.join(FIXTURES, "pnpm/v9"), path.join(repo, "admin"), { recursive: true });
    cpSync(path.join(FIXTURES, "yarn/v1"), path.join(repo, "legacy"), { recursive: true });
    cpSync(path.join(FIXTURES, "cargo/workspace"), path.join(repo, "signer"), { recursive: true });
    // Lockfiles that must not be read: installed packages, vendored code, git internals.
    for (const skipped of ["node_modules/dep", "vendor/lib", ".git/objects", "web/node_modules/inner"]) {
      mkdirSync(path.join(repo, skipped), { recursive: true });
      writeFileSync(path.join(repo, skipped, "package-lock.json"), '{"lockfileVersion":3,"packages":{"node_modules/skipped":{"version":"6.6.6"}}}');
    }
    // A broken lockfile beside good ones.
    mkdirSync(path.join(repo, "broken"), { recursive: true });
    writeFileSync(path.join(repo, "broken", "package-lock.json"), '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/a": {\n');
    // Symlinks: to a lockfile outside, and to a directory outside.
    writeFileSync(path.join(outside, "package-lock.json"), '{"lockfileVersion":3,"packages":{"node_modules/secret":{"version":"1.0.0"}}}');
    mkdirSync(path.join(repo, "links"), { recursive: true });
    symlinkSync(path.join(outside, "package-lock.json"), path.join(repo, "links", "package-lock.json"));
    symlinkSync(outside, path.join(repo, "linked-dir"));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("reads every lockfile below a directory, skipping node_modules, vendor, .git and links out of it", async () => {
    const sbom = await sbomFromPath(path.join(root, "repo"));
    expect(sbom.inputs).toEqual([
      { file: "admin/pnpm-lock.yaml", ecosystem: "npm", components: 31 },
      { file: "legacy/yarn.lock", ecosystem: "npm", components: 28 },
      { file: "signer/Cargo.lock", ecosystem: "cargo", components: 28 },
      { file: "web/package-lock.json", ecosystem: "npm", components: 21 },
    ]);
    const purls = sbom.components.map((c) => c.purl);
    expect(purls.filter((p) => /skipped|secret/.test(p))).toEqual([]);
    expect(invalidPurls(purls)).toEqual([]);
    expect(new Set(purls).size).toBe(purls.length);
  });

  it("turns a malformed lockfile into a warning naming it and its line, and reads the others", async () => {
    const sbom = await sbomFromPath(path.join(root, "repo"));
    expect(sbom.warnings.filter((w) => w.startsWith("broken/"))).toEqual([expect.stringMatching(/^broken\/package-lock\.json:5: invalid JSON: .* \(lockfile skipped\)$/)]);
  });

  it("merges a package found in several lockfiles into one component that keeps every source", async () => {
    const sbom = await sbomFromPath(path.join(root, "repo"));
    const leftPad = sbom.components.filter((c) => c.name === "left-pad");
    expect(leftPad).toHaveLength(1);
    expect(leftPad[0]?.sources).toEqual(["admin/pnpm-lock.yaml", "legacy/yarn.lock", "web/package-lock.json"]);
    // The strongest scope wins: chokidar is dev everywhere, fsevents optional.
    expect(sbom.components.find((c) => c.name === "chokidar")?.scope).toBe("dev");
  });

  it("makes the directory the subject and each lockfile's project a component it depends on", async () => {
    const sbom = await sbomFromPath(path.join(root, "repo"));
    expect(sbom.subject).toEqual({ name: "repo" });
    const projects = sbom.components.filter((c) => c.kind === "application" && sbom.rootDependsOn.includes(c.purl));
    expect(projects.map((c) => c.purl).sort()).toEqual(["pkg:cargo/payments-api@0.4.0", "pkg:cargo/payments-cli@0.4.0", "pkg:npm/ledger-ui@0.9.1"]);
    const ledger = sbom.components.find((c) => c.purl === "pkg:npm/ledger-ui@0.9.1");
    expect(ledger?.dependsOn).toContain("pkg:npm/react-dom@18.2.0");
  });

  it("reads a single lockfile: its project is the subject", async () => {
    const sbom = await sbomFromPath(path.join(FIXTURES, "npm/workspace/package-lock.json"));
    expect(sbom.subject).toEqual({ name: "pay-service", version: "1.2.0", purl: "pkg:npm/pay-service@1.2.0" });
    expect(sbom.rootDependsOn).toHaveLength(7);
    expect(sbom.components).toHaveLength(85);
    expect(sbom.components[0]?.source).toBe("package-lock.json");
  });

  it("with an explicit subject, the lockfile's project becomes a component", async () => {
    const subject = { name: "ghcr.io/acme/ledger", digest: `sha256:${"0".repeat(64)}` };
    const sbom = await sbomFromPath(path.join(FIXTURES, "npm/v3/package-lock.json"), { subject });
    expect(sbom.subject).toBe(subject);
    expect(sbom.rootDependsOn).toEqual(["pkg:npm/ledger-ui@0.9.1"]);
    expect(sbom.components.find((c) => c.purl === "pkg:npm/ledger-ui@0.9.1")).toMatchObject({ kind: "application" });
  });

  it("throws for a single malformed lockfile, naming the path as given and the line", async () => {
    const file = path.join(root, "repo", "broken", "package-lock.json");
    const error = await sbomFromPath(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockfileError);
    expect((error as LockfileError).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:5: invalid JSON`));
    expect((error as LockfileError).code).toBe("LOCKFILE_INVALID");
  });

  it("warns when a directory holds no lockfile", async () => {
    const empty = path.join(root, "empty");
    mkdirSync(path.join(empty, "node_modules", "x"), { recursive: true });
    writeFileSync(path.join(empty, "node_modules", "x", "package-lock.json"), "{}");
    const sbom = await sbomFromPath(empty);
    expect(sbom.components).toEqual([]);
    expect(sbom.warnings).toEqual([`${empty}: no lockfile found (node_modules, vendor and .git are not searched)`]);
  });

  it("refuses a file no reader knows, and a path that does not exist", async () => {
    const readme = path.join(root, "README.md");
    writeFileSync(readme, "# hi\n");
    await expect(sbomFromPath(readme)).rejects.toSatisfy((e: unknown) => e instanceof PeptideError && e.code === "LOCKFILE_UNSUPPORTED");
    await expect(sbomFromPath(path.join(root, "missing"))).rejects.toBeInstanceOf(InputError);
  });
});
