import { isScalar, type Node } from "yaml";
import { entries, scalarText, valueOf, type Position, type SourceFile } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { allSteps } from "../walk.js";
import { stepAction } from "../step-inputs.js";
import { PRIVATE_KEY_HEADER, TOKEN_PATTERNS, entropy, isPlaceholder, looksRandom, mask } from "../credentials/token-patterns.js";

/** Names under which a value is a credential: `*_TOKEN`, `password`, `api-key`, `CLIENT_SECRET`... */
const CREDENTIAL_NAME = /(?:^|[_-])(?:password|passwd|pass|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token|credentials?|key)$/i;
/** Names that end like a credential but hold something public or structural. */
const NOT_CREDENTIAL_NAME = /(?:public|cache|ssh[_-]?known|primary|partition|sort|idempotency|hash)[_-]?key$|^key$|(?:^|[_-])id[_-]?token$|token[_-]?(?:format|type)$/i;
/** Actions whose password input logs in to a registry: any literal there is a real password. */
const LOGIN_ACTIONS = new Set(["docker/login-action", "azure/docker-login", "redhat-actions/podman-login"]);

/**
 * Credentials written into the workflow file itself: visible to everyone who can read the
 * repository, kept forever in its history, and never masked in logs.
 */
export const hardcodedCredentials: Rule = {
  id: "hardcoded-credentials",
  title: "Credential written in the workflow",
  severity: "high",
  confidence: "high",
  check(ctx) {
    const reported = new Set<number>();
    knownFormats(ctx, reported);
    privateKeys(ctx, reported);
    namedValues(ctx, reported);
  },
};

/** Provider token formats anywhere in the file, comments and scripts included. */
function knownFormats(ctx: RuleContext, reported: Set<number>): void {
  const source = ctx.target.source;
  if (!TOKEN_PREFILTER.test(source.text)) return;
  const lines = source.text.split("\n");
  lines.forEach((text, i) => {
    for (const pattern of TOKEN_PATTERNS) {
      pattern.re.lastIndex = 0;
      for (const m of text.matchAll(pattern.re)) {
        const token = m[0];
        if (isPlaceholder(token) || entropy(token) < 3) continue;
        if (expressionAround(text, m.index ?? 0)) continue;
        if (reported.has(i + 1)) return;
        reported.add(i + 1);
        ctx.report({
          at: { line: i + 1, column: (m.index ?? 0) + 1 },
          severity: pattern.severity,
          message: `line ${i + 1} contains a literal ${pattern.what} (${mask(token)}); revoke it now (it is in the repository's history), then store the replacement as an encrypted secret and read it with \${{ secrets.NAME }}`,
        });
      }
    }
  });
}

/** Cheap test on the whole file for any token format's fixed part, before the per-line scan. */
const TOKEN_PREFILTER = /A[KS]IA|AB?IA|ACCA|gh[pousr]_|github_pat_|xox[abposr]-|hooks\.slack\.com|k_live_|npm_|pypi-|glpat-|dckr_pat_|SG\.|AIza/;

/** A match inside `${{ ... }}` is an expression's text, not a value. */
function expressionAround(line: string, at: number): boolean {
  const open = line.lastIndexOf("${{", at);
  return open >= 0 && line.indexOf("}}", open) > at;
}

/** A PEM private key header followed by key material. */
function privateKeys(ctx: RuleContext, reported: Set<number>): void {
  if (!ctx.target.source.text.includes("PRIVATE KEY")) return;
  const lines = ctx.target.source.text.split("\n");
  lines.forEach((text, i) => {
    const m = PRIVATE_KEY_HEADER.exec(text);
    if (!m || reported.has(i + 1)) return;
    const next = lines.slice(i + 1, i + 4).map((l) => l.trim()).find((l) => l !== "");
    const inline = text.slice((m.index ?? 0) + m[0].length).trim();
    const body = /^[A-Za-z0-9+/=]{40,}/.test(inline) ? inline : next ?? "";
    if (!/^[A-Za-z0-9+/=]{40,}$/.test(body.split(/\s/)[0] ?? "")) return;
    reported.add(i + 1);
    ctx.report({
      at: { line: i + 1, column: (m.index ?? 0) + 1 },
      severity: "critical",
      message: `line ${i + 1} starts a literal private key (${mask(m[0])}); revoke the key pair now (it is in the repository's history), then store the replacement as an encrypted secret, or better, sign keylessly with the job's OIDC identity`,
    });
  });
}

