import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const envInjection: Rule = {
  id: "env-injection",
  title: "env-injection",
  severity: "medium",
  confidence: "medium",
  check() {},
};
