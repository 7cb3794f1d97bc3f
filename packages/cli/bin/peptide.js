#!/usr/bin/env node
// The `peptide` command: runs the bundled CLI built by `npm run build`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = fileURLToPath(new URL("../dist/index.js", import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write("peptide: the CLI is not built yet; run `npm run build` first\n");
  process.exit(2);
}
await import(bundle);
