#!/usr/bin/env node
// The `peptide` command: runs the bundled CLI built by `npm run build`.
import { existsSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";

// Node 22.1+ keeps the compiled bundle in a cache (os.tmpdir()/node-compile-cache): a later run
// starts ~40 ms sooner. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();

const bundle = fileURLToPath(new URL("../dist/index.js", import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write("peptide: the CLI is not built yet; run `npm run build` first\n");
  process.exit(2);
}
await import(bundle);
