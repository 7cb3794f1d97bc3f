import { describe, expect, it } from "vitest";
import { formatJsonV1, toJsonV1 } from "../src/index.js";
import { finding } from "./findings.js";

describe("json v1", () => {
  it("has exactly the frozen shape, keys in order", () => {
    const internal = finding({ fix: { kind: "pin", action: "actions/checkout", ref: "v4", line: 12 } });
    const text = formatJsonV1({ findings: [internal], files: 3 });
    expect(text).toBe(
      '{"version":1,"findings":[{"rule":"unpinned-uses","severity":"high","confidence":"high",' +
        '"file":".github/workflows/ci.yml","line":12,"column":15,"job":"build","step":1,' +
        '"message":"step uses `actions/checkout@v4` by tag; pin it to a full commit SHA",' +
        '"docs":"https://github.com/peptide-dev/peptide/blob/main/docs/rules/unpinned-uses.md"}],"files":3}\n',
    );
  });

  it("writes job and step as null when absent, never omits them", () => {
    const doc = toJsonV1({ findings: [finding({ job: undefined, step: undefined })], files: 1 });
    const [f] = doc.findings;
    expect(Object.keys(f ?? {})).toEqual(["rule", "severity", "confidence", "file", "line", "column", "job", "step", "message", "docs"]);
    expect(f?.job).toBeNull();
    expect(f?.step).toBeNull();
  });

  it("keeps step 0 as 0", () => {
    expect(toJsonV1({ findings: [finding({ step: 0 })], files: 1 }).findings[0]?.step).toBe(0);
  });

  it("does not leak internal fields or extra result fields", () => {
    const result = { findings: [finding({ fix: { kind: "permissions", scopes: { contents: "read" } } })], files: 1, skipped: [], targets: [] };
    const doc = toJsonV1(result);
    expect(Object.keys(doc)).toEqual(["version", "findings", "files"]);
    expect(JSON.stringify(doc)).not.toContain("fix");
  });

  it("an empty audit is still a complete document", () => {
    expect(formatJsonV1({ findings: [], files: 0 })).toBe('{"version":1,"findings":[],"files":0}\n');
  });
});
