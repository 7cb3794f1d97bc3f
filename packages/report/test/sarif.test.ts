import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { isPeptideError } from "@peptide/core";
import { RULES, RULE_DOCS, SourceFile, auditSource, ruleById, type Finding, type Rule } from "@peptide/workflow";
import { FINGERPRINT_KEY, INFORMATION_URI, artifactLocation, findingHash, toSarif, type RuleInfo, type SarifLog } from "../src/index.js";
import { finding } from "./findings.js";

/**
 * The SARIF 2.1.0 JSON schema (rtm.5, draft-04) as shipped by Microsoft's sarif-js-sdk in
 * @microsoft/jest-sarif: validation runs offline against the file in node_modules.
 */
const require = createRequire(import.meta.url);
const schema: unknown = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
// The schema's `language` pattern has a stray `]` that only non-unicode regular expressions accept.
// Both packages are CommonJS whose class and function are also their `.default`.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema as object);

function expectValid(log: SarifLog): void {
  const ok = validate(JSON.parse(JSON.stringify(log)));
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

function ruleInfo(): RuleInfo[] {
  return [
    ...RULES.map((r) => ({ id: r.id, title: r.title, severity: r.severity, confidence: r.confidence, help: RULE_DOCS[r.id] })),
    { id: "parse-error", title: "File cannot be read as a workflow or action", severity: "high" as const, confidence: "high" as const, help: RULE_DOCS["parse-error"] },
  ];
}

const unpinned = ruleById("unpinned-uses") as Rule;

const WORKFLOW = `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@master
`;

function auditText(text: string, file = ".github/workflows/ci.yml"): Finding[] {
  return auditSource(new SourceFile(file, text), "workflow", { rules: [unpinned] }).findings;
}

describe("sarif", () => {
  it("validates against the SARIF 2.1.0 schema, with every rule described", () => {
    const findings = [
      ...auditText(WORKFLOW),
      finding({ rule: "parse-error", file: "odd dir/(weird) #name%.yml", job: undefined, step: undefined, line: 1, column: 1, message: "not valid YAML: bad indentation" }),
      finding({ rule: "not-described", severity: "low", confidence: "low" }),
    ];
    expect(findings.length).toBeGreaterThanOrEqual(3);
    const log = toSarif({ findings, skipped: [{ file: ".github/workflows/link.yml", reason: "resolves outside the scanned directory; not followed" }] }, ruleInfo(), {
      version: "0.1.0",
      srcRoot: "/work/repo",
    });
    expectValid(log);
    const run = log.runs[0];
    expect(run?.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///work/repo/" } });
    expect(run?.tool.driver).toMatchObject({ name: "peptide", informationUri: INFORMATION_URI, version: "0.1.0" });
    expect(run?.invocations[0]?.toolExecutionNotifications?.[0]?.message.text).toContain("resolves outside");
  });

  it("is checked by a validator that does reject a broken log", () => {
    const log = toSarif({ findings: [finding()] }, []);
    const broken = JSON.parse(JSON.stringify(log)) as { runs: [{ results: [{ level: string }] }] };
    broken.runs[0].results[0].level = "fatal";
    expect(validate(broken)).toBe(false);
  });

  it("validates with no findings and no rules", () => {
    expectValid(toSarif({ findings: [] }, []));
  });

  it("describes a rule for code scanning: docs as help, security-severity, precision, tags", () => {
    const help = "# demo-rule\n\n**Severity:** high · **Confidence:** medium\n\n## What it finds\n\nA step that does\n`something` bad.\n\n## Before\n\n```yaml\nrun: bad\n```\n";
    const log = toSarif({ findings: [] }, [{ id: "demo-rule", title: "Demo rule title", severity: "critical", confidence: "medium", help }]);
    const rule = log.runs[0]?.tool.driver.rules[0];
    expect(rule).toEqual({
      id: "demo-rule",
      name: "DemoRule",
      shortDescription: { text: "Demo rule title" },
      fullDescription: { text: "A step that does `something` bad.", markdown: "A step that does `something` bad." },
      defaultConfiguration: { level: "error" },
      helpUri: "https://github.com/peptide-dev/peptide/blob/main/docs/rules/demo-rule.md",
      help: {
        text: "Severity: high · Confidence: medium\n\nWhat it finds\n\nA step that does\n`something` bad.\n\nBefore\n\n    run: bad",
        markdown: "**Severity:** high · **Confidence:** medium\n\n## What it finds\n\nA step that does\n`something` bad.\n\n## Before\n\n```yaml\nrun: bad\n```",
      },
      properties: { tags: ["security", "github-actions", "supply-chain"], precision: "medium", "security-severity": "9.5" },
    });
  });

  it("gives every result a rule index that resolves, and a finding of an undescribed rule a minimal rule", () => {
    const findings = [finding({ rule: "unpinned-uses" }), finding({ rule: "mystery", severity: "medium" })];
    const log = toSarif({ findings }, ruleInfo());
    const run = log.runs[0];
    for (const result of run?.results ?? []) {
      expect(run?.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
    }
    const mystery = run?.tool.driver.rules.find((r) => r.id === "mystery");
    expect(mystery?.defaultConfiguration.level).toBe("warning");
    expect(run?.results[1]?.level).toBe("warning");
  });

  it("writes a result's location relative to %SRCROOT%, percent-encoded", () => {
    const log = toSarif({ findings: [finding({ file: "odd dir/(weird) #name%.yml", line: 7, column: 3 })] }, []);
    expect(log.runs[0]?.results[0]?.locations[0]).toEqual({
      physicalLocation: {
        artifactLocation: { uri: "odd%20dir/%28weird%29%20%23name%25.yml", uriBaseId: "%SRCROOT%" },
        region: { startLine: 7, startColumn: 3 },
      },
    });
    expect(artifactLocation("./a/b.yml")).toEqual({ uri: "a/b.yml", uriBaseId: "%SRCROOT%" });
    expect(artifactLocation("/abs/path/ci.yml")).toEqual({ uri: "file:///abs/path/ci.yml" });
  });

  it("rejects a rule described twice", () => {
    const info: RuleInfo = { id: "x", title: "x", severity: "low", confidence: "low" };
    let error: unknown;
    try {
      toSarif({ findings: [] }, [info, info]);
    } catch (err) {
      error = err;
    }
    expect(isPeptideError(error) && error.code).toBe("SARIF_DUPLICATE_RULE");
  });
});

describe("partial fingerprints", () => {
  const printsOf = (findings: Finding[]) => toSarif({ findings }, []).runs[0]?.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]) ?? [];

  it("stay the same when the finding's lines move", () => {
    const before = auditText(WORKFLOW);
    const moved = WORKFLOW.replace("permissions: {}\n", "# a comment\n\npermissions: {}\nenv:\n  A: b\n");
    const after = auditText(moved);
    expect(after.map((f) => f.line)).not.toEqual(before.map((f) => f.line));
    expect(printsOf(after)).toEqual(printsOf(before));
  });

  it("stay the same when a line number inside the message changes", () => {
    const a = finding({ message: "expression on line 12 of the script is injected", line: 12 });
    const b = finding({ message: "expression on line 40 of the script is injected", line: 40 });
    expect(findingHash(a)).toBe(findingHash(b));
  });

  it("differ by rule, file, job, step and message", () => {
    const base = finding();
    const variants = [
      finding({ rule: "other" }),
      finding({ file: "other.yml" }),
      finding({ job: "deploy" }),
      finding({ step: 2 }),
      finding({ job: undefined, step: undefined }),
      finding({ message: "step uses `actions/setup-node@v4` by tag; pin it to a full commit SHA" }),
    ];
    const hashes = new Set([base, ...variants].map((f) => findingHash(f)));
    expect(hashes.size).toBe(variants.length + 1);
  });

  it("tell identical findings apart by occurrence", () => {
    const prints = printsOf([finding({ line: 3 }), finding({ line: 9 })]);
    const [first, second] = prints;
    expect(first?.endsWith(":1")).toBe(true);
    expect(second?.endsWith(":2")).toBe(true);
    expect(first?.slice(0, -2)).toBe(second?.slice(0, -2));
  });
});
