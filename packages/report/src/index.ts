export * from "./severity.js";
export * from "./json.js";
export * from "./sarif.js";
export type * from "./sarif-log.js";
export { SARIF_SCHEMA } from "./sarif-log.js";
export { FINGERPRINT_KEY, findingHash, fingerprints, normalizeMessage } from "./fingerprint.js";
export * from "./text.js";
export * from "./github.js";
export * from "./markdown.js";
