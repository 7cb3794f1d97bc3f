import { describe, expect, it } from "vitest";
import { isPeptideError } from "@peptide/core";
import { SEVERITIES } from "@peptide/workflow";
import {
  annotationLevel, atOrAbove, bySeverityDesc, colorize, countBySeverity, parseSeverity, sarifLevel, sarifPrecision, securitySeverity,
} from "../src/index.js";
import { finding } from "./findings.js";

describe("severity mapping", () => {
  it.each([
    ["critical", "error", "error"],
    ["high", "error", "error"],
    ["medium", "warning", "warning"],
    ["low", "note", "notice"],
  ] as const)("%s -> SARIF %s, annotation %s", (severity, sarif, annotation) => {
    expect(sarifLevel(severity)).toBe(sarif);
    expect(annotationLevel(severity)).toBe(annotation);
  });

  it("gives each severity a security-severity score inside GitHub's bucket for it", () => {
    const bucket = { critical: [9.0, 10.0], high: [7.0, 8.9], medium: [4.0, 6.9], low: [0.1, 3.9] } as const;
    for (const s of SEVERITIES) {
      const score = Number(securitySeverity(s));
      expect(score).toBeGreaterThanOrEqual(bucket[s][0]);
      expect(score).toBeLessThanOrEqual(bucket[s][1]);
      if (s === "critical") expect(score).toBeGreaterThan(9.0);
    }
  });

  it("maps confidence to precision", () => {
    expect(sarifPrecision("high")).toBe("high");
    expect(sarifPrecision("medium")).toBe("medium");
    expect(sarifPrecision("low")).toBe("low");
  });

  it("colours with ANSI codes and resets", () => {
    expect(colorize("high", "x")).toBe("\u001b[31mx\u001b[0m");
    expect(colorize("critical", "x")).toBe("\u001b[1;31mx\u001b[0m");
  });
});

describe("thresholds", () => {
  it("atOrAbove takes a finding or a severity", () => {
    expect(atOrAbove(finding({ severity: "critical" }), "high")).toBe(true);
    expect(atOrAbove(finding({ severity: "high" }), "high")).toBe(true);
    expect(atOrAbove(finding({ severity: "medium" }), "high")).toBe(false);
    expect(atOrAbove("low", "low")).toBe(true);
    expect(atOrAbove("low", "medium")).toBe(false);
  });

  it("parseSeverity accepts any case and names the input when wrong", () => {
    expect(parseSeverity(" HIGH ")).toBe("high");
    let error: unknown;
    try {
      parseSeverity("severe", "fail-on");
    } catch (err) {
      error = err;
    }
    expect(isPeptideError(error) && error.code).toBe("INPUT_INVALID");
    expect(String(error)).toContain('fail-on must be one of low, medium, high, critical; got "severe"');
  });

  it("sorts most severe first, stably", () => {
    const list = [finding({ severity: "low", line: 1 }), finding({ severity: "high", line: 2 }), finding({ severity: "low", line: 3 }), finding({ severity: "critical", line: 4 })];
    expect(bySeverityDesc(list).map((f) => f.line)).toEqual([4, 2, 1, 3]);
    expect(countBySeverity(list)).toEqual({ low: 2, medium: 0, high: 1, critical: 1 });
  });
});
