import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const unprotectedDeploy: Rule = {
  id: "unprotected-deploy",
  title: "unprotected-deploy",
  severity: "medium",
  confidence: "medium",
  check() {},
};
