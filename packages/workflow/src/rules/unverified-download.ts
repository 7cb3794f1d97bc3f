import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const unverifiedDownload: Rule = {
  id: "unverified-download",
  title: "unverified-download",
  severity: "medium",
  confidence: "medium",
  check() {},
};
