/**
 * `peptide pull`: the files of an OCI artifact (as `peptide push` or `oras push` wrote them),
 * by digest, each checked against its digest as it streams and written whole or not at all.
 */
import path from "node:path";
import { InputError } from "@peptide/core";
import { openImage, pullFileArtifact, RegistryClient } from "@peptide/oci";
import { listFlag, parseCommandArgs, stringFlag } from "../args.js";
import { EXIT, type CliIO } from "../io.js";

const HELP = `usage: peptide pull <host/repo@sha256:hex|layout-dir@sha256:hex> [--output DIR] [options]

Writes the files of an OCI artifact into DIR (default: the current directory), each verified
against its digest. Names that are not plain file names (a path, "..") are refused and nothing is
written. Exit 0 when every file was written, 2 for bad usage or an unreadable artifact.

options:
  --output DIR                 where the files go (created when missing)
  --insecure-registry HOST     allow plain HTTP to HOST (loopback hosts always are)
`;

export async function pullCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("pull", argv, {
    output: { type: "string", short: "o" },
    "insecure-registry": { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const source = positionals[0];
  if (positionals.length !== 1 || source === undefined) throw new InputError("INPUT_INVALID", "give one artifact by digest (host/repo@sha256:hex); see `peptide pull --help`");
  const at = source.lastIndexOf("@sha256:");
  if (at < 0) throw new InputError("INPUT_INVALID", `${source}: name the artifact by digest (…@sha256:<hex>), not by tag: a tag can move`);
  const opened = await openImage(source, { cwd: io.cwd, client: new RegistryClient({ insecure: listFlag(values["insecure-registry"]) }) });
  const dir = path.resolve(io.cwd, stringFlag(values.output) ?? ".");
  const written = await pullFileArtifact(opened.store, source.slice(at + 1), dir);
  for (const file of written) io.stdout(`${file.descriptor.digest}  ${path.relative(io.cwd, file.path) || file.name}\n`);
  return EXIT.ok;
}
