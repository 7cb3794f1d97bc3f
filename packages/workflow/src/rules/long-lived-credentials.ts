import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const longLivedCredentials: Rule = {
  id: "long-lived-credentials",
  title: "long-lived-credentials",
  severity: "medium",
  confidence: "medium",
  check() {},
};
