import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const secretsExposure: Rule = {
  id: "secrets-exposure",
  title: "secrets-exposure",
  severity: "medium",
  confidence: "medium",
  check() {},
};
