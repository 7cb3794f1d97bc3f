import { describe, expect, it } from "vitest";
import type { Severity } from "@peptide/workflow";
import { STEP_ANNOTATION_CAPS, escapeData, escapeProperty, splitAnnotations, toAnnotation, toGithubCommands } from "../src/index.js";
import { finding } from "./findings.js";

/** What the runner does to a command's data and properties (actions/runner, ActionCommand). */
function unescape(value: string): string {
  return value.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%");
}

describe("escaping", () => {
  it.each([
    ["100%", "100%25"],
    ["a\r\nb", "a%0D%0Ab"],
    ["%0A is not a newline", "%250A is not a newline"],
    ["key: value, more", "key: value, more"],
  ])("data %j -> %j", (input, escaped) => {
    expect(escapeData(input)).toBe(escaped);
    expect(unescape(escapeData(input))).toBe(input);
  });

  it.each([
    ["dir,with:odd/ci.yml", "dir%2Cwith%3Aodd/ci.yml"],
    ["50%\nnext", "50%25%0Anext"],
    ["::error::injected", "%3A%3Aerror%3A%3Ainjected"],
    ["%3A", "%253A"],
  ])("property %j -> %j", (input, escaped) => {
    expect(escapeProperty(input)).toBe(escaped);
    expect(unescape(escapeProperty(input))).toBe(input);
  });
});

describe("annotations", () => {
  it("writes one command per finding at the finding's place", () => {
    expect(toAnnotation(finding())).toBe(
      "::error file=.github/workflows/ci.yml,line=12,col=15,title=unpinned-uses (high)::" +
        "step uses `actions/checkout@v4` by tag; pin it to a full commit SHA%0Ahttps://github.com/peptide-dev/peptide/blob/main/docs/rules/unpinned-uses.md",
    );
    expect(toAnnotation(finding({ severity: "medium" }))).toMatch(/^::warning /);
    expect(toAnnotation(finding({ severity: "low" }))).toMatch(/^::notice /);
  });

  it("cannot be broken out of by a hostile message or file name", () => {
    const line = toAnnotation(finding({ file: "a,b:c.yml", message: "x\n::error::fake\r\n::add-mask::y 100%" }));
    expect(line.split("\n")).toHaveLength(1);
    expect(line).toContain("file=a%2Cb%3Ac.yml,");
    expect(line.indexOf("::", 2)).toBe(line.lastIndexOf("title=unpinned-uses (high)") + "title=unpinned-uses (high)".length);
    const data = line.slice(line.indexOf("::", 2) + 2);
    expect(unescape(data)).toBe("x\n::error::fake\r\n::add-mask::y 100%\nhttps://github.com/peptide-dev/peptide/blob/main/docs/rules/unpinned-uses.md");
  });

  it("prints every finding, most severe first, one per line", () => {
    const out = toGithubCommands([finding({ severity: "low" }), finding({ severity: "critical" }), finding({ severity: "medium" })]);
    expect(out.split("\n").map((l) => l.split(" ")[0])).toEqual(["::error", "::warning", "::notice", ""]);
  });
});

describe("splitAnnotations", () => {
  const many = (severity: Severity, n: number) => Array.from({ length: n }, (_, i) => finding({ severity, line: i + 1, message: `${severity} ${i}` }));

  it("keeps 10 of each level per step and returns the rest as overflow", () => {
    const findings = [...many("high", 8), ...many("critical", 7), ...many("medium", 12), ...many("low", 3)];
    const { annotations, overflow } = splitAnnotations(findings);
    expect(annotations).toHaveLength(10 + 10 + 3);
    expect(overflow).toHaveLength(5 + 2);
    expect(annotations.length + overflow.length).toBe(findings.length);
    // The critical findings all get annotations before any high one does.
    expect(annotations.filter((f) => f.severity === "critical")).toHaveLength(7);
    expect(annotations.filter((f) => f.severity === "high").map((f) => f.line)).toEqual([1, 2, 3]);
    expect(overflow.map((f) => f.severity)).toEqual(["high", "high", "high", "high", "high", "medium", "medium"]);
  });

  it("honours other caps and loses nothing", () => {
    const findings = many("low", 4);
    expect(splitAnnotations(findings, { ...STEP_ANNOTATION_CAPS, notice: 1 })).toEqual({ annotations: findings.slice(0, 1), overflow: findings.slice(1) });
    expect(splitAnnotations([])).toEqual({ annotations: [], overflow: [] });
  });
});
