/**
 * The links of the chain, each read from one attached statement: the SLSA provenance (repository,
 * commit, workflow, run, trigger, lockfiles), the SBOM, the Sigstore bundles, the promotions.
 */
import { SLSA_PROVENANCE_V1 } from "../types.js";
import type { EnvironmentFact, LinkName, SignatureFact, TraceLink } from "./types.js";
import { record, text } from "./read-json.js";

export const CYCLONEDX_PREDICATE = "https://cyclonedx.org/bom";
export const SPDX_PREDICATE_PREFIX = "https://spdx.dev/Document";

export function provenanceLinks(statement: Record<string, unknown> | undefined): TraceLink[] {
  const missing = (name: LinkName): TraceLink => ({ name, status: "missing", summary: "no SLSA provenance is attached to the image" });
  if (statement === undefined) return (["repository", "commit", "workflow", "run", "triggered by", "lockfiles"] as const).map(missing);
  const predicate = record(statement.predicate);
  const definition = record(predicate.buildDefinition);
  const workflow = record(record(definition.externalParameters).workflow);
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

export function sbomLink(statement: Record<string, unknown> | undefined): TraceLink {
  if (statement === undefined) return { name: "sbom", status: "missing", summary: "no SBOM attestation (CycloneDX or SPDX) is attached to the image" };
  const predicate = record(statement.predicate);
  if (text(statement.predicateType) === CYCLONEDX_PREDICATE) {
    const components = Array.isArray(predicate.components) ? predicate.components.length : 0;
    const subject = record(record(predicate.metadata).component);
    const of = text(subject.name) ? ` of ${text(subject.name)}${text(subject.version) ? `@${text(subject.version)}` : ""}` : "";
    return { name: "sbom", status: "present", summary: `CycloneDX ${text(predicate.specVersion) ?? "?"}${of}, ${components} components` };
  }
  const packages = Array.isArray(predicate.packages) ? predicate.packages.length : 0;
  return { name: "sbom", status: "present", summary: `${text(predicate.spdxVersion) ?? "SPDX"}, ${packages} packages` };
}

export function signaturesLink(facts: readonly SignatureFact[]): TraceLink {
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
 * Each environment the digest reached, oldest first, from the predicates of the promotion
 * attestations attached to it. Read defensively: an approval without a time is kept without one.
 */
export function environmentFacts(predicates: readonly unknown[]): EnvironmentFact[] {
  return predicates
    .map(record)
    .map((p): EnvironmentFact => {
      const fact: EnvironmentFact = { environment: text(p.environment) ?? "?", approvals: approvalsOf(p.approvals) };
      const target = record(p.target);
      if (text(target.name) !== undefined) fact.target = `${text(target.name)}${text(target.tag) ? `:${text(target.tag)}` : ""}`;
      if (text(p.promotedAt) !== undefined) fact.promotedAt = text(p.promotedAt);
      if (text(p.runUrl) !== undefined) fact.runUrl = text(p.runUrl);
      return fact;
    })
    .sort((a, b) => (a.promotedAt ?? "").localeCompare(b.promotedAt ?? ""));
}

function approvalsOf(value: unknown): EnvironmentFact["approvals"] {
  if (!Array.isArray(value)) return [];
  return value.map(record).flatMap((a) => {
    const user = text(a.user);
    if (user === undefined) return [];
    const at = text(a.at);
    return [at === undefined ? { user } : { user, at }];
  });
}

/** "approved by ana at 2026-…, bo" or "no approval recorded". */
export function approvalText(approvals: EnvironmentFact["approvals"]): string {
  if (approvals.length === 0) return "no approval recorded";
  return `approved by ${approvals.map((a) => (a.at === undefined ? a.user : `${a.user} at ${a.at}`)).join(", ")}`;
}

/**
 * The promotions link (read, not verified: `peptide verify --predicate-type` or the promote gate
 * does that). None yet is not a broken link: an image is built before it is promoted.
 */
export function promotionsLink(environments: readonly EnvironmentFact[]): TraceLink {
  if (environments.length === 0) return { name: "promotions", status: "none", summary: "none recorded" };
  return {
    name: "promotions",
    status: "present",
    summary: environments.map((e) => e.environment).join(" → "),
    details: environments.map((e) => `${e.environment}: ${e.target ?? "?"} at ${e.promotedAt ?? "?"}, ${approvalText(e.approvals)}${e.runUrl ? `, run ${e.runUrl}` : ""}`),
  };
}

export function isSbomType(type: unknown): boolean {
  return typeof type === "string" && (type === CYCLONEDX_PREDICATE || type.startsWith(SPDX_PREDICATE_PREFIX));
}

function shortType(type: string): string {
  if (type === SLSA_PROVENANCE_V1) return "provenance";
  if (isSbomType(type)) return "sbom";
  return type;
}
