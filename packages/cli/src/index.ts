import { fileURLToPath } from "node:url";
import { isAuditWorker, serveAuditWorker } from "@peptide/workflow";
import { main } from "./main.js";
import { processIO } from "./io.js";

if (isAuditWorker()) {
  await serveAuditWorker();
} else {
  // A closed pipe (`peptide audit | head`) is not an error worth a stack trace.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  process.exitCode = await main(process.argv.slice(2), { ...processIO(), bundle: fileURLToPath(import.meta.url) });
}
