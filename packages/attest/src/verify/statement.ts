/**
 * Reading the in-toto statement inside a DSSE envelope, and the checks that look into it:
 * subject digest, predicate type, and the provenance's builder id.
 */
import { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_V1, SLSA_PROVENANCE_V1 } from "../types.js";
import { matchesSignerWorkflow } from "./matchers.js";
import type { VerificationPolicy } from "./policy.js";
import { fail, pass, type Check } from "./report.js";

const STATEMENT_TYPES: ReadonlySet<string> = new Set([IN_TOTO_STATEMENT_V1, "https://in-toto.io/Statement/v0.1"]);

export interface ParsedStatement {
  predicateType: string;
  subjects: { name: string; sha256: string | undefined }[];
  predicate: unknown;
}

/** The statement in a DSSE payload, or a reason it is not one. */
export function readStatement(payloadType: string, payload: Uint8Array): ParsedStatement | string {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return `dsse payload type is "${payloadType}", not ${IN_TOTO_PAYLOAD_TYPE}`;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch {
    return "dsse payload is not json";
  }
  if (typeof json !== "object" || json === null) return "dsse payload is not an in-toto statement";
  const { _type: type, subject, predicateType, predicate } = json as Record<string, unknown>;
  if (typeof type !== "string" || !STATEMENT_TYPES.has(type)) return `statement _type is "${String(type)}", not ${IN_TOTO_STATEMENT_V1}`;
  if (typeof predicateType !== "string") return "statement has no predicateType";
  if (!Array.isArray(subject) || subject.length === 0) return "statement has no subject";
  const subjects = subject.map((item: unknown) => {
    const record = (typeof item === "object" && item !== null ? item : {}) as { name?: unknown; digest?: { sha256?: unknown } };
    const sha256 = record.digest?.sha256;
    return { name: typeof record.name === "string" ? record.name : "", sha256: typeof sha256 === "string" ? sha256.toLowerCase() : undefined };
  });
  return { predicateType, subjects, predicate };
}

/** The artifact's sha256 must be the digest of one of the statement's subjects. */
export function checkSubjectDigest(statement: ParsedStatement, sha256: string): { check: Check; matched?: string } {
  const match = statement.subjects.find((subject) => subject.sha256 === sha256);
  if (match) return { check: pass("subject-digest", `artifact sha256:${sha256} is subject "${match.name}"`), matched: match.name };
  const count = statement.subjects.length;
  return { check: fail("subject-digest", `artifact sha256:${sha256} is not among the statement's ${count} subject${count === 1 ? "" : "s"}`) };
}

export function checkPredicateType(predicateType: string | undefined, required: readonly string[]): Check {
  if (predicateType === undefined) return fail("predicate-type", "bundle holds a message signature, not an attestation with a predicate type");
  if (required.includes(predicateType)) return pass("predicate-type", `predicate type ${predicateType} is required by policy`);
  return fail("predicate-type", `predicate type ${predicateType} is not one of ${required.join(", ")}`);
}

/**
 * For SLSA provenance: the builder id must be the workflow that signed (Build Signer URI, .1.9),
 * and match the policy's signer workflow when one is set. A provenance that names another builder
 * than the identity that signed it is a claim nobody vouches for.
 */
export function checkBuilderId(statement: ParsedStatement, buildSignerUri: string | undefined, policy: VerificationPolicy): Check | undefined {
  if (statement.predicateType !== SLSA_PROVENANCE_V1) return undefined;
  const builderId = builderIdOf(statement.predicate);
  if (builderId === undefined) return fail("builder-id", "provenance has no runDetails.builder.id");
  if (buildSignerUri === undefined) return fail("builder-id", `certificate has no build signer uri to compare builder id ${builderId} with`);
  if (builderId !== buildSignerUri) return fail("builder-id", `builder id ${builderId} is not the signing workflow ${buildSignerUri}`);
  if (policy.signerWorkflow !== undefined && !matchesSignerWorkflow(policy.signerWorkflow, builderId, policy.serverUrl)) {
    return fail("builder-id", `builder id ${builderId} is not the signer workflow ${policy.signerWorkflow}`);
  }
  return pass("builder-id", `builder id ${builderId} is the signing workflow`);
}

function builderIdOf(predicate: unknown): string | undefined {
  if (typeof predicate !== "object" || predicate === null) return undefined;
  const runDetails = (predicate as { runDetails?: unknown }).runDetails;
  if (typeof runDetails !== "object" || runDetails === null) return undefined;
  const builder = (runDetails as { builder?: unknown }).builder;
  if (typeof builder !== "object" || builder === null) return undefined;
  const id = (builder as { id?: unknown }).id;
  return typeof id === "string" ? id : undefined;
}
