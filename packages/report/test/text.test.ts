import { describe, expect, it } from "vitest";
import { toText } from "../src/index.js";
import { finding } from "./findings.js";

const result = {
  findings: [
    finding({ file: "a.yml", line: 3, column: 5, severity: "critical", rule: "template-injection", message: "bad" }),
    finding({ file: "a.yml", line: 9, column: 7, severity: "low", message: "meh" }),
    finding({ file: "b.yml", line: 1, column: 1, severity: "high", message: "worse" }),
  ],
  files: 4,
  skipped: [{ file: "c.yml", reason: "resolves outside the scanned directory; not followed" }],
};

describe("text", () => {
  it("groups by file, one line per finding, skipped files, then a summary", () => {
    expect(toText(result, { color: false })).toBe(
      [
        "a.yml:3:5 critical template-injection bad",
        "a.yml:9:7 low      unpinned-uses meh",
        "",
        "b.yml:1:1 high     unpinned-uses worse",
        "",
        "skipped c.yml: resolves outside the scanned directory; not followed",
        "",
        "3 findings (1 critical, 1 high, 1 low) in 4 files audited, 1 skipped",
        "",
      ].join("\n"),
    );
  });

  it("says so when there is nothing", () => {
    expect(toText({ findings: [], files: 1 }, { color: false })).toBe("no findings in 1 file audited\n");
    expect(toText({ findings: [finding()], files: 1, skipped: [] }, { color: false })).toMatch(/\n1 finding \(1 high\) in 1 file audited\n$/);
  });

  it("colours only when asked", () => {
    expect(toText(result, { color: false })).not.toContain("\u001b");
    const coloured = toText(result, { color: true });
    expect(coloured).toContain("\u001b[1;31mcritical\u001b[0m");
    expect(coloured).toContain("\u001b[2mtemplate-injection\u001b[0m");
  });

  it("keeps each finding on one line and neutralises terminal escapes from the audited file", () => {
    const out = toText({ findings: [finding({ file: "x\u001b[2K.yml", message: "first\nsecond\u001b[31m\ttab" })], files: 1 }, { color: false });
    expect(out).not.toContain("\u001b");
    expect(out.split("\n")[0]).toBe("x\\x1b[2K.yml:12:15 high     unpinned-uses first second\\x1b[31m tab");
  });
});
