/**
 * promote: gate a digest on its attestations (and on its promotion to the previous environment),
 * copy it by digest with its referrers, tag it last, and attach signed promotion evidence at the
 * target and at the source. A failed gate copies nothing.
 */
import { createHash } from "node:crypto";
import { InputError } from "@peptide/core";
import { copyImage, type ImageStore } from "@peptide/oci";
import { createSigningSession, type SigningSession } from "../sign/index.js";
import { attachBundle, fetchAttachedBundles, type FoundBundle } from "../store/index.js";
import { constrainsSigner, verifyBundles, type ArtifactVerificationReport, type Check, type VerificationPolicy } from "../verify/index.js";
import { findPromotions, promotionPredicateOf, promotionsIn } from "./evidence.js";
import { PROMOTION_PREDICATE_TYPE, type Approval, type Change, type PromoteOptions, type PromotionCheck, type PromotionResult, type PromotionStatement } from "./types.js";

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export async function promote(options: PromoteOptions): Promise<PromotionResult> {
  const { source, target, environment } = options;
  if (environment.trim() === "") throw new InputError("INPUT_INVALID", "the environment promoted to must be named");
  const base = { digest: source.digest, environment };
  const checks: PromotionCheck[] = [];
  if (!DIGEST.test(source.digest)) {
    checks.push({ name: "source-digest", ok: false, reason: `"${source.digest}" is not a digest (sha256:<64 hex>); promote a digest, never a tag` });
    return { ...base, status: "refused", checks };
  }
  checks.push({ name: "source-digest", ok: true, reason: `promoting ${source.name}@${source.digest}` });

  // 1. The gate. Nothing below writes until every check passed.
  // The source's bundles, read once: its attestations for the gate, its promotions for the previous check.
  const found = await fetchAttachedBundles(source.store, source.digest);
  const report = await gateAttestations(options, found);
  checks.push(attestationsCheck(report, options.policy));
  if (options.requirePrevious) checks.push(await previousCheck(options, options.requirePrevious, found));
  // After a failed check GitHub is not asked: the refusal names that check, not a missing permission.
  const passed = checks.every((c) => c.ok);
  const review = passed ? await reviewOf(options, report) : { approvals: options.approvals ?? [], authors: authorsGiven(options) };
  const approvals = passed || options.review === undefined ? approvalsCheck(options, review) : undefined;
  if (approvals) checks.push(approvals);
  if (checks.some((c) => !c.ok)) return { ...base, status: "refused", checks, report };

  // A finished promotion re-run: the copy finds everything there, and nothing is signed.
  const copyOptions = {
    from: { store: source.store, digest: source.digest },
    to: { store: target.store, ...(target.tag !== undefined ? { tag: target.tag } : {}) },
    ...(options.allowOverwrite ? { allowOverwrite: true } : {}),
  };
  if (await alreadyRecorded(options)) {
    const copy = await copyImage(copyOptions);
    return { ...base, status: copy.alreadyComplete ? "already-promoted" : "promoted", checks, report, copy };
  }

  // 2–3. Copy by digest with the referrers, tag last (immutable unless allowOverwrite). The
  // signing certificate is fetched meanwhile; the evidence is signed only once the copy is done.
  const made: Promise<SigningSession> =
    options.signing !== undefined && isSession(options.signing) ? Promise.resolve(options.signing) : createSigningSession(options.signing ?? {});
  const ready = made.then((session) => session.prepare());
  ready.catch(() => undefined); // awaited below; a copy failure must not leave it unhandled
  const copy = await copyImage(copyOptions);

  // 4. Evidence, once per environment and target: the copy may have carried it from the source.
  if (await alreadyRecorded(options)) return { ...base, status: copy.alreadyComplete ? "already-promoted" : "promoted", checks, report, copy };
  await ready;
  const session = await made;
  const now = options.now ?? new Date();
  const statement = promotionStatement(options, report, review, now);
  const bundle = await session.signStatement(statement);
  const bundleDigest = `sha256:${createHash("sha256").update(JSON.stringify(bundle)).digest("hex")}`;
  // The same `created` on both sides: the artifact manifests are byte-identical, so the next
  // promotion from the source finds the target's copy present and writes nothing.
  const [attachedAtTarget] = await Promise.all([
    attachBundle(target.store, source.digest, bundle, { created: now }),
    sameStore(source.store, target.store) ? Promise.resolve([]) : attachBundle(source.store, source.digest, bundle, { created: now }),
  ]);
  const manifest = attachedAtTarget[0]?.manifest;
  if (manifest === undefined) throw new InputError("INPUT_INVALID", `${target.store.location}: the promotion evidence was not attached`);
  return { ...base, status: "promoted", checks, report, copy, evidence: { statement, bundleDigest, manifest } };
}

