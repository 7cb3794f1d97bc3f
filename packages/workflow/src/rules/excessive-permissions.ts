import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const excessivePermissions: Rule = {
  id: "excessive-permissions",
  title: "excessive-permissions",
  severity: "medium",
  confidence: "medium",
  check() {},
};
