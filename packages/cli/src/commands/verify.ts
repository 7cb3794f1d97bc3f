/**
 * `peptide verify`: verification of a Sigstore bundle against a trusted root, from a file
 * (offline: nothing fetched) or through TUF (Sigstore's public-good repository or a private
 * mirror). Imports only the verification part of @peptide/attest (no signing, provenance or
 * workflow code, and the TUF client only when it is used), so the command loads fast.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "@peptide/core";
import {
  constrainsSigner,
  formatArtifactReportText,
  formatReportText,
  loadTrustedRoot,
  sha256Of,
  verifyBundle,
  verifyBundles,
  type Artifact,
  type ArtifactVerificationReport,
  type VerificationReport,
} from "@peptide/attest/verify";
import { listFlag, oneOf, parseCommandArgs, stringFlag } from "../args.js";
import { EXIT, type CliIO } from "../io.js";
import { POLICY_FLAGS, policyOf } from "../verify-policy.js";
import { trustedRootSourceOf } from "../trusted-root-flags.js";

const HELP = `usage: peptide verify <path|host/repo@sha256:hex|layout-dir@sha256:hex> [--trusted-root FILE] [policy] [options]

Verifies a Sigstore bundle for a file (or an image digest, in a registry or an OCI layout
directory): the certificate chain, the
transparency log entry or timestamp, the signature, the subject digest, and the signer against
the policy. Exit 0 when every check passes, 1 when any fails, 2 for bad usage or unreadable input.

options:
  --bundle FILE                the bundle (default: <path>.sigstore.json; for an image, the
                               bundles attached to it in the registry or layout); a .jsonl file holds
                               one bundle a line, and one of them must pass
  --trusted-root FILE          Sigstore trusted_root.json, for air-gapped use: nothing is
                               fetched. Without it the trusted root comes through TUF from
                               Sigstore's public-good repository (cached in
                               $XDG_CACHE_HOME/peptide/tuf; used offline while fresh)
  --tuf-mirror URL             a private TUF mirror instead of the public-good one
  --tuf-root FILE              the mirror's initial root.json (needed on first use of a
                               private mirror; trusted on first use)
  --format text|json           report format (default: text)
  --insecure-registry HOST     allow plain HTTP to HOST (loopback hosts always are)

policy (who must have signed; at least one of the first four, or --policy):
  --certificate-identity SAN          exact subject alternative name
  --certificate-identity-regexp RE    regexp over the SAN, anchored at both ends
  --signer-workflow OWNER/REPO/PATH[@REF]
                                      the workflow that signed (e.g.
                                      acme/pay/.github/workflows/release.yml)
  --source-repository OWNER/REPO      the repository built from
  --certificate-oidc-issuer URL       exact OIDC issuer
  --source-ref GLOB                   e.g. refs/tags/v*
  --source-digest SHA                 the commit built from
  --runner-environment github-hosted  refuse self-hosted runners
  --deployment-environment NAME       the job's environment
  --predicate-type URI                required attestation type (repeatable)
  --policy FILE                       these fields in a JSON or YAML file (flags win)
`;

const FORMATS = ["text", "json"] as const;

export async function verifyCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("verify", argv, {
    bundle: { type: "string" },
    "trusted-root": { type: "string" },
    "tuf-mirror": { type: "string" },
    "tuf-root": { type: "string" },
    policy: { type: "string" },
    format: { type: "string" },
    "predicate-type": { type: "string", multiple: true },
    "insecure-registry": { type: "string", multiple: true },
    ...Object.fromEntries(POLICY_FLAGS.map((flag) => [flag, { type: "string" as const }])),
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError("INPUT_INVALID", "give one artifact: a file or an image by digest (host/repo@sha256:hex); see `peptide verify --help`");
  const target = positionals[0] as string;
  const format = oneOf("format", stringFlag(values.format), FORMATS, "text");
  const trustedRootSource = trustedRootSourceOf(values, io);
  const policy = await policyOf(values, io.cwd);
  if (!constrainsSigner(policy)) {
    throw new InputError(
      "INPUT_INVALID",
      "say who must have signed: --certificate-identity, --certificate-identity-regexp, --signer-workflow or --source-repository (or --policy FILE)",
    );
  }

  const image = target.includes("@sha256:");
  const bundleFlag = stringFlag(values.bundle);
  const digest = image ? sha256Of(target.slice(target.lastIndexOf("@sha256:") + 1)) : undefined;
  const artifact: Artifact = digest !== undefined ? { sha256: digest } : await fileArtifact(target, io.cwd);
  const subject = digest !== undefined ? { name: target, sha256: digest } : { name: target };
  const print = (bundle: string, report: VerificationReport | ArtifactVerificationReport, text: string): number => {
    io.stdout(format === "json" ? `${JSON.stringify({ version: 1, artifact: subject, bundle, ...report })}\n` : `${text}\n`);
    return report.ok ? EXIT.ok : EXIT.findings;
  };

  if (digest !== undefined && bundleFlag === undefined) {
    // The registry client is loaded only for this case, so verifying a file stays light.
    const { bundlesOfImage } = await import("../image-bundles.js");
    const trustedRoot = await loadTrustedRoot(trustedRootSource);
    const bundles = await bundlesOfImage(target, digest, { insecure: listFlag(values["insecure-registry"]), cwd: io.cwd });
    const report = await verifyBundles(bundles, artifact, policy, { trustedRoot });
    return print("registry", report, formatArtifactReportText(report));
  }
  const bundleFile = bundleFlag ?? `${target}.sigstore.json`;
  const bundleText = await readFile(path.resolve(io.cwd, bundleFile), "utf8").catch((cause: unknown) => {
    throw new InputError("INPUT_NOT_FOUND", `${bundleFile}: bundle cannot be read${bundleFlag === undefined ? "; pass --bundle FILE" : ""}`, { cause });
  });
  const trustedRoot = await loadTrustedRoot(trustedRootSource);
  if (/\.jsonl$/i.test(bundleFile)) {
    const lines = bundleText.split("\n").filter((line) => line.trim() !== "");
    const report = await verifyBundles(lines, artifact, policy, { trustedRoot });
    return print(bundleFile, report, formatArtifactReportText(report));
  }
  const report = await verifyBundle(bundleText, artifact, policy, { trustedRoot });
  return print(bundleFile, report, formatReportText(report));
}

async function fileArtifact(file: string, cwd: string): Promise<Artifact> {
  const absolute = path.resolve(cwd, file);
  const info = await stat(absolute).catch((cause: unknown) => {
    throw new InputError("INPUT_NOT_FOUND", `${file}: no such file`, { cause });
  });
  if (!info.isFile()) throw new InputError("INPUT_INVALID", `${file}: not a regular file`);
  return { path: absolute };
}

/** The policy names the signer; without that any Sigstore identity would pass. */
