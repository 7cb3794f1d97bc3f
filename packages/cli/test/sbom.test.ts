import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempTree } from "./run-cli.js";

const LOCK = JSON.stringify({
  name: "svc",
  version: "1.0.0",
  lockfileVersion: 3,
  requires: true,
  packages: {
    "": { name: "svc", version: "1.0.0", dependencies: { ms: "^2.1.3" }, devDependencies: { "left-pad": "1.3.0" } },
    "node_modules/ms": { version: "2.1.3", integrity: "sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==", license: "MIT" },
    "node_modules/left-pad": { version: "1.3.0", integrity: "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQEeeXgxXDjT9EoHFdLiMuvDdPDJoAL3b6DjUHz5hZFZJbxw==", dev: true, license: "WTFPL" },
  },
}, null, 2);

describe("peptide sbom", () => {
  it("writes a reproducible CycloneDX document of a directory's lockfiles with -o and says what it wrote", async () => {
    const dir = await tempTree({ "package.json": '{"name":"svc","version":"1.0.0"}', "package-lock.json": LOCK });
    const env = { SOURCE_DATE_EPOCH: "1700000000" };
    const first = await runCli(["sbom", ".", "-o", "bom.json"], dir, env);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^wrote bom\.json: 2 components \(npm 2\), sha256:[0-9a-f]{64}\n$/);
    const text = await readFile(path.join(dir, "bom.json"), "utf8");
    const bom = JSON.parse(text);
    expect(bom.metadata.timestamp).toBe("2023-11-14T22:13:20.000Z");
    const names = bom.components.map((c: { name: string; version: string; scope: string }) => `${c.name}@${c.version}:${c.scope}`).sort();
    expect(names).toEqual(["left-pad@1.3.0:excluded", "ms@2.1.3:required"]);
    const second = await runCli(["sbom", ".", "-o", "bom.json"], dir, env);
    expect(second.stderr).toBe(first.stderr);
  });

  it("prints SPDX 2.3 to standard output for one lockfile", async () => {
    const dir = await tempTree({ "package-lock.json": LOCK });
    const run = await runCli(["sbom", "package-lock.json", "--format", "spdx-json"], dir);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.spdxVersion).toBe("SPDX-2.3");
    const purls = doc.packages.flatMap((p: { externalRefs?: Array<{ referenceLocator: string }> }) => (p.externalRefs ?? []).map((r) => r.referenceLocator));
    expect(purls).toContain("pkg:npm/ms@2.1.3");
  });

  it("exits 2 with one line naming a malformed lockfile, a missing target or a bad format", async () => {
    const dir = await tempTree({ "package-lock.json": LOCK.slice(0, 200) });
    const broken = await runCli(["sbom", "package-lock.json"], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^peptide sbom: package-lock\.json(:\d+)?: .+\n$/);
    const missing = await runCli(["sbom", "no-such-dir"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-such-dir: no such file or directory/);
    const format = await runCli(["sbom", ".", "--format", "xml"], dir);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format must be one of cyclonedx-json, spdx-json/);
  });
});
