export * from "./inputs.js";
export * from "./outputs.js";
export * from "./run.js";
