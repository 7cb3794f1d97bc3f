import { readFile } from "node:fs/promises";
import path from "node:path";
import { log, setOutput, writeSummary } from "@peptide/action-kit";
import {
  collectSubjects,
  createSigningSession,
  IN_TOTO_STATEMENT_V1,
  requestIdToken,
  type SigningOptions,
  type Statement,
  type SubjectInputs,
} from "@peptide/attest";
import { InputError } from "@peptide/core";
import { storeBundles, type BundleToStore, type StoredBundles } from "@peptide/action-kit/attest";
import type { StorageInputs } from "@peptide/action-kit/attest";

export interface SignInputs {
  subjects: SubjectInputs;
  predicateType: string | undefined;
  predicatePath: string | undefined;
  signing: SigningOptions;
  storage: StorageInputs;
  showSummary: boolean;
  workspace: string;
  env: NodeJS.ProcessEnv;
}

export async function run(inputs: SignInputs): Promise<StoredBundles> {
  const subjects = await collectSubjects(inputs.subjects, { cwd: inputs.workspace });
  const statement = inputs.predicatePath === undefined ? undefined : await readStatement(inputs, subjects);
  if (statement === undefined && inputs.predicateType !== undefined) throw new InputError("INPUT_INVALID", 'input "predicate-type" needs "predicate-path"');
  if (statement === undefined && (inputs.subjects.paths?.length ?? 0) === 0) {
    throw new InputError("INPUT_INVALID", 'message signatures are over file bytes: give "subject-path", or "predicate-type" with "predicate-path" for an attestation over digests');
  }

  const token = await requestIdToken(inputs.env, "sigstore");
  log.mask(token);
  const session = await createSigningSession({ ...inputs.signing, identityToken: token });
  const items: BundleToStore[] = [];
  if (statement !== undefined) {
    items.push({ bundle: await session.signStatement(statement), subjects: statement.subject });
  } else {
    const files = await filesOf(inputs);
    for (const file of files) {
      const bytes = await readFile(file.path);
      items.push({ bundle: await session.signBlob(bytes), subjects: [file.subject] });
    }
  }
  const stats = session.stats;
  log.info(`signed ${items.length} bundle(s) with ${stats.certificates} certificate(s), ${stats.tlogEntries} log entries, ${stats.timestamps} timestamps`);

  const stored = await storeBundles(items, inputs.storage, inputs.workspace, inputs.env);
  setOutput("bundle-path", stored.bundlePaths[0] ?? "");
  setOutput("bundle-paths", stored.bundlePaths.join("\n"));
  setOutput("attestation-digests", stored.attestationDigests.join("\n"));
  setOutput("registry-manifests", stored.registryManifests.join("\n"));
  setOutput("attestation-ids", stored.attestationIds.join("\n"));
  if (inputs.showSummary) {
    const kind = statement ? `an attestation (${statement.predicateType}) over ${statement.subject.length} subject(s)` : `${items.length} message signature(s)`;
    await writeSummary(["## Peptide sign", "", `Signed ${kind}; ${stats.certificates} certificate(s), ${stats.tlogEntries} transparency log entries, ${stats.timestamps} timestamps.`, "", ...stored.notes.map((n) => `- ${n}`), ""].join("\n"));
  }
  return stored;
}

/** The statement to sign: the file's own statement, or predicate-type + the predicate over the subjects. */
async function readStatement(inputs: SignInputs, subjects: Statement["subject"]): Promise<Statement> {
  const file = path.resolve(inputs.workspace, inputs.predicatePath ?? "");
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw new InputError("INPUT_INVALID", `${inputs.predicatePath}: predicate-path is not a readable JSON file`, { cause });
  }
  const record = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (record?.["_type"] === IN_TOTO_STATEMENT_V1) {
    const statement = record as unknown as Statement;
    if (inputs.predicateType !== undefined && statement.predicateType !== inputs.predicateType) {
      throw new InputError("INPUT_INVALID", `${inputs.predicatePath}: the statement's predicateType is ${statement.predicateType}, not the predicate-type ${inputs.predicateType}`);
    }
    return statement;
  }
  if (inputs.predicateType === undefined) throw new InputError("INPUT_INVALID", 'input "predicate-path" holds a predicate, not a statement: give its "predicate-type"');
  return { _type: IN_TOTO_STATEMENT_V1, subject: subjects, predicateType: inputs.predicateType, predicate: json };
}

/** Files named by subject-path (globs and `!` exclusions as for statements), each with its subject. */
async function filesOf(inputs: SignInputs): Promise<{ path: string; subject: Statement["subject"][number] }[]> {
  const byPath = await collectSubjects({ paths: inputs.subjects.paths ?? [] }, { cwd: inputs.workspace, naming: "path" });
  return byPath.map((s) => ({ path: path.resolve(inputs.workspace, s.name), subject: { name: path.posix.basename(s.name), digest: s.digest } }));
}
