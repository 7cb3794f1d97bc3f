/**
 * `peptide push`: files that are not an image (a release tarball, its checksums) as an OCI 1.1
 * artifact in a registry or an OCI layout, so they are signed, promoted and traced by digest
 * like an image. Prints the artifact's reference by digest.
 */
import path from "node:path";
import { InputError } from "@peptide/core";
import { buildFileArtifact, pushFileArtifact, RegistryClient } from "@peptide/oci";
import { listFlag, parseCommandArgs, stringFlag } from "../args.js";
import { EXIT, type CliIO } from "../io.js";
import { openTarget } from "../open-target.js";

const HELP = `usage: peptide push <file>... --to <host/repo[:tag]|layout-dir[:tag]> [options]

Pushes files as one OCI artifact (an OCI 1.1 image manifest with an artifactType, the files as
its layers, each named by its org.opencontainers.image.title annotation, as \`oras push\` writes
them), uploads streamed and checked against their digests, the tag written last. Prints
<target>@sha256:<hex>: sign it (peptide sign), promote it (peptide promote) and trace it by that
digest. Exit 0 when pushed, 2 for bad usage or an unreadable file or registry.

options:
  --to REF                     the registry repository or OCI layout directory, with a tag
  --artifact-type TYPE         the manifest's artifactType (default application/vnd.peptide.release.v1)
  --annotation KEY=VALUE       a manifest annotation (repeatable)
  --insecure-registry HOST     allow plain HTTP to HOST (loopback hosts always are)
  --format text|json           output format (default: text)
`;

export async function pushCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("push", argv, {
    to: { type: "string" },
    "artifact-type": { type: "string" },
    annotation: { type: "string", multiple: true },
    "insecure-registry": { type: "string", multiple: true },
    format: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new InputError("INPUT_INVALID", "give the files to push; see `peptide push --help`");
  const to = stringFlag(values.to);
  if (to === undefined) throw new InputError("INPUT_INVALID", "--to is required: the registry repository or layout directory, with a tag");
  const format = stringFlag(values.format) ?? "text";
  if (format !== "text" && format !== "json") throw new InputError("INPUT_INVALID", `--format must be text or json, not "${format}"`);
  const annotations: Record<string, string> = {};
  for (const pair of listFlag(values.annotation)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new InputError("INPUT_INVALID", `--annotation ${pair}: expected KEY=VALUE`);
    annotations[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const artifactType = stringFlag(values["artifact-type"]);
  if (artifactType !== undefined && !/^[a-z0-9][\w.+-]*\/[\w.+-]+$/i.test(artifactType)) throw new InputError("INPUT_INVALID", `--artifact-type ${artifactType}: expected a media type (type/subtype)`);

  const files = positionals.map((file) => path.resolve(io.cwd, file));
  const artifact = await buildFileArtifact(files, { ...(artifactType !== undefined ? { artifactType } : {}), annotations });
  const target = await openTarget(to, io.cwd, new RegistryClient({ insecure: listFlag(values["insecure-registry"]) }));
  const pushed = await pushFileArtifact(target.store, artifact, target.tag);
  const reference = `${target.name}@${pushed.digest}`;
  if (format === "json") {
    io.stdout(`${JSON.stringify({ version: 1, reference, digest: pushed.digest, artifactType: pushed.artifactType, tag: target.tag, files: artifact.files.map((f) => ({ name: f.descriptor.annotations?.["org.opencontainers.image.title"], digest: f.descriptor.digest, size: f.descriptor.size })) })}\n`);
  } else {
    for (const f of artifact.files) io.stdout(`${f.descriptor.digest}  ${f.descriptor.annotations?.["org.opencontainers.image.title"] ?? "?"} (${f.descriptor.size} bytes)\n`);
    io.stdout(`${reference}\n`);
  }
  return EXIT.ok;
}
