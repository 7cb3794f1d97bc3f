/**
 * The trace of one image digest: each link of the chain, in the order a person checks them. The
 * `Trace` object is the frozen JSON of `peptide trace --format json` (version 1): add to it only
 * with a new version. What the job summary needs beyond it (each environment reached, its
 * approvers) travels beside it in `TracedChain`.
 */

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

/** One environment the digest reached, from a promotion attestation attached to it (read, not verified). */
export interface EnvironmentFact {
  environment: string;
  /** `name[:tag]` the digest was copied to. */
  target?: string;
  promotedAt?: string;
  /** Who approved the deployment; `at` is absent when the approval time was not recorded. */
  approvals: Array<{ user: string; at?: string }>;
  runUrl?: string;
}

/** The trace and, beside it, the environments it reached (for the job summary and the action's outputs). */
export interface TracedChain {
  trace: Trace;
  environments: EnvironmentFact[];
}
