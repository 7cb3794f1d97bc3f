import { createSigningSession, promote, type PromotionResult, type TrustRoot, type VerificationPolicy } from "@peptide/attest";
import { OciLayout, type ImageStore } from "@peptide/oci";
import type { SigstoreStandin } from "@peptide/testkit";
import { RELEASE } from "./attest-step.js";
import type { DemoPrinter } from "./print.js";

/** The promotion job the demo plays: a workflow_dispatch of promote.yml, bound to each environment. */
const PROMOTER = { workflowPath: ".github/workflows/promote.yml", approver: "ana-ruiz" } as const;

export interface PromotionStores {
  staging: OciLayout;
  production: OciLayout;
}

/**
 * dev → staging → production in the embedded layout store: first the two refusals a release
 * manager must see (production before staging; an unsigned hotfix), then the two promotions,
 * each gated, copied by digest with its attestations, tagged last and recorded as signed evidence.
 */
export async function promoteSteps(input: {
  out: DemoPrinter;
  sigstore: SigstoreStandin;
  dev: ImageStore;
  digest: string;
  hotfixDigest: string;
  tag: string;
  policy: VerificationPolicy;
  trustedRoot: TrustRoot;
  dirs: { staging: string; production: string };
}): Promise<{ stores: PromotionStores; promoted: PromotionResult[] }> {
  const { out, sigstore, dev, digest, hotfixDigest, tag, policy, trustedRoot } = input;
  const stores = { staging: await OciLayout.create(input.dirs.staging), production: await OciLayout.create(input.dirs.production) };
  const signing = async (environment: string) =>
    createSigningSession({
      fulcioURL: sigstore.fulcioURL,
      rekorURL: sigstore.rekorURL,
      tsa: false,
      identityToken: sigstore.oidc.mintToken({ repository: RELEASE.repository, workflow_path: PROMOTER.workflowPath, ref: "refs/heads/main", event_name: "workflow_dispatch", environment }),
    });
  const run = async (environment: "staging" | "production", source: { store: ImageStore; name: string }, subject: string, requirePrevious?: string) =>
    promote({
      source: { ...source, digest: subject },
      target: { store: stores[environment], tag, name: environment },
      environment,
      policy,
      trustedRoot,
      requirePrevious: requirePrevious ? { environment: requirePrevious } : undefined,
      signing: await signing(environment),
      approvals: [{ user: PROMOTER.approver, at: new Date().toISOString() }],
      author: RELEASE.actor,
      forbidSelfApproval: true,
      runUrl: `https://github.com/${RELEASE.repository}/actions/runs/13824461002/attempts/1`,
    });
  const show = (label: string, result: PromotionResult) => {
    if (result.status === "refused") {
      out.line(`  ${label}: ${out.red("refused")}, nothing copied`);
      for (const check of result.checks.filter((c) => !c.ok)) out.line(`      FAIL ${check.name}: ${check.reason}`);
      return;
    }
    const copy = result.copy;
    const copied = copy ? `${copy.mountedBlobs + copy.copiedBlobs + copy.skippedBlobs} blobs, ${copy.referrers.length} attestations carried, tag written last` : "nothing to copy";
    out.line(`  ${label}: ${out.green(result.status)} (${copied}); evidence ${result.evidence?.bundleDigest.slice(0, 19) ?? "already recorded"}…, approved by ${PROMOTER.approver} (not the author, ${RELEASE.actor})`);
  };

  show(`production before staging   ${digest.slice(0, 19)}…`, await run("production", { store: dev, name: "dev" }, digest, "staging"));
  show(`unsigned hotfix to staging   ${hotfixDigest.slice(0, 19)}…`, await run("staging", { store: dev, name: "dev" }, hotfixDigest));
  const staging = await run("staging", { store: dev, name: "dev" }, digest);
  show(`dev → staging                ${digest.slice(0, 19)}…`, staging);
  const production = await run("production", { store: stores.staging, name: "staging" }, digest, "staging");
  show(`staging → production         ${digest.slice(0, 19)}…`, production);
  return { stores, promoted: [staging, production] };
}
