import { IN_TOTO_STATEMENT_V1, SLSA_PROVENANCE_V1, type ProvenanceStatement, type Subject } from "../types.js";
import { readBuildWorkflow, type BuildWorkflowOptions } from "./build-workflow.js";
import type { ProvenanceContext } from "./context.js";
import { lockfileDigests } from "./lockfiles.js";
import { provenancePredicate, type BuildFacts } from "./predicate.js";

export type ProvenanceOptions = BuildWorkflowOptions;

/** Reads what the provenance records from the workspace: the build workflow and the lockfiles. */
export async function gatherFacts(context: ProvenanceContext, options: ProvenanceOptions = {}): Promise<BuildFacts> {
  const [workflow, lockfiles] = await Promise.all([
    readBuildWorkflow(context, options),
    context.workspace === undefined ? { lockfiles: [], truncated: false } : lockfileDigests(context.workspace),
  ]);
  return { workflow, lockfiles };
}

/**
 * An in-toto Statement v1 with an SLSA v1 provenance predicate for the subjects. `finishedOn`
 * defaults to now: the provenance is made once the build steps before it have run.
 */
export async function provenanceStatement(subjects: readonly Subject[], context: ProvenanceContext, options: ProvenanceOptions = {}): Promise<ProvenanceStatement> {
  const facts = await gatherFacts(context, options);
  return statementOf(subjects, provenancePredicate({ ...context, finishedOn: context.finishedOn ?? new Date() }, facts));
}

export function statementOf(subjects: readonly Subject[], predicate: ProvenanceStatement["predicate"]): ProvenanceStatement {
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: subjects.map((s) => ({ name: s.name, digest: { ...s.digest } })),
    predicateType: SLSA_PROVENANCE_V1,
    predicate,
  };
}