/** The source's attestations (promotion evidence aside) against the environment's policy. */
async function gateAttestations(options: PromoteOptions, found: readonly FoundBundle[]): Promise<ArtifactVerificationReport> {
  const bundles = found.map((f) => f.bundle).filter((b) => promotionPredicateOf(b) === undefined);
  return verifyBundles(bundles, { sha256: options.source.digest }, options.policy, { trustedRoot: options.trustedRoot });
}

function attestationsCheck(report: ArtifactVerificationReport, policy: VerificationPolicy): PromotionCheck {
  if (report.ok) {
    const types = policy.predicateTypes?.length ? `; ${policy.predicateTypes.join(", ")} present` : "";
    return { name: "attestations", ok: true, reason: `${report.bundles.filter((b) => b.ok).length} of ${report.bundles.length} attestations pass the policy${types}` };
  }
  return { name: "attestations", ok: false, reason: failureSummary(report.checks, report.bundles.map((b) => b.checks)) };
}

/** "signer-workflow: …; predicate-types: …": the failing checks, each named once. */
function failureSummary(top: readonly Check[], perBundle: ReadonlyArray<readonly Check[]>): string {
  const seen = new Map<string, string>();
  for (const check of [...perBundle.flat(), ...top]) {
    if (check.ok || seen.has(check.name)) continue;
    // `bundle` from verifyBundles only counts; the per-bundle reasons say why.
    if (check.name === "bundle" && top.includes(check) && perBundle.some((c) => c.some((x) => !x.ok))) continue;
    seen.set(check.name, check.reason);
  }
  return [...seen].map(([name, reason]) => `${name}: ${reason}`).join("; ");
}

async function previousCheck(options: PromoteOptions, previous: NonNullable<PromoteOptions["requirePrevious"]>, sourceBundles: readonly FoundBundle[]): Promise<PromotionCheck> {
  const policy = previous.policy ?? promoterPolicy(options.policy);
  const found = await promotionsIn(sourceBundles, options.source.digest, { environment: previous.environment, policy, trustedRoot: options.trustedRoot });
  const trusted = found.find((f) => f.report.ok);
  if (trusted) {
    return { name: "previous-environment", ok: true, reason: `promoted to ${previous.environment} at ${trusted.predicate.promotedAt} (${trusted.predicate.target.name})` };
  }
  if (found.length === 0) {
    return { name: "previous-environment", ok: false, reason: `${options.source.digest} was never promoted to ${previous.environment}; promote it there first` };
  }
  return {
    name: "previous-environment",
    ok: false,
    reason: `the promotion to ${previous.environment} does not verify: ${failureSummary([], found.map((f) => f.report.checks))}`,
  };
}

/**
 * Who may have signed a previous promotion, by default: the same repository, issuer and runner
 * as the environment's policy asks of the build (the promoting workflow may be another file).
 */
function promoterPolicy(policy: VerificationPolicy): VerificationPolicy {
  const derived: VerificationPolicy = {};
  const repository = policy.sourceRepository ?? policy.signerWorkflow?.split("@")[0]?.split("/").slice(0, 2).join("/");
  if (repository) derived.sourceRepository = repository;
  for (const key of ["certificateOidcIssuer", "runnerEnvironment", "serverUrl"] as const) {
    const value = policy[key];
    if (value !== undefined) derived[key] = value;
  }
  for (const key of ["tlogThreshold", "timestampThreshold", "ctlogThreshold"] as const) {
    const value = policy[key];
    if (value !== undefined) derived[key] = value;
  }
  // Without a repository to pin, fall back to the build's own identity fields.
  if (!constrainsSigner(derived)) {
    if (policy.certificateIdentity !== undefined) derived.certificateIdentity = policy.certificateIdentity;
    if (policy.certificateIdentityRegexp !== undefined) derived.certificateIdentityRegexp = policy.certificateIdentityRegexp;
  }
  return derived;
}

interface Review {
  approvals: Approval[];
  /** Logins counted as authors of the change; the first is recorded as `author`. */
  authors: string[];
  change?: Change;
  /** Read from GitHub: no pull request brought the change, so its author is not established. */
  unreviewed?: boolean;
}

/**
 * The approvals (given, else read from `options.review`) and the change's authors (given, and
 * read for the commit the passing attestations were signed from when self-approval is forbidden).
 */
async function reviewOf(options: PromoteOptions, report: ArtifactVerificationReport): Promise<Review> {
  if (options.review !== undefined && options.approvals !== undefined) {
    throw new InputError("INPUT_INVALID", "approvals are read from the deployment review, or given; not both (given ones would stand in for the run's)");
  }
  const approvals = options.approvals ?? (options.review ? await options.review.approvals(options.environment) : []);
  const given = authorsGiven(options);
  const changes = changesOf(report);
  const change = changes.length === 1 ? changes[0] : undefined;
  const base = { approvals, ...(change ? { change } : {}) };
  if (!options.forbidSelfApproval || options.review === undefined) return { ...base, authors: given };
  const authors = new Map<string, string>(given.map((a) => [a.toLowerCase(), a]));
  let unreviewed = changes.length === 0;
  for (const c of changes) {
    const read = await options.review.authors(c);
    for (const login of read.logins) if (!authors.has(login.toLowerCase())) authors.set(login.toLowerCase(), login);
    if (read.pullRequests.length === 0) unreviewed = true;
  }
  return { ...base, authors: [...authors.values()], ...(unreviewed ? { unreviewed } : {}) };
}

