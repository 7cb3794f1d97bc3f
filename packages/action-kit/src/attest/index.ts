/** Input readers and helpers shared by the actions that sign, verify and promote. */
export * from "./registry-client.js";
export * from "./signing-inputs.js";
export * from "./store.js";
export * from "./subject-inputs.js";
export * from "./verify-inputs.js";
