import type { Rule } from "../rule.js";

// PLACEHOLDER: being written; replace this whole file.
export const unpinnedImage: Rule = {
  id: "unpinned-image",
  title: "unpinned-image",
  severity: "medium",
  confidence: "medium",
  check() {},
};
