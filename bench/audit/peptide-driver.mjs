// Our side, in process: runs the audit library (packages/workflow/dist, built by `tsc -b`) over
// a folder the way `peptide audit <folder>` does, and prints one JSON line:
//   {"tool":"peptide-library","files":N,"findings":N,"workMs":N}
// `workMs` covers discovery, reading, parsing and every rule; it excludes Node's start and
// loading the modules. Used for the in-process column, and as the end-to-end measurement
// until the CLI bundle (packages/cli/dist/index.js) exists.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const corpus = process.argv[2];
if (!corpus) {
  process.stderr.write("usage: node peptide-driver.mjs <folder-of-workflows>\n");
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { audit } = await import(pathToFileURL(path.join(root, "packages", "workflow", "dist", "index.js")).href);

const start = performance.now();
const result = await audit([corpus], { cwd: process.cwd() });
const workMs = performance.now() - start;

process.stdout.write(
  `${JSON.stringify({ tool: "peptide-library", files: result.files, findings: result.findings.length, workMs })}\n`,
);
