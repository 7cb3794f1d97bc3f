import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../packages/cli/bin/peptide.js", import.meta.url));

describe("peptide demo (the built CLI, as `npm run demo` runs it)", () => {
  it("runs the chain on the example service offline and shows each link's result", async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, "demo"], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect(stderr).toBe("");
    expect(stdout).toMatch(/1\. audit/);
    expect(stdout).toMatch(/pr-triage\.yml:\d+:\d+ critical +template-injection/);
    expect(stdout).toMatch(/2\. sbom/);
    expect(stdout).toMatch(/\d+ components: \d+ npm/);
    expect(stdout).toMatch(/sbom\.cdx\.json +sha256:[0-9a-f]{64}/);
  });
});
