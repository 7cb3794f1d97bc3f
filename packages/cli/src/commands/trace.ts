/**
 * `peptide trace`: every link of the chain for one image digest, read from what is attached to
 * it (OCI 1.1 referrers: the provenance, the SBOM and their Sigstore bundles), printed in the
 * order a person checks them. A link with nothing behind it is shown as MISSING, never left
 * out. Trace reports; it does not gate: the bundles are read, not verified (`peptide verify` is
 * the gate), and the exit code is 0 whenever the image could be read, links missing or not.
 */
import { InputError } from "@peptide/core";
import { fetchAttachedBundles, listBundleReferrers, PROMOTION_PREDICATE_TYPE, SLSA_PROVENANCE_V1, type PromotionPredicate } from "@peptide/attest";
import { readSigningCertificate } from "@peptide/attest/verify";
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
const CYCLONEDX = "https://cyclonedx.org/bom";
const SPDX = "https://spdx.dev/Document";

export type LinkName = "repository" | "commit" | "workflow" | "run" | "triggered by" | "lockfiles" | "sbom" | "signatures" | "promotions";

export interface TraceLink {
  name: LinkName;
  /** `none` is a link that is not recorded yet by design (promotions), not a broken one. */
  status: "present" | "missing" | "none";
  /** One line for a person. */
  summary: string;
  /** More lines (each lockfile, each signature). */
  details?: string[];
}

export interface SignatureFact {
  predicateType: string;
  signer?: string;
  issuer?: string;
  logIndex?: string;
  integratedTime?: string;
  /** The artifact manifest holding the bundle. */
  manifest: string;
}

export interface Trace {
  version: 1;
  image: { name: string; location: string; digest: string; mediaType: string; size: number };
  attachments: number;
  links: TraceLink[];
  signatures: SignatureFact[];
  /** Names of the links that are missing. */
  missing: LinkName[];
}

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
  const trace = await traceImage(opened.store, descriptor, opened.name);
  io.stdout(format === "json" ? `${JSON.stringify(trace, null, 2)}\n` : formatTraceText(trace, io.color));
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

/** Reads the bundles attached to `image` in `store` and lays out the chain. */
export async function traceImage(store: ImageStore, image: Descriptor, name: string): Promise<Trace> {
  const { referrers } = await listBundleReferrers(store, image.digest, { all: true });
  const found = await fetchAttachedBundles(store, image.digest);
  const statements: Array<{ statement: Record<string, unknown> | undefined; fact: SignatureFact }> = found.map((item) => ({
    statement: statementOf(item.bundle),
    fact: signatureFact(item.bundle, item.manifest.digest),
  }));
  const provenance = statements.find((s) => s.statement?.predicateType === SLSA_PROVENANCE_V1)?.statement;
  const sbom = statements.find((s) => isSbomType(s.statement?.predicateType))?.statement;
  const links = [...provenanceLinks(provenance), sbomLink(sbom), signaturesLink(statements.map((s) => s.fact)), promotionsLink(statements.map((s) => s.statement))];
  return {
    version: 1,
    image: { name, location: store.location, digest: image.digest, mediaType: image.mediaType, size: image.size },
    attachments: referrers.length,
    links,
    signatures: statements.map((s) => s.fact),
    missing: links.filter((l) => l.status === "missing").map((l) => l.name),
  };
}

