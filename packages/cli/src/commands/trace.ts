/**
 * `peptide trace`: every link of the chain for one image digest, read from what is attached to
 * it (OCI 1.1 referrers: the provenance, the SBOM and their Sigstore bundles), printed in the
 * order a person checks them. A link with nothing behind it is shown as MISSING, never left
 * out. Trace reports; it does not gate: the bundles are read, not verified (`peptide verify` is
 * the gate), and the exit code is 0 whenever the image could be read, links missing or not.
 * The model lives in @peptide/attest (trace/); this file is the command's argument handling.
 */
import { InputError } from "@peptide/core";
import { formatTraceText, traceChain } from "@peptide/attest";
import { openImage, OciLayout, REF_NAME_ANNOTATION, type Descriptor, type ImageStore } from "@peptide/oci";
import { listFlag, oneOf, parseCommandArgs, stringFlag } from "../args.js";
import { EXIT, type CliIO } from "../io.js";

const HELP = `usage: peptide trace <layout-dir[:tag|@sha256:hex]|host/repo@sha256:hex> [options]

Walks everything attached to an image digest (provenance, SBOM, signatures) and prints the
chain: repository, commit, workflow and run, triggering identity, lockfiles, SBOM, signatures
and promotions. Missing links are shown as MISSING. The attestations are read, not verified:
use \`peptide verify\` to gate on them. Exit 0 when the image was read (missing links included:
the report says which), 2 for bad usage or an unreadable image.

options:
  --format text|json           report format (default: text)
  --insecure-registry HOST     allow plain HTTP to HOST (loopback hosts always are)
`;

const FORMATS = ["text", "json"] as const;

export async function traceCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("trace", argv, {
    format: { type: "string" },
    "insecure-registry": { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError("INPUT_INVALID", "give one image: an OCI layout directory or host/repo@sha256:hex; see `peptide trace --help`");
  const target = positionals[0] as string;
  const format = oneOf("format", stringFlag(values.format), FORMATS, "text");
  const opened = await openImage(target, { cwd: io.cwd, insecure: listFlag(values["insecure-registry"]) });
  if (opened.ref !== undefined && opened.ref.digest === undefined) {
    throw new InputError("INPUT_INVALID", `${target}: name the image by digest (host/repo@sha256:hex), not by tag: a tag can move`);
  }
  const descriptor = await imageDescriptor(opened.store, opened.reference);
  const { trace, environments } = await traceChain(opened.store, descriptor, opened.name);
  // JSON: the trace, and each environment reached as data (who approved it, when, the target).
  io.stdout(format === "json" ? `${JSON.stringify({ ...trace, environments }, null, 2)}\n` : formatTraceText(trace, io.color));
  return EXIT.ok;
}

/** The image a layout holds when none is named: the one entry of index.json that is not a referrers tag. */
async function imageDescriptor(store: ImageStore, reference: string | undefined): Promise<Descriptor> {
  if (reference !== undefined || !(store instanceof OciLayout)) return store.resolve(reference);
  const index = await store.readIndex();
  const images = index.manifests.filter((d) => !/^sha(256|512)-[0-9a-f]+$/.test(d.annotations?.[REF_NAME_ANNOTATION] ?? ""));
  const digests = [...new Set(images.map((d) => d.digest))];
  if (digests.length === 1 && images[0]) return images[0];
  throw new InputError("INPUT_INVALID", `${store.location}: holds ${digests.length} images; name one as <dir>:<tag> or <dir>@sha256:<hex>`);
}
