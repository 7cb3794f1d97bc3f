import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const dangerousTrigger: Rule = {
  id: "dangerous-trigger",
  title: "dangerous-trigger",
  severity: "medium",
  confidence: "medium",
  check() {},
};
