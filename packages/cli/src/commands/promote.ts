/**
 * `peptide promote`: gate an image digest on its attestations against the environment's policy
 * (and on its promotion to the previous environment), copy it by digest with its referrers to
 * the target, tag it last, and attach signed promotion evidence. See docs/promotion.md.
 */
import path from "node:path";
import { InputError } from "@peptide/core";
import { readPolicyFile } from "@peptide/attest/verify";
import { constrainsSigner, environmentPolicyFields, githubReviewFromEnv, runUrlFromEnv, loadTrustedRoot, promote, type DeploymentReview, type PromotionResult, type SigningOptions } from "@peptide/attest";
import { openImage, RegistryClient } from "@peptide/oci";
import { listFlag, oneOf, parseCommandArgs, stringFlag, type FlagValue } from "../args.js";
import { identitySource } from "../identity-env.js";
import { openTarget, type Target } from "../open-target.js";
import { trustedRootSourceOf } from "../trusted-root-flags.js";
import { EXIT, type CliIO } from "../io.js";
import { POLICY_FLAGS, policyOf } from "../verify-policy.js";

const HELP = `usage: peptide promote <host/repo@sha256:hex|layout-dir@sha256:hex> --to <host/repo[:tag]|layout-dir[:tag]>
                       --environment NAME [policy] [options]

Promotes one image digest: verifies its attestations against the environment's policy, copies
it by digest with its referrers (signatures, SBOM, provenance) to the target, writes the tag
last, and attaches a signed promotion attestation at the target and the source. A failed check
copies nothing. Exit 0 when promoted or already promoted, 1 when refused, 2 for bad usage.

options:
  --to REF                     the target repository or OCI layout directory, with a tag
  --environment NAME           the environment promoted to (staging, production)
  --require-previous ENV       the digest must carry a verified promotion to ENV first
  --allow-overwrite            move a target tag that names another digest (default: refused)
  --approved-by USER[@TIME]    an approval of the deployment (repeatable), recorded in the evidence
  --author USER                the author of the change
  --approvals-from github      read the approvals of this run's deployment and, with
                               --forbid-self-approval, the signed commit's authors from the GitHub
                               REST API (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_TOKEN)
  --forbid-self-approval       require an approval by someone other than the author
  --run-url URL                the promoting run (default: from GITHUB_* variables)
  --trusted-root FILE          Sigstore trusted_root.json (air-gapped; default: through TUF)
  --tuf-mirror URL             a private TUF mirror instead of Sigstore's public-good one
  --tuf-root FILE              the mirror's initial root.json (first use of a private mirror)
  --insecure-registry HOST     allow plain HTTP to HOST (loopback hosts always are)
  --fulcio-url URL, --rekor-url URL, --tsa-url URL
                               the Sigstore services signing the evidence
  --format text|json           report format (default: text)

policy (as for peptide verify; at least one of the first four, or --policy):
  --certificate-identity SAN, --certificate-identity-regexp RE, --signer-workflow OWNER/REPO/PATH[@REF],
  --source-repository OWNER/REPO, --certificate-oidc-issuer URL, --source-ref GLOB, --source-digest SHA,
  --runner-environment github-hosted, --deployment-environment NAME, --predicate-type URI (repeatable),
  --policy FILE
`;

