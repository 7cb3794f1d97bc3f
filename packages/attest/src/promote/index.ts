export { promote } from "./promote.js";
export { findPromotions, type FoundPromotion } from "./evidence.js";
export { githubDeploymentReview, type DeploymentReview, type GitHubReviewOptions } from "./github-review.js";
export {
  PROMOTION_PREDICATE_TYPE,
  type Approval,
  type Change,
  type PromoteOptions,
  type PromotionCheck,
  type PromotionCheckName,
  type PromotionEvidence,
  type PromotionPredicate,
  type PromotionResult,
  type PromotionStatement,
} from "./types.js";
