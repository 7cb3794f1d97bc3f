/**
 * `peptide demo`: the chain on the example payments service, offline, on embedded defaults (an
 * OCI layout directory as the registry, the loopback Sigstore stand-in as Sigstore). Each link is
 * a numbered section that starts with what a person should read first. The steps live in
 * ../demo/; this file runs them in order and prints.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InputError } from "@peptide/core";
import { audit, loadPolicy } from "@peptide/workflow";
import { toText } from "@peptide/report";
import { generateSboms, sbomStats, writeSbom } from "@peptide/sbom";
import { sbomDescriptor, TrustRoot } from "@peptide/attest";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { parseCommandArgs } from "../args.js";
import { attestImage, CYCLONEDX_PREDICATE_TYPE, RELEASE } from "../demo/attest-step.js";
import { buildServiceImage, modifiedCopy } from "../demo/build-step.js";
import { gate, gatePolicy, printChecksTable, printRefusal } from "../demo/gate-step.js";
import { promoteSteps } from "../demo/promote-step.js";
import { demoPrinter, since, type DemoPrinter } from "../demo/print.js";
import { EXIT, type CliIO } from "../io.js";
import { formatTraceText, traceImage } from "@peptide/attest";

/** The example service shipped in the repository (found from the working directory up): the demo's embedded input. */
export function exampleDir(cwd: string): string {
  const candidates: string[] = [];
  for (let dir = cwd; candidates.length < 8; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, "examples/payments-service"));
    if (path.dirname(dir) === dir) break;
  }
  const found = candidates.find((c) => existsSync(path.join(c, ".github/workflows")));
  if (!found) throw new InputError("INPUT_NOT_FOUND", "examples/payments-service not found; run the demo from the repository root");
  return found;
}

const HELP = `usage: peptide demo [--keep]

Runs the chain on examples/payments-service, offline: audit, SBOM, an OCI image built without a
container engine, provenance and keyless signatures from a loopback Sigstore stand-in, the
admission gate (one pass, two refusals), promotion of the same digest dev -> staging -> production
(refusing production before staging and an unsigned hotfix), and the trace of the image.

options:
  --keep    keep the temporary folder (SBOMs, OCI layout with the attestations) for inspection
`;

/** The image tag: the release tag without its `v`. */
const TAG = RELEASE.ref.replace(/^refs\/tags\/v/, "");

/** A link of the chain and how its step went; the closing lines list them. */
type Outcome = { link: string; status: "done" | "failed" | "not built yet"; ms?: number };

