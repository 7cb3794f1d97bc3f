import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));
const subpath = (name: string, sub: string) => fileURLToPath(new URL(`./packages/${name}/src/${sub}/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources of the libraries; end-to-end tests run the built dist/.
    alias: [
      { find: /^@peptide\/([a-z-]+)\/([a-z-]+)$/, replacement: subpath("$1", "$2") },
      { find: /^@peptide\/([a-z-]+)$/, replacement: pkg("$1") },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "actions/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
