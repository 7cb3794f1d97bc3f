import { isMainThread } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { main } from "./main.js";
import { processIO } from "./io.js";

if (!isMainThread) {
  // A worker thread started by a large audit (see @peptide/workflow's parallel.ts).
  const { isAuditWorker, serveAuditWorker } = await import("@peptide/workflow");
  if (isAuditWorker()) await serveAuditWorker();
} else {
  // A closed pipe (`peptide audit | head`) is not an error worth a stack trace.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  process.exitCode = await main(process.argv.slice(2), { ...processIO(), bundle: fileURLToPath(import.meta.url) });
}
