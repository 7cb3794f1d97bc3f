import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const cachePoisoning: Rule = {
  id: "cache-poisoning",
  title: "cache-poisoning",
  severity: "medium",
  confidence: "medium",
  check() {},
};
