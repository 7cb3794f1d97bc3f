export {};
export * from "./types.js";
export * from "./subjects/index.js";
export * from "./oidc/index.js";
export * from "./provenance/index.js";
export * from "./verify/index.js";
export * from "./sign/index.js";
export * from "./store/index.js";
export * from "./promote/index.js";