export async function demoCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs("demo", argv, { keep: { type: "boolean" }, help: { type: "boolean", short: "h" } });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const started = performance.now();
  const dir = exampleDir(io.cwd);
  const rel = path.relative(io.cwd, dir) || ".";
  const out = demoPrinter(io);
  const outcomes: Outcome[] = [];
  const timed = async <T>(link: string, step: () => Promise<T>, ok: (value: T) => boolean = () => true): Promise<T> => {
    const t = performance.now();
    const value = await step();
    outcomes.push({ link, status: ok(value) ? "done" : "failed", ms: performance.now() - t });
    return value;
  };

  out.heading("Peptide demo: the release path of a payments service");
  out.line(`Input: ${rel} (a small payments service with a realistic CI/CD workflow set, some of it deliberately unsafe).`);
  const work = await mkdtemp(path.join(os.tmpdir(), "peptide-demo-"));
  let sigstore: SigstoreStandin | undefined;
  try {
    out.heading("1. audit: scoped permissions, verified triggers, pinned inputs, isolated secrets", "Read first: the critical findings; each names file:line:column and the fix.");
    await timed("audit", async () => {
      const config = await loadPolicy(path.join(rel, ".github/peptide.yml"), { explicit: false, cwd: io.cwd });
      const t = performance.now();
      const result = await audit([path.join(rel, ".github/workflows")], { cwd: io.cwd, config });
      io.stdout(toText(result, { color: io.color }));
      out.line(`(audited in ${since(t)})`);
      out.line(`Fix the permissions and pins in place with: peptide audit ${rel}/.github/workflows --fix`);
    });

    out.heading("2. sbom: what is inside the artifact", "Read first: the component count and the licenses.");
    const sbom = await timed("sbom", () => sbomStep(out, rel, io.cwd, work));

    out.heading("3. build: the service as an OCI image, with no container engine", "Read first: the image digest; every later link names it.");
    const built = await (async () => {
      const t = performance.now();
      const layoutDir = path.join(work, "oci-layout");
      const image = await buildServiceImage(dir, layoutDir, TAG);
      const again = await buildServiceImage(dir, path.join(work, "rebuild"), TAG);
      const { manifest, config, layer } = image.image;
      out.line(`  image digest  ${out.bold(image.descriptor.digest)}`);
      out.line(`  size          ${image.image.size} bytes: manifest ${manifest.length}, config ${config.bytes.length}, one gzip layer ${layer.bytes.length} (${image.image.files} files under /app)`);
      out.line(`  layout        ${layoutDir} (tag ${TAG})`);
      out.line(`  reproducible  ${again.descriptor.digest === image.descriptor.digest ? "yes: built again from the same files, same digest" : out.red(`no: a second build gave ${again.descriptor.digest}`)}`);
      out.line(`(built twice in ${since(t)}; no Docker engine: the tar, gzip, config and manifest are written by @peptide/oci)`);
      return image;
    })();
    const digest = built.descriptor.digest;
    const hex = digest.replace(/^sha256:/, "");

    out.heading("4. provenance + sign: who built it, from what, sealed with keyless signatures", "Read first: the signer; the certificate names the workflow, repository and tag that signed.");
    sigstore = await startSigstore({ issuer: RELEASE.issuer });
    const standin = sigstore;
    const attested = await attestImage({ sigstore: standin, store: built.layout, subject: { name: `ghcr.io/${RELEASE.repository}`, digest: { sha256: hex } }, workspace: dir, sbom });
    outcomes.push(
      { link: "provenance", status: "done", ms: attested.timings.provenance },
      { link: "sign", status: attested.stats.signatures === 2 && attested.attached.length === 2 ? "done" : "failed", ms: attested.timings.sign },
    );
    const definition = attested.provenance.predicate.buildDefinition;
    const dependencies = definition.resolvedDependencies ?? [];
    const lockfiles = dependencies.filter((d) => d.annotations?.kind === "lockfile").length;
    out.line(`  runner        ${RELEASE.repository}, ${RELEASE.workflowPath}, ${RELEASE.ref}, push by ${RELEASE.actor}, github-hosted (identity from the loopback Sigstore stand-in)`);
    out.line(`  provenance    ${attested.provenance.predicateType}: builder ${attested.provenance.predicate.runDetails.builder.id}`);
    out.line(`                ${dependencies.length} resolved dependencies: the source commit, ${dependencies.length - 1 - lockfiles} actions by commit SHA, ${lockfiles} lockfile${lockfiles === 1 ? "" : "s"}; the SBOM as a byproduct`);
    out.line(`  sbom          ${CYCLONEDX_PREDICATE_TYPE}, ${sbom.components} components`);
    out.line(`  signed        ${attested.stats.signatures} attestations with ${attested.stats.certificates} certificate (${attested.stats.identityTokens} identity token, ${attested.stats.tlogEntries} transparency log entries)`);
    out.line(`  signer        ${out.bold(attested.signer)}`);
    out.line(`  attached      ${attested.attached.length} referrers of ${digest.slice(0, 19)}… in the layout: ${attested.attached.map((d) => d.slice(0, 19) + "…").join(", ")}`);

    out.heading("5. verify: the admission gate", "Read first: \"admitted\" for the release image, then the two refusals and the check that stopped each.");
    const trustedRoot = TrustRoot.fromJSON(standin.trustedRoot, "the stand-in's trusted root");
    const policy = gatePolicy();
    await timed(
      "verify",
      async () => {
        out.line(`  policy: signed by ${policy.signerWorkflow} (issuer ${policy.certificateOidcIssuer}) from ${policy.sourceRef}`);
        out.line(`          on a ${policy.runnerEnvironment} runner; SLSA provenance and a CycloneDX SBOM attached`);
        out.line();
        const report = await gate(built.layout, digest, policy, trustedRoot);
        printChecksTable(out, report);
        out.line();
        out.line(`  ${report.ok ? out.green("admitted") : out.red("refused")}: payments-service@${digest}`);
        return report;
      },
      (report) => report.ok,
    );
    out.line();
    const hotfixSource = await modifiedCopy(dir, path.join(work, "hotfix-src"));
    const hotfix = await buildServiceImage(hotfixSource.dir, built.layoutDir, `${TAG}-hotfix`);
    out.line(`  (a) a hotfix built on a laptop from a modified ${hotfixSource.changed}, never signed: ${hotfix.descriptor.digest}`);
    printRefusal(out, await gate(built.layout, hotfix.descriptor.digest, policy, trustedRoot));
    out.line();
    const otherSigner = "acme-payments/release-tooling/.github/workflows/build-and-sign.yml";
    out.line(`  (b) the signed release image, under a policy that requires the signer ${otherSigner}`);
    printRefusal(out, await gate(built.layout, digest, gatePolicy(otherSigner), trustedRoot));

    out.heading("6. promote: build once, the same digest through staging to production", "Read first: the two refusals, then the same digest promoted twice with signed evidence.");
    const promoted = await timed(
      "promote",
      () => promoteSteps({ out, sigstore: standin, dev: built.layout, digest, hotfixDigest: hotfix.descriptor.digest, tag: TAG, policy, trustedRoot, dirs: { staging: path.join(work, "staging"), production: path.join(work, "production") } }),
      (result) => result.promoted.every((r) => r.status === "promoted"),
    );

    out.heading("7. trace: the chain behind the digest", "Read first: every link filled in; a link with nothing behind it says MISSING.");
    await timed("trace", async () => {
      out.line(`$ peptide trace ${path.join(work, "production")}:${TAG}`);
      const trace = await traceImage(promoted.stores.production, built.descriptor, "payments-service");
      io.stdout(formatTraceText(trace, io.color).replace(/^(?=.)/gm, "  "));
      const unsigned = await traceImage(built.layout, hotfix.descriptor, "payments-service");
      out.line();
      out.line(`$ peptide trace ${built.layoutDir}:${TAG}-hotfix`);
      out.line(`  ${out.red(`${unsigned.missing.length} links MISSING`)}: ${unsigned.missing.join(", ")} (nothing is attached to ${hotfix.descriptor.digest.slice(0, 19)}…)`);
      return trace;
    }, (trace) => trace.missing.length === 0);

    outcomes.push({ link: "scan", status: "not built yet" });
    printChain(out, outcomes, performance.now() - started);
    out.line(values.keep ? `Files kept in ${work}` : `Files were in ${work} (removed; pass --keep to inspect the layout and SBOMs).`);
    return outcomes.some((o) => o.status === "failed") ? EXIT.findings : EXIT.ok;
  } finally {
    await sigstore?.close();
    if (!values.keep) await rm(work, { recursive: true, force: true });
  }
}

