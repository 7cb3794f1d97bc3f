/** Reading promotion evidence back: the promotion attestations attached to a digest, verified. */
import type { ImageStore } from "@peptide/oci";
import { fetchAttachedBundles, type FoundBundle } from "../store/index.js";
import type { VerificationPolicy, VerificationReport } from "../verify/index.js";
import { verifyAttestation, type VerifyOptions } from "../verify/verify-bundle.js";
import { PROMOTION_PREDICATE_TYPE, type PromotionPredicate } from "./types.js";

export interface FoundPromotion {
  predicate: PromotionPredicate;
  /** Its verification against the policy given (`ok` false: present but not trusted). */
  report: VerificationReport;
  /** The artifact manifest digest holding the bundle. */
  manifestDigest: string;
}

/**
 * The promotion attestations attached to `digest` in `store` (for `environment` when given), each
 * verified against `policy` plus the promotion predicate type. Attestations whose payload is
 * not a promotion of this digest are left out.
 */
export async function findPromotions(store: ImageStore, digest: string, options: PromotionFilter): Promise<FoundPromotion[]> {
  return promotionsIn(await fetchAttachedBundles(store, digest, { predicateType: PROMOTION_PREDICATE_TYPE }), digest, options);
}

export interface PromotionFilter {
  environment?: string;
  policy: VerificationPolicy;
  trustedRoot: VerifyOptions["trustedRoot"];
}

/** findPromotions over bundles already fetched (any kind: the promotions of `digest` are picked out). */
export async function promotionsIn(found: readonly FoundBundle[], digest: string, options: PromotionFilter): Promise<FoundPromotion[]> {
  const policy: VerificationPolicy = { ...options.policy, predicateTypes: [PROMOTION_PREDICATE_TYPE] };
  const promotions: FoundPromotion[] = [];
  for (const { bundle, manifest } of found) {
    const predicate = promotionPredicateOf(bundle);
    if (predicate === undefined || predicate.digest !== digest) continue;
    if (options.environment !== undefined && predicate.environment !== options.environment) continue;
    const report = await verifyAttestation(bundle, digest, policy, { trustedRoot: options.trustedRoot });
    promotions.push({ predicate, report, manifestDigest: manifest.digest });
  }
  return promotions;
}

/** The promotion predicate in a DSSE bundle's statement (unverified), or undefined. */
export function promotionPredicateOf(bundle: unknown): PromotionPredicate | undefined {
  const payload = record(record(bundle)?.["dsseEnvelope"])?.["payload"];
  if (typeof payload !== "string") return undefined;
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(payload, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
  const s = record(statement);
  if (s?.["predicateType"] !== PROMOTION_PREDICATE_TYPE) return undefined;
  const predicate = record(s["predicate"]);
  if (typeof predicate?.["environment"] !== "string" || typeof predicate["digest"] !== "string") return undefined;
  return predicate as unknown as PromotionPredicate;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
