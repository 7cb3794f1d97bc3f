import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { audit } from "@peptide/workflow";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("this repository passes its own audit", () => {
  it("has zero findings in its workflows, its actions and the root action", async () => {
    const result = await audit([".github/workflows", "actions", "action.yml"], { cwd: root });
    expect(result.files).toBeGreaterThanOrEqual(8);
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`)).toEqual([]);
  });

  it("declares node24 for every action, with a committed dist/index.js", () => {
    const dirs = readdirSync(path.join(root, "actions")).filter((d) => existsSync(path.join(root, "actions", d, "action.yml")));
    expect(dirs.length).toBeGreaterThanOrEqual(6);
    for (const dir of dirs) {
      const manifest = parse(readFileSync(path.join(root, "actions", dir, "action.yml"), "utf8"));
      expect(manifest.runs.using, dir).toBe("node24");
      expect(existsSync(path.join(root, "actions", dir, manifest.runs.main)), dir).toBe(true);
    }
  });
});