interface SbomOutput {
  document: unknown;
  descriptor: Awaited<ReturnType<typeof sbomDescriptor>>;
  components: number;
}

async function sbomStep(out: DemoPrinter, rel: string, cwd: string, work: string): Promise<SbomOutput> {
  const [generated] = await generateSboms(rel, { cwd });
  if (!generated) throw new InputError("INPUT_INVALID", `${rel}: no SBOM was produced`);
  const stats = sbomStats(generated.sbom);
  let cyclonedx = "";
  for (const [format, name] of [["cyclonedx-json", "sbom.cdx.json"], ["spdx-json", "sbom.spdx.json"]] as const) {
    const document = writeSbom(generated.sbom, format, { sourceDateEpoch: 0 });
    if (format === "cyclonedx-json") cyclonedx = document;
    await writeFile(path.join(work, name), document);
    out.line(`${format.padEnd(15)} ${path.join(work, name)}  sha256:${createHash("sha256").update(document).digest("hex")}`);
  }
  const eco = stats.byEcosystem.map((e) => `${e.total} ${e.ecosystem} (${e.scopes.required} required, ${e.scopes.dev} dev, ${e.scopes.optional} optional)`).join("; ");
  out.line(`${stats.total} components: ${eco}; ${stats.hashed} with a hash from the lockfile.`);
  out.line(`Licenses: ${stats.licenses.map((l) => `${l.license} ${l.count}`).join(", ") || "none recorded"}.`);
  const file = path.join(work, "sbom.cdx.json");
  return { document: JSON.parse(cyclonedx) as unknown, descriptor: await sbomDescriptor(file, "application/vnd.cyclonedx+json"), components: stats.total };
}

function printChain(out: DemoPrinter, outcomes: readonly Outcome[], totalMs: number): void {
  out.heading("The chain");
  for (const o of outcomes) {
    const status = o.status === "done" ? out.green("done") : o.status === "failed" ? out.red("FAILED") : out.dim("not built yet");
    out.line(`  ${o.link.padEnd(11)} ${status}${o.ms !== undefined ? out.dim(`  ${Math.round(o.ms)} ms`) : ""}`);
  }
  out.line(`Total: ${(totalMs / 1000).toFixed(1)} s, offline.`);
}