function provenanceLinks(statement: Record<string, unknown> | undefined): TraceLink[] {
  const missing = (name: LinkName): TraceLink => ({ name, status: "missing", summary: "no SLSA provenance is attached to the image" });
  if (statement === undefined) return (["repository", "commit", "workflow", "run", "triggered by", "lockfiles"] as const).map(missing);
  const predicate = record(statement.predicate);
  const definition = record(predicate.buildDefinition);
  const external = record(definition.externalParameters);
  const workflow = record(external.workflow);
  const github = record(record(definition.internalParameters).github);
  const dependencies = Array.isArray(definition.resolvedDependencies) ? definition.resolvedDependencies.map(record) : [];
  const source = dependencies.find((d) => typeof record(d.digest).gitCommit === "string");
  const lockfiles = dependencies.filter((d) => record(d.annotations).kind === "lockfile");
  const run = record(predicate.runDetails);
  const invocation = text(record(run.metadata).invocationId);
  const builder = text(record(run.builder).id);
  const link = (name: LinkName, value: string | undefined, why: string, details?: string[]): TraceLink =>
    value ? { name, status: "present", summary: value, ...(details ? { details } : {}) } : { name, status: "missing", summary: why };
  const commit = text(record(source?.digest).gitCommit);
  const sourceRef = text(source?.uri)?.split("@").pop();
  const actor = text(github.triggering_actor) ?? text(github.actor);
  const actorId = text(github.triggering_actor_id) ?? (actor === text(github.actor) ? text(github.actor_id) : undefined);
  return [
    link("repository", text(workflow.repository), "the provenance names no source repository"),
    link("commit", commit && `${commit}${sourceRef ? ` (${sourceRef})` : ""}`, "the provenance names no source commit"),
    link("workflow", text(workflow.path) && `${text(workflow.path)} @ ${text(workflow.ref) ?? "?"}`, "the provenance names no workflow", builder ? [`builder ${builder}`] : undefined),
    link("run", invocation && `${invocation}${text(github.runner_environment) ? ` (${text(github.runner_environment)} runner)` : ""}`, "the provenance has no run (invocationId)"),
    link("triggered by", actor && `${text(github.event_name) ?? "?"} by ${actor}${actorId ? ` (id ${actorId})` : ""}`, "the provenance names no triggering actor"),
    lockfiles.length > 0
      ? { name: "lockfiles", status: "present", summary: `${lockfiles.length} lockfile${lockfiles.length === 1 ? "" : "s"}`, details: lockfiles.map((l) => `${text(l.name) ?? "?"}  sha256:${text(record(l.digest).sha256) ?? "?"}`) }
      : { name: "lockfiles", status: "missing", summary: "the provenance records no lockfile digests" },
  ];
}

function sbomLink(statement: Record<string, unknown> | undefined): TraceLink {
  if (statement === undefined) return { name: "sbom", status: "missing", summary: "no SBOM attestation (CycloneDX or SPDX) is attached to the image" };
  const predicate = record(statement.predicate);
  const type = text(statement.predicateType) ?? "";
  if (type === CYCLONEDX) {
    const components = Array.isArray(predicate.components) ? predicate.components.length : 0;
    const subject = record(record(predicate.metadata).component);
    const of = text(subject.name) ? ` of ${text(subject.name)}${text(subject.version) ? `@${text(subject.version)}` : ""}` : "";
    return { name: "sbom", status: "present", summary: `CycloneDX ${text(predicate.specVersion) ?? "?"}${of}, ${components} components` };
  }
  const packages = Array.isArray(predicate.packages) ? predicate.packages.length : 0;
  return { name: "sbom", status: "present", summary: `${text(predicate.spdxVersion) ?? "SPDX"}, ${packages} packages` };
}

function signaturesLink(facts: readonly SignatureFact[]): TraceLink {
  if (facts.length === 0) return { name: "signatures", status: "missing", summary: "no Sigstore bundle is attached to the image" };
  return {
    name: "signatures",
    status: "present",
    summary: `${facts.length} Sigstore bundle${facts.length === 1 ? "" : "s"} (read, not verified here: \`peptide verify\` is the gate)`,
    details: facts.map((f) => {
      const log = f.logIndex !== undefined ? `, log index ${f.logIndex}${f.integratedTime ? ` at ${f.integratedTime}` : ""}` : "";
      return `${shortType(f.predicateType)}: signed by ${f.signer ?? "an unreadable certificate"}${f.issuer ? ` (issuer ${f.issuer})` : ""}${log}`;
    }),
  };
}

/**
 * Each environment the digest reached, from the promotion attestations attached to it (read, not
 * verified: `peptide verify --predicate-type` or the promote gate does that). None yet is not a
 * broken link: an image is built before it is promoted.
 */
