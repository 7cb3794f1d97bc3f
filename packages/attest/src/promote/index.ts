export { promote } from "./promote.js";
export { findPromotions, type FoundPromotion } from "./evidence.js";
export { environmentPolicyFields, type EnvironmentPolicyFields, type PromotionRules } from "./environment-policy.js";
export { githubDeploymentReview, githubReviewFromEnv, runUrlFromEnv, type ChangeAuthors, type DeploymentReview, type GitHubReviewOptions } from "./github-review.js";
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
