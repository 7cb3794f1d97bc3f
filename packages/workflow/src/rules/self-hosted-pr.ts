import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const selfHostedPr: Rule = {
  id: "self-hosted-pr",
  title: "self-hosted-pr",
  severity: "medium",
  confidence: "medium",
  check() {},
};