function promotionsLink(statements: ReadonlyArray<Record<string, unknown> | undefined>): TraceLink {
  const promotions = statements
    .filter((s) => s?.predicateType === PROMOTION_PREDICATE_TYPE)
    .map((s) => s?.predicate as Partial<PromotionPredicate> | undefined)
    .filter((p): p is Partial<PromotionPredicate> => p !== undefined)
    .sort((a, b) => String(a.promotedAt ?? "").localeCompare(String(b.promotedAt ?? "")));
  if (promotions.length === 0) return { name: "promotions", status: "none", summary: "none recorded" };
  return {
    name: "promotions",
    status: "present",
    summary: promotions.map((p) => p.environment ?? "?").join(" → "),
    details: promotions.map((p) => {
      const target = p.target ? `${p.target.name}${p.target.tag ? `:${p.target.tag}` : ""}` : "?";
      const approvals = p.approvals && p.approvals.length > 0 ? `approved by ${p.approvals.map((a) => `${a.user} at ${a.at}`).join(", ")}` : "no approval recorded";
      return `${p.environment ?? "?"}: ${target} at ${p.promotedAt ?? "?"}, ${approvals}${p.runUrl ? `, run ${p.runUrl}` : ""}`;
    }),
  };
}

/** Text for a terminal: one line a link, MISSING in red on a TTY. */
export function formatTraceText(trace: Trace, color: boolean): string {
  const red = (s: string) => (color ? `\u001b[31m${s}\u001b[0m` : s);
  const lines = [
    `image        ${trace.image.name}@${trace.image.digest}`,
    `             ${trace.image.location}, ${trace.image.mediaType}, ${trace.image.size} bytes; ${trace.attachments} attachment${trace.attachments === 1 ? "" : "s"}`,
  ];
  for (const link of trace.links) {
    const label = link.name.padEnd(12);
    lines.push(link.status === "missing" ? `${label} ${red("MISSING")}: ${link.summary}` : `${label} ${link.summary}`);
    for (const detail of link.details ?? []) lines.push(`${" ".repeat(13)}${detail}`);
  }
  if (trace.missing.length > 0) lines.push(red(`${trace.missing.length} link${trace.missing.length === 1 ? "" : "s"} missing: ${trace.missing.join(", ")}`));
  return `${lines.join("\n")}\n`;
}

function statementOf(bundle: unknown): Record<string, unknown> | undefined {
  const payload = text(record(record(bundle).dsseEnvelope).payload);
  if (payload === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, "base64").toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function signatureFact(bundle: unknown, manifest: string): SignatureFact {
  const statement = statementOf(bundle);
  const material = record(record(bundle).verificationMaterial);
  const chain = record(material.x509CertificateChain).certificates;
  const raw = text(record(material.certificate).rawBytes) ?? (Array.isArray(chain) ? text(record(chain[0]).rawBytes) : undefined);
  const fact: SignatureFact = { predicateType: text(statement?.predicateType) ?? "message signature", manifest };
  if (raw !== undefined) {
    try {
      const certificate = readSigningCertificate(Buffer.from(raw, "base64"));
      const signer = certificate.subjectAlternativeNames[0];
      if (signer !== undefined) fact.signer = signer;
      if (certificate.claims.issuer !== undefined) fact.issuer = certificate.claims.issuer;
    } catch {
      // an unreadable certificate is reported as such
    }
  }
  const entry = Array.isArray(material.tlogEntries) ? record(material.tlogEntries[0]) : {};
  const logIndex = text(entry.logIndex);
  if (logIndex !== undefined) fact.logIndex = logIndex;
  const seconds = Number(text(entry.integratedTime));
  if (Number.isFinite(seconds) && seconds > 0) fact.integratedTime = new Date(seconds * 1000).toISOString();
  return fact;
}

function isSbomType(type: unknown): boolean {
  return typeof type === "string" && (type === CYCLONEDX || type.startsWith(SPDX));
}

function shortType(type: string): string {
  if (type === SLSA_PROVENANCE_V1) return "provenance";
  if (isSbomType(type)) return "sbom";
  return type;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value !== "" ? value : undefined;
}
