import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const missingPermissions: Rule = {
  id: "missing-permissions",
  title: "missing-permissions",
  severity: "medium",
  confidence: "medium",
  check() {},
};
