import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const credentialPersistence: Rule = {
  id: "credential-persistence",
  title: "credential-persistence",
  severity: "medium",
  confidence: "medium",
  check() {},
};
