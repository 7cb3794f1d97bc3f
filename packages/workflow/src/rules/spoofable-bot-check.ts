import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const spoofableBotCheck: Rule = {
  id: "spoofable-bot-check",
  title: "spoofable-bot-check",
  severity: "medium",
  confidence: "medium",
  check() {},
};
