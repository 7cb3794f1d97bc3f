export * from "./errors.js";
export * from "./files.js";
