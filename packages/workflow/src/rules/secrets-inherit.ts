import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const secretsInherit: Rule = {
  id: "secrets-inherit",
  title: "secrets-inherit",
  severity: "medium",
  confidence: "medium",
  check() {},
};
