/**
 * The trace of one image digest, read from what is attached to it (OCI 1.1 referrers: the
 * provenance, the SBOM, the promotions and their Sigstore bundles). A link with nothing behind it
 * is reported missing, never left out. Trace reports; it does not gate: the bundles are read,
 * not verified (`verifyBundles` and `peptide verify` are the gate).
 */
import type { Descriptor, ImageStore } from "@peptide/oci";
import { PROMOTION_PREDICATE_TYPE } from "../promote/types.js";
import { listBundleReferrers, readAttachedBundles } from "../store/index.js";
import { SLSA_PROVENANCE_V1 } from "../types.js";
import { readSigningCertificate } from "../verify/certificate.js";
import { environmentFacts, isSbomType, promotionsLink, provenanceLinks, sbomLink, signaturesLink } from "./links.js";
import { record, text } from "./read-json.js";
import type { SignatureFact, Trace, TracedChain } from "./types.js";

/** Reads the bundles attached to `image` in `store` and lays out the chain; `name` is the image as a person names it. */
export async function traceImage(store: ImageStore, image: Descriptor, name: string): Promise<Trace> {
  return (await traceChain(store, image, name)).trace;
}

/** The trace, and each environment the digest reached with who approved it and when. */
export async function traceChain(store: ImageStore, image: Descriptor, name: string): Promise<TracedChain> {
  // Listed once: every referrer counts as an attachment, the Sigstore bundles among them are read.
  const { referrers } = await listBundleReferrers(store, image.digest, { all: true });
  const found = await readAttachedBundles(store, referrers);
  // A statement about another digest says nothing of this image (anyone who can push a referrer can
  // attach one): it is left out, so it cannot fill a link.
  const statements = found
    .map((item) => ({ statement: statementOf(item.bundle), fact: signatureFact(item.bundle, item.manifest.digest) }))
    .filter((s) => s.statement === undefined || namesDigest(s.statement, image.digest));
  const provenance = statements.find((s) => s.statement?.predicateType === SLSA_PROVENANCE_V1)?.statement;
  const sbom = statements.find((s) => isSbomType(s.statement?.predicateType))?.statement;
  const environments = environmentFacts(statements.filter((s) => s.statement?.predicateType === PROMOTION_PREDICATE_TYPE).map((s) => s.statement?.predicate));
  const links = [...provenanceLinks(provenance), sbomLink(sbom), signaturesLink(statements.map((s) => s.fact)), promotionsLink(environments)];
  const trace: Trace = {
    version: 1,
    image: { name, location: store.location, digest: image.digest, mediaType: image.mediaType, size: image.size },
    attachments: referrers.length,
    links,
    signatures: statements.map((s) => s.fact),
    missing: links.filter((l) => l.status === "missing").map((l) => l.name),
  };
  return { trace, environments };
}

/** The statement's subjects include `digest` (`sha256:<hex>`). */
function namesDigest(statement: Record<string, unknown>, digest: string): boolean {
  const [algorithm, hex] = digest.split(":");
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  return subjects.some((subject) => algorithm !== undefined && text(record(record(subject).digest)[algorithm]) === hex);
}

/** The in-toto statement inside a bundle's DSSE envelope, or undefined (a message signature, unreadable JSON). */
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
