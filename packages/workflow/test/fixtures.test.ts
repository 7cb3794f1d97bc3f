import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RULES, SourceFile, auditSource, parsePolicy, EMPTY_POLICY } from "@peptide/workflow";

/**
 * Each rule has a folder of fixtures, test/fixtures/<rule-id>/, of workflows (and `*action.yml`
 * manifests). A line marked `# NOT OK` must carry a finding of the rule; no other line may.
 * A `peptide.yml` in the folder is the policy the fixtures are audited with.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "fixtures");
const docs = path.join(here, "../../../docs/rules");

describe.each(RULES.map((r) => [r.id, r] as const))("%s", (id, rule) => {
  const dir = path.join(fixtures, id);

  it("has fixtures and a docs page", () => {
    expect(existsSync(dir), `missing ${dir}`).toBe(true);
    expect(existsSync(path.join(docs, `${id}.md`)), `missing docs/rules/${id}.md`).toBe(true);
  });

  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== "peptide.yml") : [];
  const policyFile = path.join(dir, "peptide.yml");
  const config = existsSync(policyFile) ? parsePolicy(policyFile, readFileSync(policyFile, "utf8")) : EMPTY_POLICY;

  it.each(files)("%s: findings exactly on the NOT OK lines", (name) => {
    const text = readFileSync(path.join(dir, name), "utf8");
    const source = new SourceFile(name, text);
    const kind = /action\.ya?ml$/.test(name) ? "action" : "workflow";
    const { findings } = auditSource(source, kind, { rules: [rule], config });
    const expected = text
      .split("\n")
      .map((line, i) => (/#\s*NOT OK/.test(line) ? i + 1 : 0))
      .filter((n) => n > 0);
    const actual = [...new Set(findings.map((f) => f.line))].sort((a, b) => a - b);
    expect(actual, findings.map((f) => `${f.line}:${f.column} ${f.message}`).join("\n")).toEqual(expected);
    for (const f of findings) {
      expect(f.rule).toBe(id);
      expect(f.column).toBeGreaterThan(0);
      expect(f.message.length).toBeGreaterThan(10);
    }
  });
});
