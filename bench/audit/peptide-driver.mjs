// Our side, in process: runs the audit library (packages/workflow/dist, built by `tsc -b`) over
// a folder the way `peptide audit <folder>` does, and prints one JSON line:
//   {"tool":"peptide-library","files":N,"findings":N,"passMs":[N...]}
// With `--passes N` the folder is audited N times in this process (default 1); `passMs` holds the
// time of each pass: the first is cold (fresh JIT), later ones show the warm steady state.
// A pass covers discovery, reading, parsing and every rule; it excludes Node's start and
// loading the modules. Used for the in-process column, and as the end-to-end measurement
// until the CLI bundle (packages/cli/dist/index.js) exists.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [corpus, passFlag, passValue] = process.argv.slice(2);
const passes = passFlag === "--passes" ? Number(passValue) : 1;
if (!corpus || !(Number.isInteger(passes) && passes > 0)) {
  process.stderr.write("usage: node peptide-driver.mjs <folder-of-workflows> [--passes N]\n");
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { audit } = await import(pathToFileURL(path.join(root, "packages", "workflow", "dist", "index.js")).href);

const passMs = [];
let result;
for (let pass = 0; pass < passes; pass++) {
  const start = performance.now();
  result = await audit([corpus], { cwd: process.cwd() });
  passMs.push(performance.now() - start);
}

process.stdout.write(
  `${JSON.stringify({ tool: "peptide-library", files: result.files, findings: result.findings.length, passMs })}\n`,
);
