/**
 * The promotion API: gate a digest on its attestations, copy it by digest, tag it last, and
 * record signed evidence of the promotion on the image. See docs/promotion.md.
 */
import type { CopyResult, Descriptor, ImageStore } from "@peptide/oci";
import type { SigningOptions, SigningSession } from "../sign/index.js";
import type { ArtifactVerificationReport, VerificationPolicy } from "../verify/index.js";
import type { VerifyOptions } from "../verify/verify-bundle.js";
import type { DeploymentReview } from "./github-review.js";

/** The predicate type of the promotion attestation (documented in docs/promotion.md). */
export const PROMOTION_PREDICATE_TYPE = "https://github.com/peptide-dev/peptide/promotion/v1";

export interface Approval {
  /** The login of the person who approved the deployment. */
  user: string;
  /** When, as an RFC 3339 time, when known (GitHub's review history of a run carries no time). */
  at?: string;
  /** The reviewer's comment. */
  comment?: string;
}

/** The change promoted: the commit the build was signed from (its certificate's source claims). */
export interface Change {
  /** owner/repo. */
  repository: string;
  commit: string;
}

export interface PromoteOptions {
  /** Where the image is now: `name` is the repository as a person writes it (`ghcr.io/acme/svc`). */
  source: { store: ImageStore; digest: string; name: string };
  /** Where it goes; `tag` is written last and is immutable unless `allowOverwrite`. */
  target: { store: ImageStore; tag?: string; name: string };
  /** The environment promoted to (`staging`, `production`). */
  environment: string;
  /** The environment's policy: signer identity, source ref, runner environment, required predicate types. */
  policy: VerificationPolicy;
  trustedRoot: VerifyOptions["trustedRoot"];
  /**
   * The same digest must carry a verified promotion attestation for this environment first.
   * `policy` is who may have signed it; default: the identity fields of `policy` above.
   */
  requirePrevious?: { environment: string; policy?: VerificationPolicy };
  /** Signs the evidence (one certificate). Default `{}`: the ambient identity (GitHub Actions OIDC). */
  signing?: SigningOptions | SigningSession;
  /** The approvals of the deployment, recorded in the evidence. Default: read from `review`, else none. */
  approvals?: Approval[];
  /** The author of the change (a login): with `forbidSelfApproval`, no approver may be the author. Default: read from `review`. */
  author?: string;
  /**
   * Where approvals and authors are read when not given: the promoting run's deployment reviews
   * and the authors of the signed build's commit (`githubDeploymentReview`).
   */
  review?: DeploymentReview;
  /** Require at least one approval, none of them by an author of the change. Default false. */
  forbidSelfApproval?: boolean;
  /** The workflow run promoting (recorded in the evidence). */
  runUrl?: string;
  /** Move an existing target tag that names another digest. Default false. */
  allowOverwrite?: boolean;
  /** The time recorded in the evidence. Default: now. */
  now?: Date;
}

export type PromotionCheckName = "source-digest" | "attestations" | "previous-environment" | "approvals";

export interface PromotionCheck {
  name: PromotionCheckName;
  ok: boolean;
  /** Lower-case, factual; a failure names the failing verification checks. */
  reason: string;
}

export interface PromotionEvidence {
  /** The signed promotion statement. */
  statement: PromotionStatement;
  /** sha256 of the evidence bundle (its JSON as attached). */
  bundleDigest: string;
  /** The artifact manifest holding the bundle at the target. */
  manifest: Descriptor;
}

export interface PromotionResult {
  /** `refused`: the gate failed and nothing was copied. */
  status: "promoted" | "already-promoted" | "refused";
  digest: string;
  environment: string;
  /** The gate report, one entry per check, in order. */
  checks: PromotionCheck[];
  /** The verification report of the source's attestations (its digest is in the evidence). */
  report?: ArtifactVerificationReport;
  copy?: CopyResult;
  /** Absent when refused, or when the target already carried evidence for this environment. */
  evidence?: PromotionEvidence;
}

export interface PromotionPredicate {
  environment: string;
  source: { name: string; digest: string };
  target: { name: string; tag?: string };
  digest: string;
  verification: { reportDigest: { sha256: string }; policy: VerificationPolicy; previousEnvironment?: string };
  approvals: Approval[];
  /** The author of the change, when known: the first of `authors`. */
  author?: string;
  /** Every login counted as an author of the change (commit author, pull request authors). */
  authors?: string[];
  /** The commit promoted, from the build's signing certificate. */
  change?: Change;
  runUrl?: string;
  promotedAt: string;
}

export interface PromotionStatement {
  _type: "https://in-toto.io/Statement/v1";
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: typeof PROMOTION_PREDICATE_TYPE;
  predicate: PromotionPredicate;
}
