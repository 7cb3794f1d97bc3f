import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const insecureCommands: Rule = {
  id: "insecure-commands",
  title: "insecure-commands",
  severity: "medium",
  confidence: "medium",
  check() {},
};