/** Literal values under credential names: env, `with:` inputs, container credentials, reusable-workflow secrets. */
function namedValues(ctx: RuleContext, reported: Set<number>): void {
  const { target } = ctx;
  const source = target.source;
  const check = (node: Node | null | undefined, at: Position, name: string, where: string, strict: boolean, job?: JobModel, step?: number) => {
    const value = isScalar(node) ? scalarText(node) : undefined;
    if (value === undefined || reported.has(at.line)) return;
    const text = value.trim();
    if (text === "" || text.includes("${{") || /^\$\{?\w+\}?$/.test(text) || /^(?:true|false|yes|no|on|off|\d+)$/i.test(text)) return;
    if (strict ? isPlaceholder(text) : !looksRandom(text)) return;
    reported.add(at.line);
    ctx.report({
      at,
      job: job?.id,
      step,
      confidence: strict ? "high" : "medium",
      message: `${name} in ${where} is a literal credential (${mask(text)}); revoke it if it was ever real, store it as an encrypted secret and pass \${{ secrets.NAME }} instead`,
    });
  };
  const envBlock = (node: Node | undefined, where: string, job?: JobModel, step?: number) => {
    for (const [name, pair] of entries(node)) {
      if (CREDENTIAL_NAME.test(name) && !NOT_CREDENTIAL_NAME.test(name)) check(pair.value, source.positionOf(pair.value), name, where, false, job, step);
    }
  };
  if (target.kind === "workflow") envBlock(valueOf(source.root, "env"), "the workflow-level env");
  for (const { step, job } of allSteps(target)) {
    const where = `step ${step.name ?? step.index + 1}${job ? ` of job ${job.id}` : ""}`;
    envBlock(step.envNode, `the env of ${where}`, job, step.index);
    withInputs(source, step, where, check, job);
  }
  if (target.kind !== "workflow") return;
  for (const job of target.jobs) {
    envBlock(valueOf(job.node, "env"), `the env of job ${job.id}`, job);
    const container = valueOf(job.node, "container");
    registryPassword(source, container, `the container of job ${job.id}`, check, job);
    envBlock(valueOf(container, "env"), `the container env of job ${job.id}`, job);
    for (const [name, pair] of entries(job.services)) {
      // A service container's own env (POSTGRES_PASSWORD: postgres) configures a throwaway
      // database on the runner: not a credential to anything. Its registry login is.
      registryPassword(source, pair.value, `service ${name} of job ${job.id}`, check, job);
    }
    if (job.uses) {
      for (const [name, pair] of entries(job.secrets)) check(pair.value, source.positionOf(pair.value), name, `the secrets passed by job ${job.id}`, true, job);
    }
  }
}

type Check = (node: Node | null | undefined, at: Position, name: string, where: string, strict: boolean, job?: JobModel, step?: number) => void;

function withInputs(source: SourceFile, step: StepModel, where: string, check: Check, job?: JobModel): void {
  const action = stepAction(step);
  const login = action !== undefined && LOGIN_ACTIONS.has(action);
  for (const [name, value] of step.with) {
    if (!CREDENTIAL_NAME.test(name) || NOT_CREDENTIAL_NAME.test(name)) continue;
    const strict = login && /password|token/i.test(name);
    check(value, source.positionOf(value), `input ${name}`, where, strict, job, step.index);
  }
}

/** `credentials: { username, password }` of a job container or service with a literal password. */
function registryPassword(source: SourceFile, node: Node | null | undefined, where: string, check: Check, job: JobModel): void {
  const password = valueOf(valueOf(node, "credentials"), "password");
  if (password) check(password, source.positionOf(password), "credentials.password", where, true, job);
}
