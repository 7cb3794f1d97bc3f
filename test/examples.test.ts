import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { audit, loadPolicy } from "@peptide/workflow";

/**
 * The example service's workflows are the demo's input. Each planted flaw is marked by a
 * `# UNSAFE(rule-id[, rule-id]): why` comment right above the node the finding must point at
 * (for a block `run:`, anywhere in its script). The audit must report every marked flaw and
 * nothing else: the hardened workflows stay clean.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const dir = "examples/payments-service/.github/workflows";

interface Marker {
  file: string;
  rules: string[];
  from: number;
  to: number;
}

function markers(): Marker[] {
  const out: Marker[] = [];
  for (const name of readdirSync(path.join(root, dir))) {
    const lines = readFileSync(path.join(root, dir, name), "utf8").split("\n");
    lines.forEach((line, i) => {
      const m = /^\s*# UNSAFE\(([^)]+)\)/.exec(line);
      if (!m) return;
      let j = i + 1;
      while (/^\s*#/.test(lines[j] ?? "")) j++;
      const indent = (lines[j] ?? "").match(/^\s*/)![0].length;
      let k = j + 1;
      if (/[|>][-+]?\s*$/.test(lines[j] ?? "")) while (k < lines.length && ((lines[k] ?? "").trim() === "" || (lines[k] ?? "").match(/^\s*/)![0].length > indent)) k++;
      out.push({ file: `${dir}/${name}`, rules: m[1]!.split(",").map((s) => s.trim()), from: j + 1, to: k });
    });
  }
  return out;
}

describe("examples/payments-service workflows", () => {
  it("report every planted flaw where it is marked, and nothing else", async () => {
    const config = await loadPolicy("examples/payments-service/.github/peptide.yml", { explicit: true, cwd: root });
    const result = await audit([dir], { cwd: root, config });
    const expected = markers();
    expect(expected.length).toBeGreaterThan(8);
    const unexpected = result.findings.filter((f) => !expected.some((e) => e.file === f.file && f.line >= e.from && f.line <= e.to && e.rules.includes(f.rule)));
    expect(unexpected.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual([]);
    const missing = expected.flatMap((e) => e.rules.filter((rule) => !result.findings.some((f) => f.file === e.file && f.rule === rule && f.line >= e.from && f.line <= e.to)).map((rule) => `${e.file}:${e.from} ${rule}`));
    expect(missing).toEqual([]);
    expect(result.findings.some((f) => f.file.endsWith("/ci.yml"))).toBe(false);
  });
});