function authorsGiven(options: PromoteOptions): string[] {
  return options.author !== undefined && options.author.trim() !== "" ? [options.author.trim()] : [];
}

/** The commits the passing attestations were signed from (Fulcio's source repository claims). */
function changesOf(report: ArtifactVerificationReport): Change[] {
  const out = new Map<string, Change>();
  for (const bundle of report.bundles) {
    const commit = bundle.ok ? bundle.identity?.sourceRepositoryDigest : undefined;
    const uri = bundle.identity?.sourceRepositoryUri;
    const repository = uri === undefined ? undefined : /^https:\/\/[^/]+\/([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(uri)?.[1];
    if (commit === undefined || repository === undefined || !/^[0-9a-f]{40}$/.test(commit)) continue;
    out.set(`${repository.toLowerCase()}@${commit}`, { repository, commit });
  }
  return [...out.values()];
}

function approvalsCheck(options: PromoteOptions, review: Review): PromotionCheck | undefined {
  const { approvals, authors } = review;
  const approvers = approvals.map((a) => a.user).join(", ");
  if (!options.forbidSelfApproval) {
    return approvals.length === 0 ? undefined : { name: "approvals", ok: true, reason: `approved by ${approvers}` };
  }
  const where = review.change ? `${review.change.repository}@${review.change.commit.slice(0, 12)}` : "the change";
  if (review.unreviewed) {
    return {
      name: "approvals",
      ok: false,
      reason: `no pull request brought ${where}, so its author is not established (a commit's author email can be forged) and an approval by someone else cannot be shown; ship changes through pull requests`,
    };
  }
  if (authors.length === 0) {
    return { name: "approvals", ok: false, reason: `${review.change ? `no GitHub user is linked to ${where}` : "the author of the change is unknown"}, so an approval by someone else cannot be shown` };
  }
  const lower = new Set(authors.map((a) => a.toLowerCase()));
  const self = approvals.filter((a) => lower.has(a.user.toLowerCase()));
  const who = authors.join(", ");
  if (self.length > 0) return { name: "approvals", ok: false, reason: `${self[0]?.user} approved their own change; an approver other than the author (${who}) is required` };
  if (approvals.length === 0) return { name: "approvals", ok: false, reason: `no approval recorded; an approver other than the author (${who}) is required` };
  return { name: "approvals", ok: true, reason: `approved by ${approvers}, not the author (${who})` };
}

/** A verified promotion to this environment and target already on the target's copy. */
async function alreadyRecorded(options: PromoteOptions): Promise<boolean> {
  const found = await findPromotions(options.target.store, options.source.digest, {
    environment: options.environment,
    policy: promoterPolicy(options.policy),
    trustedRoot: options.trustedRoot,
  });
  return found.some((f) => f.report.ok && f.predicate.target.name === options.target.name && f.predicate.target.tag === options.target.tag);
}

function promotionStatement(options: PromoteOptions, report: ArtifactVerificationReport, review: Review, now: Date): PromotionStatement {
  const { source, target } = options;
  const reportDigest = createHash("sha256").update(JSON.stringify(report)).digest("hex");
  return {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: target.name, digest: { sha256: source.digest.slice("sha256:".length) } }],
    predicateType: PROMOTION_PREDICATE_TYPE,
    predicate: {
      environment: options.environment,
      source: { name: source.name, digest: source.digest },
      target: { name: target.name, ...(target.tag !== undefined ? { tag: target.tag } : {}) },
      digest: source.digest,
      verification: {
        reportDigest: { sha256: reportDigest },
        policy: options.policy,
        ...(options.requirePrevious ? { previousEnvironment: options.requirePrevious.environment } : {}),
      },
      approvals: review.approvals,
      ...(review.authors[0] !== undefined ? { author: review.authors[0] } : {}),
      ...(review.authors.length > 1 ? { authors: review.authors } : {}),
      ...(review.change ? { change: review.change } : {}),
      ...(options.runUrl !== undefined ? { runUrl: options.runUrl } : {}),
      promotedAt: now.toISOString(),
    },
  };
}

function isSession(value: object): value is SigningSession {
  return typeof (value as Partial<SigningSession>).signStatement === "function";
}

function sameStore(a: ImageStore, b: ImageStore): boolean {
  return a === b || a.location === b.location;
}
