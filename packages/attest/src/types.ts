/**
 * Shapes shared by the attestation areas (subjects, provenance, signing, verification).
 *
 * in-toto Statement v1: https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
 * ResourceDescriptor:   https://github.com/in-toto/attestation/blob/main/spec/v1/resource_descriptor.md
 * SLSA Provenance v1:   https://slsa.dev/spec/v1.0/provenance
 */

export const IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";
/** The DSSE payloadType of a statement. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
/** Our buildType: what the fields of a Peptide provenance mean, documented in docs/provenance.md. */
export const PEPTIDE_BUILD_TYPE = "https://github.com/peptide-dev/peptide/provenance/buildtypes/github-actions/v1";

/** Algorithm name to lower-case hex digest, e.g. `{ sha256: "ab12…" }`, `{ gitCommit: "4b6d…" }`. */
export type DigestSet = Record<string, string>;

/** What a statement is about: a file, an image or any artifact, by name and sha256. */
export interface Subject {
  name: string;
  digest: { sha256: string } & DigestSet;
}

/** An in-toto ResourceDescriptor: at least one of uri, digest, content. */
export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: DigestSet;
  content?: string;
  downloadLocation?: string;
  mediaType?: string;
  annotations?: Record<string, unknown>;
}

export interface Statement<Predicate = unknown> {
  _type: typeof IN_TOTO_STATEMENT_V1;
  subject: Subject[];
  predicateType: string;
  predicate: Predicate;
}

/** SLSA Provenance v1 predicate. */
export interface SlsaProvenance {
  buildDefinition: {
    buildType: string;
    externalParameters: Record<string, unknown>;
    internalParameters?: Record<string, unknown>;
    resolvedDependencies?: ResourceDescriptor[];
  };
  runDetails: {
    builder: { id: string; builderDependencies?: ResourceDescriptor[]; version?: Record<string, string> };
    metadata?: { invocationId?: string; startedOn?: string; finishedOn?: string };
    byproducts?: ResourceDescriptor[];
  };
}

export type ProvenanceStatement = Statement<SlsaProvenance> & { predicateType: typeof SLSA_PROVENANCE_V1 };
