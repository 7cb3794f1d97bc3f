import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const oidcUntrusted: Rule = {
  id: "oidc-untrusted",
  title: "oidc-untrusted",
  severity: "medium",
  confidence: "medium",
  check() {},
};