export async function promoteCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("promote", argv, {
    to: { type: "string" },
    environment: { type: "string" },
    "require-previous": { type: "string" },
    "allow-overwrite": { type: "boolean" },
    "approved-by": { type: "string", multiple: true },
    author: { type: "string" },
    "approvals-from": { type: "string" },
    "forbid-self-approval": { type: "boolean" },
    "run-url": { type: "string" },
    "trusted-root": { type: "string" },
    "tuf-mirror": { type: "string" },
    "tuf-root": { type: "string" },
    "insecure-registry": { type: "string", multiple: true },
    "fulcio-url": { type: "string" },
    "rekor-url": { type: "string" },
    "tsa-url": { type: "string" },
    format: { type: "string" },
    policy: { type: "string" },
    "predicate-type": { type: "string", multiple: true },
    ...Object.fromEntries(POLICY_FLAGS.map((flag) => [flag, { type: "string" as const }])),
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError("INPUT_INVALID", "give one source image by digest (host/repo@sha256:hex); see `peptide promote --help`");
  const source = positionals[0] as string;
  if (!/@sha256:[0-9a-f]{64}$/.test(source)) {
    throw new InputError("INPUT_INVALID", `the source must name a digest (host/repo@sha256:<64 hex>), never a bare tag: "${source}" can move between the check and the copy`);
  }
  const to = stringFlag(values.to);
  if (to === undefined) throw new InputError("INPUT_INVALID", "--to is required: the target repository or layout directory, with a tag");
  const environment = stringFlag(values.environment);
  if (environment === undefined || environment.trim() === "") throw new InputError("INPUT_INVALID", "--environment is required: the environment promoted to");
  const format = stringFlag(values.format) ?? "text";
  if (format !== "text" && format !== "json") throw new InputError("INPUT_INVALID", `--format must be text or json, not "${format}"`);
  // A policy file may hold per-environment overrides and rules, as actions/promote reads it.
  const policyFile = stringFlag(values.policy);
  const environmentFile = policyFile === undefined ? undefined : environmentPolicyFields(await readPolicyFile(path.resolve(io.cwd, policyFile), `--policy ${policyFile}`), environment.trim(), `--policy ${policyFile}`);
  const policy = await policyOf(values, io.cwd, environmentFile?.fields);
  if (!constrainsSigner(policy)) {
    throw new InputError("INPUT_INVALID", "say who must have signed: --certificate-identity, --certificate-identity-regexp, --signer-workflow or --source-repository (or --policy FILE)");
  }
  identitySource(io.env, "the promotion evidence");
  const approvals = listFlag(values["approved-by"]).map(approvalOf);
  const trustedRoot = await loadTrustedRoot(trustedRootSourceOf(values, io));

  const client = new RegistryClient({ insecure: listFlag(values["insecure-registry"]) });
  const opened = await openImage(source, { cwd: io.cwd, client });
  const digest = source.slice(source.lastIndexOf("@") + 1);
  const target = await openTarget(to, io.cwd, client);
  const previous = stringFlag(values["require-previous"]) ?? environmentFile?.rules.requirePrevious;
  const author = stringFlag(values.author);
  const review = reviewOf(oneOf("approvals-from", stringFlag(values["approvals-from"]), ["github", "none"] as const, "none"), io.env);
  if (review !== undefined && approvals.length > 0) throw new InputError("INPUT_INVALID", "--approved-by and --approvals-from github: give one; with GitHub the run's approvals are the record");
  const runUrl = stringFlag(values["run-url"]) ?? runUrlFromEnv(io.env);
  const result = await promote({
    source: { store: opened.store, digest, name: opened.name },
    target,
    environment: environment.trim(),
    policy,
    trustedRoot,
    ...(previous !== undefined ? { requirePrevious: { environment: previous } } : {}),
    signing: signingOptions(values, io.env),
    ...(approvals.length > 0 ? { approvals } : {}),
    ...(author !== undefined ? { author } : {}),
    ...(review !== undefined ? { review } : {}),
    ...(values["forbid-self-approval"] === true || environmentFile?.rules.forbidSelfApproval ? { forbidSelfApproval: true } : {}),
    ...(runUrl !== undefined ? { runUrl } : {}),
    ...(values["allow-overwrite"] === true ? { allowOverwrite: true } : {}),
  });
  io.stdout(format === "json" ? `${JSON.stringify({ version: 1, ...summaryOf(result, target) })}\n` : formatText(result, target));
  return result.status === "refused" ? EXIT.findings : EXIT.ok;
}

/** `USER` or `USER@TIME` (RFC 3339); the time defaults to now. */
function approvalOf(text: string): { user: string; at: string } {
  const at = text.indexOf("@");
  const user = (at < 0 ? text : text.slice(0, at)).trim();
  const time = at < 0 ? new Date() : new Date(text.slice(at + 1));
  if (user === "" || Number.isNaN(time.getTime())) throw new InputError("INPUT_INVALID", `--approved-by ${text}: expected USER or USER@TIME (an RFC 3339 time)`);
  return { user, at: time.toISOString() };
}

/** `--approvals-from github`: the run's reviews and the change's authors through the GitHub REST API. */
function reviewOf(from: "github" | "none", env: NodeJS.ProcessEnv): DeploymentReview | undefined {
  if (from === "none") return undefined;
  const review = githubReviewFromEnv(env, env.GITHUB_TOKEN, "GITHUB_TOKEN");
  if ("missing" in review) throw new InputError("INPUT_INVALID", `--approvals-from github needs ${review.missing.join(", ")} (set in a GitHub Actions job; pass GITHUB_TOKEN: \${{ github.token }})`);
  return review;
}

function signingOptions(values: Record<string, FlagValue>, env: NodeJS.ProcessEnv): SigningOptions {
  const fulcioURL = stringFlag(values["fulcio-url"]);
  const rekorURL = stringFlag(values["rekor-url"]);
  const tsaURL = stringFlag(values["tsa-url"]);
  return { env, ...(fulcioURL !== undefined ? { fulcioURL } : {}), ...(rekorURL !== undefined ? { rekorURL } : {}), ...(tsaURL !== undefined ? { tsaURL } : {}) };
}

function summaryOf(result: PromotionResult, target: Target) {
  return {
    status: result.status,
    environment: result.environment,
    digest: result.digest,
    target: { name: target.name, ...(target.tag !== undefined ? { tag: target.tag } : {}) },
    checks: result.checks,
    ...(result.copy ? { copy: result.copy } : {}),
    ...(result.evidence ? { evidence: { bundleDigest: result.evidence.bundleDigest, manifest: result.evidence.manifest.digest, statement: result.evidence.statement } } : {}),
  };
}

function formatText(result: PromotionResult, target: Target): string {
  const lines = result.checks.map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.reason}`);
  const where = `${target.name}${target.tag !== undefined ? `:${target.tag}` : ""}`;
  if (result.status === "refused") {
    const failing = result.checks.filter((c) => !c.ok).map((c) => c.name);
    lines.push(`refused: ${result.digest} was not promoted to ${result.environment} (${failing.join(", ")} failed); nothing was copied`);
  } else if (result.status === "already-promoted") {
    lines.push(`already promoted: ${where} is ${result.digest} in ${result.environment}; nothing to do`);
  } else {
    const copy = result.copy;
    if (copy) lines.push(`copied ${copy.copiedBlobs} blobs (${copy.bytesUploaded} bytes), mounted ${copy.mountedBlobs}, present ${copy.skippedBlobs}; ${copy.referrers.length} referrers`);
    if (result.evidence) lines.push(`evidence ${result.evidence.manifest.digest} (bundle ${result.evidence.bundleDigest})`);
    lines.push(`promoted: ${where} is ${result.digest} in ${result.environment}`);
  }
  return `${lines.join("\n")}\n`;
}
