import { errorMessage, isPeptideError } from "@peptide/core";
import { EXIT, type CliIO } from "./io.js";
import { VERSION } from "./version.js";

type Command = (argv: string[], io: CliIO) => Promise<number>;

/** Each command's module is loaded only when it runs, so `peptide audit` does not pay for the SBOM code. */
const COMMANDS: Record<string, { run: Command; summary: string }> = {
  audit: { run: async (argv, io) => (await import("./commands/audit.js")).auditCommand(argv, io), summary: "audit workflows and actions (permissions, triggers, pinning, secrets)" },
  sbom: { run: async (argv, io) => (await import("./commands/sbom.js")).sbomCommand(argv, io), summary: "write a CycloneDX or SPDX SBOM of lockfiles or a container image" },
  provenance: { run: async (argv, io) => (await import("./commands/provenance.js")).provenanceCommand(argv, io), summary: "write the SLSA v1 provenance of files or images from the running workflow job" },
  sign: { run: async (argv, io) => (await import("./commands/sign.js")).signCommand(argv, io), summary: "sign files or an in-toto statement keylessly with Sigstore (bundles v0.3)" },
  verify: { run: async (argv, io) => (await import("./commands/verify.js")).verifyCommand(argv, io), summary: "verify a Sigstore bundle against a trusted root and a signer policy" },
  promote: { run: async (argv, io) => (await import("./commands/promote.js")).promoteCommand(argv, io), summary: "gate an image digest on its attestations, copy it with them, tag it last, attach evidence" },
  push: { run: async (argv, io) => (await import("./commands/push.js")).pushCommand(argv, io), summary: "push files (a release tarball) as an OCI artifact, to sign, promote and trace by digest" },
  pull: { run: async (argv, io) => (await import("./commands/pull.js")).pullCommand(argv, io), summary: "write the files of an OCI artifact, each verified against its digest" },
  trace: { run: async (argv, io) => (await import("./commands/trace.js")).traceCommand(argv, io), summary: "print every link of the chain attached to an image digest (provenance, SBOM, signatures)" },
  demo: { run: async (argv, io) => (await import("./commands/demo.js")).demoCommand(argv, io), summary: "run the chain on the embedded example" },
};


function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: peptide <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun \`peptide <command> --help\` for a command's options.\n`;
}

/** Runs the CLI with the given arguments; returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const debug = argv.includes("--debug");
  const args = argv.filter((a) => a !== "--debug");
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version") {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`peptide: unknown command "${name}"\n${usage()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    if (isPeptideError(err)) io.stderr(`peptide ${name}: ${err.message}\n`);
    else io.stderr(`peptide ${name}: internal error: ${errorMessage(err)}${debug ? "" : " (run with --debug for details)"}\n`);
    return EXIT.usage;
  }
}
