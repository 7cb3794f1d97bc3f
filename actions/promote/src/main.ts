import { log, setOutput, writeSummary } from "@peptide/action-kit";
import { actionRegistryClient } from "@peptide/action-kit/attest";
import { githubReviewFromEnv, loadTrustedRoot, runUrlFromEnv, promote, type DeploymentReview, type PromotionResult, type SigningOptions, type TrustedRootSource } from "@peptide/attest";
import { InputError, isPeptideError } from "@peptide/core";
import { parseReference } from "@peptide/oci";
import { environmentPolicy } from "./environment-policy.js";
import { checkJobEnvironment } from "./job-environment.js";
import { promotionMarkdown } from "./summary.js";

export interface PromoteInputs {
  /** host/repo@sha256:<hex>. */
  source: string;
  /** host/repo[:tag]. */
  to: string;
  environment: string;
  /** Overrides the policy file's `require-previous`. */
  requirePrevious: string | undefined;
  /** Overrides the policy file's `forbid-self-approval`. */
  forbidSelfApproval: boolean | undefined;
  /** `github`: the run's deployment approvals and the change's authors from the GitHub REST API. */
  approvals: "github" | "none";
  policyFile: string | undefined;
  /** Identity fields from inputs, flag spelling (as actions/verify reads them). */
  policyInputs: Record<string, string | string[]>;
  /** A trusted_root.json (nothing fetched), or TUF: the public-good repository or a mirror. */
  trustedRoot: TrustedRootSource;
  allowOverwrite: boolean;
  insecureRegistries: string[];
  /** ghcr.io credentials when the docker config has none. */
  githubToken: string | undefined;
  /** Where the promotion attestation is signed (no identity: the job's OIDC token, masked). */
  signing: SigningOptions;
  showSummary: boolean;
  workspace: string;
  env: NodeJS.ProcessEnv;
}

export async function run(inputs: PromoteInputs): Promise<PromotionResult> {
  if (inputs.githubToken !== undefined) log.mask(inputs.githubToken);
  const { source, target } = referencesOf(inputs);
  const { policy, requirePrevious, forbidSelfApproval } = await environmentPolicy(inputs);
  const trustedRoot = await loadTrustedRoot(inputs.trustedRoot);
  const client = actionRegistryClient({ insecure: inputs.insecureRegistries, githubToken: inputs.githubToken, env: inputs.env });
  const runUrl = runUrlFromEnv(inputs.env);
  const review = reviewOf(inputs, forbidSelfApproval);
  if (forbidSelfApproval) await checkJobEnvironment(inputs.env, inputs.environment);

  const result = await promote({
    source: { store: client.store(source), digest: source.digest, name: source.name },
    target: { store: client.store(target), ...(target.tag === undefined ? {} : { tag: target.tag }), name: target.name },
    environment: inputs.environment,
    policy,
    trustedRoot,
    ...(requirePrevious === undefined ? {} : { requirePrevious: { environment: requirePrevious } }),
    signing: { ...inputs.signing, env: inputs.env, onIdentityToken: (token) => log.mask(token) },
    ...(runUrl === undefined ? {} : { runUrl }),
    ...(review === undefined ? {} : { review }),
    ...(forbidSelfApproval ? { forbidSelfApproval: true } : {}),
    allowOverwrite: inputs.allowOverwrite,
  }).catch((err: unknown) => {
    // The copy refuses to move a tag; the fix is this action's input.
    if (isPeptideError(err) && err.code === "TAG_IMMUTABLE") {
      throw new InputError("INPUT_INVALID", `${err.message.replace(/ or allow overwriting$/, "")}, or set "allow-overwrite: true"`, { cause: err });
    }
    throw err;
  });

  const targetRef = `${target.name}${target.tag === undefined ? "" : `:${target.tag}`}@${result.digest}`;
  for (const check of result.checks) log.info(`${check.ok ? "pass" : "FAIL"} ${check.name}: ${check.reason}`);
  setOutput("status", result.status);
  setOutput("digest", result.digest);
  setOutput("target", targetRef);
  setOutput("evidence-digest", result.evidence?.manifest.digest ?? "");
  if (inputs.showSummary) await writeSummary(promotionMarkdown({ source: `${source.name}@${source.digest}`, target: targetRef, result }));
  if (result.status === "refused") {
    const failed = result.checks.find((c) => !c.ok);
    log.fail(`promotion of ${source.name}@${source.digest} to ${inputs.environment} refused: ${failed ? `${failed.name}: ${failed.reason}` : "the gate failed"}`);
  } else {
    log.info(`${source.name}@${result.digest} ${result.status === "promoted" ? "promoted" : "was already promoted"} to ${inputs.environment} at ${targetRef}`);
  }
  return result;
}

/** The source must name a digest (never a bare tag); the target names a repository and maybe a tag, never a digest. */
function referencesOf(inputs: PromoteInputs): { source: { registry: string; repository: string; name: string; digest: string }; target: { registry: string; repository: string; name: string; tag?: string } } {
  const source = parseReference(inputs.source);
  if (source.digest === undefined) {
    throw new InputError("INPUT_INVALID", `input "source" must name a digest (host/repo@sha256:<hex>), not a tag: promote the bytes that were tested, e.g. ${source.registry}/${source.repository}@\${{ needs.build.outputs.digest }}`);
  }
  const target = parseReference(inputs.to);
  if (target.digest !== undefined) throw new InputError("INPUT_INVALID", 'input "to" names a repository and an optional tag (host/repo[:tag]), not a digest: the digest is the source\'s');
  // parseReference reads a missing tag as `latest`: only a tag the user wrote is set.
  const tagged = (inputs.to.trim().split("/").pop() ?? "").includes(":");
  return {
    source: { registry: source.registry, repository: source.repository, name: `${source.registry}/${source.repository}`, digest: source.digest },
    target: { registry: target.registry, repository: target.repository, name: `${target.registry}/${target.repository}`, ...(tagged && target.tag !== undefined ? { tag: target.tag } : {}) },
  };
}

/**
 * The deployment's approvals and the change's authors, from the GitHub REST API of the run. When
 * self-approval is forbidden a failure to read them fails the promotion (the error names the
 * permission); otherwise the evidence records no approval and the log says why.
 */
function reviewOf(inputs: PromoteInputs, forbidSelfApproval: boolean): DeploymentReview | undefined {
  if (inputs.approvals === "none") {
    if (forbidSelfApproval) throw new InputError("INPUT_INVALID", '"forbid-self-approval" needs the approvals of the run: set "approvals: github"');
    return undefined;
  }
  const review = githubReviewFromEnv(inputs.env, inputs.githubToken, '"github-token"');
  if ("missing" in review) {
    if (forbidSelfApproval) throw new InputError("INPUT_INVALID", `"forbid-self-approval" needs ${review.missing.join(", ")} to read the approvals of the run`);
    return undefined;
  }
  if (forbidSelfApproval) return review;
  return {
    approvals: (environment) =>
      review.approvals(environment).catch((err: unknown) => {
        log.warning(`the approvals of run ${inputs.env.GITHUB_RUN_ID ?? "?"} could not be read, so the evidence records none: ${err instanceof Error ? err.message : String(err)}`);
        return [];
      }),
    authors: (change) => review.authors(change),
  };
}
