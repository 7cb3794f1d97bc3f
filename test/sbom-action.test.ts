import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cycloneDxErrors, invalidPurls, spdxErrors } from "../packages/sbom/test/validate.js";
import { runAction } from "@peptide/testkit";

/** actions/sbom's committed dist/, run the way the runner runs it, on the example payments service. */
const actionDir = fileURLToPath(new URL("../actions/sbom", import.meta.url));
const example = fileURLToPath(new URL("../examples/payments-service", import.meta.url));

async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-sbom-e2e-"));
  await cp(path.join(example, "package.json"), path.join(dir, "package.json"));
  await cp(path.join(example, "package-lock.json"), path.join(dir, "package-lock.json"));
  return dir;
}

describe("actions/sbom dist", () => {
  it("writes a valid, reproducible CycloneDX SBOM of the lockfile with its digest and a summary", async () => {
    const dir = await workspace();
    const lock = JSON.parse(await readFile(path.join(dir, "package-lock.json"), "utf8"));
    const expected = Object.keys(lock.packages).filter((k) => k.startsWith("node_modules/")).length;

    const run = await runAction({ actionDir, workspace: dir, env: { SOURCE_DATE_EPOCH: "1700000000" } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(Number(run.outputs.components)).toBe(expected);
    const text = await readFile(run.outputs["sbom-path"]!, "utf8");
    expect(run.outputs["sbom-digest"]).toBe(`sha256:${createHash("sha256").update(text).digest("hex")}`);

    const bom = JSON.parse(text);
    expect(bom.specVersion).toBe("1.6");
    expect(await cycloneDxErrors(text)).toBeNull();
    expect(invalidPurls(bom.components.map((c: { purl: string }) => c.purl))).toEqual([]);
    expect(bom.components.every((c: { hashes?: unknown[] }) => (c.hashes?.length ?? 0) > 0)).toBe(true);
    expect(run.summary).toMatch(/\| npm \| \d+ \| \d+ \| \d+ \| \d+ \|/);

    const again = await runAction({ actionDir, workspace: dir, env: { SOURCE_DATE_EPOCH: "1700000000" } });
    expect(again.outputs["sbom-digest"]).toBe(run.outputs["sbom-digest"]);
  });

  it("writes SPDX on request and fails with one line naming a malformed lockfile", async () => {
    const dir = await workspace();
    const spdx = await runAction({ actionDir, workspace: dir, inputs: { format: "spdx-json" } });
    expect(spdx.exitCode).toBe(0);
    expect(spdx.outputs["sbom-path"]).toMatch(/sbom\.spdx\.json$/);
    const spdxText = await readFile(spdx.outputs["sbom-path"]!, "utf8");
    expect(JSON.parse(spdxText).spdxVersion).toBe("SPDX-2.3");
    expect(spdxErrors(spdxText)).toBeNull();

    const bad = await runAction({ actionDir, workspace: dir, inputs: { path: "package.json" } });
    expect(bad.exitCode).toBe(1);
    const truncated = await mkdtemp(path.join(os.tmpdir(), "peptide-sbom-bad-"));
    await cp(path.join(example, "package-lock.json"), path.join(truncated, "package-lock.json"));
    const whole = await readFile(path.join(truncated, "package-lock.json"), "utf8");
    await writeFile(path.join(truncated, "package-lock.json"), whole.slice(0, whole.length / 2));
    const broken = await runAction({ actionDir, workspace: truncated, inputs: { path: "package-lock.json" } });
    expect(broken.exitCode).toBe(1);
    const error = broken.annotations.find((a) => a.level === "error");
    expect(error?.message).toMatch(/package-lock\.json(:\d+)?: /);
    expect(broken.stdout).not.toMatch(/\n\s+at /);
  });
});
