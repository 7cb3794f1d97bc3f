import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/node_modules/**", "**/dist/**", "**/lib/**", "**/generated/**", "bench/node_modules/**", "coverage/**", ".bench/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", performance: "readonly", fetch: "readonly", AbortController: "readonly", AbortSignal: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", setImmediate: "readonly", structuredClone: "readonly", Response: "readonly", Request: "readonly", Headers: "readonly", setInterval: "readonly", clearInterval: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@actions/core", "@actions/github"], message: "only packages/action-kit imports @actions/core and @actions/github" }] },
      ],
    },
  },
  {
    files: ["packages/action-kit/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
