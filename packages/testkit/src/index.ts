/**
 * Test doubles for Peptide's tests: the GitHub runner emulation, sample webhook payloads and a
 * loopback GitHub REST API. Import only from tests.
 */
export * from "./action-manifest.js";
export * from "./events/index.js";
export * from "./file-commands.js";
export * from "./github-api.js";
export * from "./node-runtime.js";
export * from "./runner.js";
export * from "./workflow-commands.js";
export * from "./image-builder.js";
export * from "./registry.js";
export * from "./sigstore/index.js";
export * from "./github-attestations-api.js";
export * from "./fault-proxy.js";
