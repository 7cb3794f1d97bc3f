import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const templateInjection: Rule = {
  id: "template-injection",
  title: "template-injection",
  severity: "medium",
  confidence: "medium",
  check() {},
};
