export { readBuildWorkflow, splitWorkflowRef, type BuildWorkflowFacts, type BuildWorkflowOptions, type JobPermissions, type ResolveRef, type UsedReference } from "./build-workflow.js";
export { contextFromRunner, contextOf, type ProvenanceContext, type RunnerContextOptions, type RunnerEnv } from "./context.js";
export { workspaceCommit } from "./git-head.js";
export { isLockfileName, lockfileDigests, type LockfileDigest, type LockfileScan } from "./lockfiles.js";
export { provenancePredicate, type BuildFacts } from "./predicate.js";
export { sbomDescriptor } from "./sbom.js";
export { gatherFacts, provenanceStatement, statementOf, type ProvenanceOptions } from "./statement.js";
