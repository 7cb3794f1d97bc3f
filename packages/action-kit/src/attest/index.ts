/** Input readers and storage shared by the actions that sign (actions/sign, actions/attest, actions/provenance). */
export * from "./signing-inputs.js";
export * from "./store.js";
export * from "./subject-inputs.js";
