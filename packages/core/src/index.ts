export * from "./errors.js";
export * from "./files.js";
export * from "./http.js";
export * from "./concurrency.js";
