import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const hardcodedCredentials: Rule = {
  id: "hardcoded-credentials",
  title: "hardcoded-credentials",
  severity: "medium",
  confidence: "medium",
  check() {},
};
