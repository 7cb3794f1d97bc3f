// Bundles each action's compiled entry (actions/<name>/lib/index.js, from `tsc -b`) into
// actions/<name>/dist/index.js with @vercel/ncc, the way the runner will load it, and the CLI
// into packages/cli/dist/index.js. Output is deterministic so `check:dist` can diff it.
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ncc from "@vercel/ncc";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const targets = [
  ...readdirSync(path.join(root, "actions"))
    .filter((name) => existsSync(path.join(root, "actions", name, "action.yml")))
    .map((name) => ({ entry: `actions/${name}/lib/index.js`, out: `actions/${name}/dist` })),
  { entry: "packages/cli/lib/index.js", out: "packages/cli/dist" },
];
if (existsSync(path.join(root, "action.yml")) && existsSync(path.join(root, "lib/index.js"))) {
  targets.push({ entry: "lib/index.js", out: "dist" });
}

const only = process.argv.slice(2);
for (const { entry, out } of targets) {
  if (only.length > 0 && !only.some((o) => entry.includes(o))) continue;
  const input = path.join(root, entry);
  if (!existsSync(input)) throw new Error(`${entry} is missing: run \`tsc -b\` first`);
  const { code, assets } = await ncc(input, { minify: false, sourceMap: false, quiet: true, license: "licenses.txt", target: "es2022" });
  const outDir = path.join(root, out);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "index.js"), code);
  for (const [name, asset] of Object.entries(assets ?? {})) {
    const file = path.join(outDir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, asset.source);
  }
  // ESM bundles need "type": "module" beside them wherever the runner copies dist/.
  if (!Object.keys(assets ?? {}).includes("package.json")) writeFileSync(path.join(outDir, "package.json"), '{ "type": "module" }\n');
}
