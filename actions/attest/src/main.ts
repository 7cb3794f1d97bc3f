import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { log, setOutput, writeSummary } from "@peptide/action-kit";
import {
  collectSubjects,
  contextFromRunner,
  createSigningSession,
  IN_TOTO_STATEMENT_V1,
  provenanceStatement,
  requestIdToken,
  sbomDescriptor,
  type SigningOptions,
  type Statement,
  type SubjectInputs,
} from "@peptide/attest";
import type { SbomFormat } from "@peptide/sbom";
import { platformSubjects } from "./platforms.js";
import { sbomFor, type MadeSbom } from "./sbom.js";
import type { StorageInputs } from "@peptide/action-kit/attest";
import { storeBundles, type BundleToStore, type StoredBundles } from "@peptide/action-kit/attest";
import { attestSummary } from "./summary.js";

export interface AttestInputs {
  subjects: SubjectInputs;
  sbom: boolean;
  sbomPath: string | undefined;
  sbomSource: string | undefined;
  sbomFormat: SbomFormat;
  signing: SigningOptions;
  storage: StorageInputs;
  oidcIssuer: string | undefined;
  showSummary: boolean;
  workspace: string;
  tempDir: string;
  env: NodeJS.ProcessEnv;
}

export interface AttestOutcome extends StoredBundles {
  provenancePath: string;
  sbomPath: string | undefined;
}

/**
 * SBOM + provenance for the subjects, both signed with one identity token and one certificate,
 * stored where the inputs say.
 */
export async function run(inputs: AttestInputs): Promise<AttestOutcome> {
  const named = await collectSubjects(inputs.subjects, { cwd: inputs.workspace });
  const subjects = inputs.storage.pushToRegistry ? [...named, ...(await platformSubjects(named))] : named;
  const outDir = path.resolve(inputs.workspace, inputs.storage.bundleDir ?? path.join(inputs.tempDir, "peptide-attest"));
  await mkdir(outDir, { recursive: true });

  const token = await requestIdToken(inputs.env, "sigstore");
  log.mask(token);

  let sbom: MadeSbom | undefined;
  if (inputs.sbom || inputs.sbomPath !== undefined) {
    sbom = await log.group("SBOM", () => sbomFor(subjects, { sbomPath: inputs.sbomPath, source: inputs.sbomSource, format: inputs.sbomFormat, workspace: inputs.workspace, outDir }));
  }
  const context = await contextFromRunner(inputs.env, {
    token,
    ...(inputs.oidcIssuer ? { issuer: inputs.oidcIssuer } : {}),
    ...(sbom ? { sbom: await sbomDescriptor(sbom.file) } : {}),
  });
  const provenance = await provenanceStatement(subjects, context);
  const provenancePath = path.join(outDir, "provenance.intoto.json");
  await writeFile(provenancePath, `${JSON.stringify(provenance, null, 2)}\n`);

  const session = await createSigningSession({ ...inputs.signing, identityToken: token });
  const statements: Statement[] = [provenance];
  if (sbom) statements.push({ _type: IN_TOTO_STATEMENT_V1, subject: subjects, predicateType: sbom.predicateType, predicate: sbom.document });
  const [provenanceBundle, sbomBundle] = await session.signStatements(statements);
  const items: BundleToStore[] = [];
  if (provenanceBundle) items.push({ bundle: provenanceBundle, subjects });
  if (sbomBundle) items.push({ bundle: sbomBundle, subjects, fileSuffix: ".sbom" });
  const stats = session.stats;
  log.info(`signed ${items.length} attestation(s) over ${subjects.length} subject(s) with ${stats.certificates} certificate(s)`);

  const stored = await storeBundles(items, inputs.storage, inputs.workspace, inputs.env);
  setOutput("bundle-path", stored.bundlePaths[0] ?? "");
  setOutput("bundle-paths", stored.bundlePaths.join("\n"));
  setOutput("attestation-digests", stored.attestationDigests.join("\n"));
  setOutput("provenance-path", provenancePath);
  setOutput("sbom-path", sbom?.file ?? "");
  setOutput("registry-manifests", stored.registryManifests.join("\n"));
  setOutput("attestation-ids", stored.attestationIds.join("\n"));
  if (inputs.showSummary) await writeSummary(attestSummary({ subjects, provenance, sbom, stored, stats, workspace: inputs.workspace }));
  return { ...stored, provenancePath, sbomPath: sbom?.file };
}
