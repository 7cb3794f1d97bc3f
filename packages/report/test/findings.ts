import { docsUrl, type Finding } from "@peptide/workflow";

/** A finding with plausible defaults; tests override what they look at. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  const rule = overrides.rule ?? "unpinned-uses";
  return {
    rule,
    severity: "high",
    confidence: "high",
    file: ".github/workflows/ci.yml",
    line: 12,
    column: 15,
    job: "build",
    step: 1,
    message: "step uses `actions/checkout@v4` by tag; pin it to a full commit SHA",
    docs: docsUrl(rule),
    ...overrides,
  };
}
