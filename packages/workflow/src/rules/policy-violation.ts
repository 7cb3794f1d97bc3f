import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const policyViolation: Rule = {
  id: "policy-violation",
  title: "policy-violation",
  severity: "medium",
  confidence: "medium",
  check() {},
};
