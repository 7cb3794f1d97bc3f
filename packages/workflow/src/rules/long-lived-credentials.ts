import { entries, scalarText, valueOf, type Position, type SourceFile } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { cloudAuthOf } from "../credentials/cloud-auth.js";
import { input, stepAction } from "../step-inputs.js";
import { isGithubToken, secretRefsIn } from "../credentials/secret-refs.js";
import { deploySteps } from "../deploy/detect.js";

/** Env variables that hold a cloud provider's static key, and the provider. */
const CLOUD_KEY_ENV: Record<string, "AWS" | "Azure" | "Google Cloud"> = {
  AWS_ACCESS_KEY_ID: "AWS",
  AWS_SECRET_ACCESS_KEY: "AWS",
  AZURE_CLIENT_SECRET: "Azure",
  ARM_CLIENT_SECRET: "Azure",
  GOOGLE_CREDENTIALS: "Google Cloud",
  GOOGLE_APPLICATION_CREDENTIALS_JSON: "Google Cloud",
};

const CLOUD_FIX: Record<"AWS" | "Azure" | "Google Cloud", string> = {
  AWS: "grant `id-token: write` and use aws-actions/configure-aws-credentials with `role-to-assume` (an IAM role trusting GitHub's OIDC provider), then delete the access key",
  Azure: "grant `id-token: write` and use azure/login with `client-id`, `tenant-id` and `subscription-id` (a federated credential on the app registration), then delete the client secret",
  "Google Cloud": "grant `id-token: write` and use google-github-actions/auth with `workload_identity_provider` and `service_account`, then delete the key",
};

/** Cloud container registries, which accept tokens minted from the OIDC login above. */
const CLOUD_REGISTRIES: Array<[RegExp, "AWS" | "Azure" | "Google Cloud"]> = [
  [/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$|^public\.ecr\.aws$/i, "AWS"],
  [/(?:^|\.)gcr\.io$|-docker\.pkg\.dev$/i, "Google Cloud"],
  [/\.azurecr\.io$/i, "Azure"],
];

/** Package registries with trusted publishing, the token variables their tools read, and how to switch. */
const REGISTRY_TOKENS: Array<{ registry: string; publish: RegExp; env: string[]; fix: string }> = [
  {
    registry: "npm",
    publish: /^(?:npm|pnpm|yarn|lerna|changeset) publish$|^changesets\/action publish$|^JS-DevTools\/npm-publish$/,
    env: ["NODE_AUTH_TOKEN", "NPM_TOKEN", "NPM_AUTH_TOKEN", "NPM_CONFIG_TOKEN"],
    fix: "configure npm trusted publishing for this workflow on npmjs.com, grant `id-token: write`, publish with npm 11.5.1 or later and revoke the token",
  },
  {
    registry: "PyPI",
    publish: /^(?:pypa\/gh-action-pypi-publish|twine upload|uv publish|poetry publish|hatch publish|pdm publish|flit publish|maturin (?:publish|upload))$/,
    env: ["TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "POETRY_PYPI_TOKEN_PYPI", "HATCH_INDEX_AUTH", "PDM_PUBLISH_PASSWORD", "FLIT_PASSWORD", "MATURIN_PYPI_TOKEN", "MATURIN_PASSWORD"],
    fix: "add this workflow as a trusted publisher on PyPI, grant `id-token: write` and publish with pypa/gh-action-pypi-publish without a password, then revoke the token",
  },
  {
    registry: "crates.io",
    publish: /^cargo publish$/,
    env: ["CARGO_REGISTRY_TOKEN"],
    fix: "configure trusted publishing on crates.io, grant `id-token: write` and get a short-lived token from rust-lang/crates-io-auth-action, then revoke the token",
  },
  {
    registry: "RubyGems",
    publish: /^gem push$/,
    env: ["GEM_HOST_API_KEY"],
    fix: "configure a trusted publisher on rubygems.org, grant `id-token: write` and publish with rubygems/release-gem, then revoke the API key",
  },
];

/**
 * Stored, long-lived cloud keys and registry tokens where the provider accepts GitHub's OIDC
 * token instead: a leaked key works until someone rotates it, a federated token for minutes.
 */
export const longLivedCredentials: Rule = {
  id: "long-lived-credentials",
  title: "Long-lived credential where OIDC federation is available",
  severity: "high",
  confidence: "high",
  check(ctx) {
    const { target } = ctx;
    const source = target.source;
    const workflowEnv = target.kind === "workflow" ? valueOf(source.root, "env") : undefined;
    const scopes: Array<{ job?: JobModel; steps: readonly StepModel[] }> =
      target.kind === "workflow" ? target.jobs.map((job) => ({ job, steps: job.steps })) : [{ steps: target.steps }];
    const reportedEnv = new Set<string>();
    for (const { job, steps } of scopes) {
      const where = job ? `job ${job.id}` : "this action";
      for (const step of steps) {
        loginActions(ctx, step, where, job);
        registryLogin(ctx, step, where, job);
      }
      const envBlocks = [
        { node: workflowEnv, where: "the workflow-level env" },
        { node: job ? valueOf(job.node, "env") : undefined, where: `the env of ${where}` },
        ...steps.map((s) => ({ node: s.envNode, where: `the env of step ${s.name ?? s.index + 1} of ${where}`, step: s.index })),
      ];
      for (const block of envBlocks) cloudKeyEnv(ctx, block, job, reportedEnv);
      registryTokens(ctx, source, steps, job, envBlocks, reportedEnv);
    }
  },
};

/** A value that is a stored secret (not GITHUB_TOKEN, not derived from an earlier step). */
function storedSecret(source: SourceFile, node: unknown): string | undefined {
  const text = scalarText(node);
  if (!text || /\bsteps\.|\binputs\./.test(text)) return undefined;
  const ref = secretRefsIn(source, node).find((r) => !isGithubToken(r) && !r.sanitized);
  if (!ref) return undefined;
  return ref.kind === "named" ? `secrets.${ref.name}` : ref.expression;
}

function loginActions(ctx: RuleContext, step: StepModel, where: string, job?: JobModel): void {
  const auth = cloudAuthOf(ctx.target.source, step);
  if (auth?.mode !== "static" || !auth.keyInput) return;
  const value = scalarText(step.with.get(auth.keyInput)) ?? "";
  if (/\bsteps\.|\binputs\./.test(value)) return; // derived from an earlier login, or the caller's choice
  ctx.report({
    at: auth.at,
    job: job?.id,
    step: step.index,
    message: `${auth.action} in ${where} logs in to ${auth.provider} with a stored key (\`${auth.keyInput}\`) that stays valid until someone rotates it; ${CLOUD_FIX[auth.provider]}`,
  });
}

function registryLogin(ctx: RuleContext, step: StepModel, where: string, job?: JobModel): void {
  if (stepAction(step) !== "docker/login-action") return;
  const registry = (input(step, "registry") ?? "").trim().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  const provider = CLOUD_REGISTRIES.find(([re]) => re.test(registry))?.[1];
  if (!provider) return;
  const source = ctx.target.source;
  const password = step.with.get("password");
  const secret = storedSecret(source, password);
  if (!secret) return;
  ctx.report({
    at: source.positionOf(password),
    job: job?.id,
    step: step.index,
    message: `docker/login-action in ${where} logs in to ${registry} with ${secret}, a long-lived ${provider} key; ${CLOUD_FIX[provider]}, and let the login use the federated credentials`,
  });
}

function cloudKeyEnv(ctx: RuleContext, block: EnvBlock, job: JobModel | undefined, reported: Set<string>): void {
  const source = ctx.target.source;
  for (const [name, pair] of entries(block.node)) {
    const provider = CLOUD_KEY_ENV[name.toUpperCase()];
    if (!provider) continue;
    const secret = storedSecret(source, pair.value);
    if (!secret) continue;
    // One finding per provider per env block, even when the workflow env reaches many jobs.
    const at = source.positionOf(pair);
    const blockKey = `${source.positionOf(block.node as never).line}:${provider}`;
    if (reported.has(blockKey)) continue;
    reported.add(blockKey);
    reported.add(`${at.line}:${at.column}`);
    ctx.report({
      at,
      job: job?.id,
      step: block.step,
      confidence: "medium",
      message: `${name} in ${block.where} is a stored ${provider} key (${secret}) that stays valid until someone rotates it; ${CLOUD_FIX[provider]}`,
    });
  }
}

interface EnvBlock {
  node: unknown;
  where: string;
  step?: number;
}

function registryTokens(ctx: RuleContext, source: SourceFile, steps: readonly StepModel[], job: JobModel | undefined, blocks: EnvBlock[], reported: Set<string>): void {
  const publishes = deploySteps(source, steps, job);
  for (const registry of REGISTRY_TOKENS) {
    for (const publish of publishes) {
      if (!registry.publish.test(publish.what)) continue;
      if (registry.registry === "npm" && !npmjs(steps, publish.step)) continue;
      if (registry.registry === "PyPI" && !pypi(publish.step)) continue;
      // The publishing step's own env, then the job's and the workflow's, which it inherits.
      const own = blocks.filter((b) => b.step === publish.step.index || b.step === undefined);
      const candidates: Array<{ at: Position; name: string; secret: string; where: string }> = [];
      for (const block of own) {
        for (const [name, pair] of entries(block.node)) {
          if (!registry.env.includes(name.toUpperCase())) continue;
          const secret = storedSecret(source, pair.value);
          if (secret) candidates.push({ at: source.positionOf(pair), name, secret, where: block.where });
        }
      }
      const tokenInput = publish.step.with.get("token") ?? publish.step.with.get("password");
      const inputSecret = tokenInput ? storedSecret(source, tokenInput) : undefined;
      if (inputSecret && tokenInput) candidates.push({ at: source.positionOf(tokenInput), name: publish.step.with.has("token") ? "token" : "password", secret: inputSecret, where: `the inputs of ${publish.what}` });
      for (const c of candidates) {
        const key = `${c.at.line}:${c.at.column}`;
        if (reported.has(key)) continue;
        reported.add(key);
        ctx.report({
          at: c.at,
          job: job?.id,
          step: publish.step.index,
          severity: "medium",
          message: `${publish.what}${job ? ` in job ${job.id}` : ""} authenticates to ${registry.registry} with ${c.secret} (${c.name} in ${c.where}), a long-lived token; ${registry.fix}`,
        });
      }
    }
  }
}

/** Whether an npm publish goes to npmjs.com (setup-node's `registry-url`, `--registry`). */
function npmjs(steps: readonly StepModel[], publish: StepModel): boolean {
  const flag = /--registry[= ](\S+)/.exec(scalarText(publish.run) ?? "")?.[1];
  if (flag) return /registry\.npmjs\.org/.test(flag);
  for (const step of steps) {
    if (step.index > publish.index) break;
    if (stepAction(step) !== "actions/setup-node") continue;
    const url = input(step, "registry-url");
    if (url && !/registry\.npmjs\.org/.test(url)) return false;
  }
  return true;
}

/** pypa/gh-action-pypi-publish and twine go to PyPI unless told another index. */
function pypi(step: StepModel): boolean {
  const url = input(step, "repository-url") ?? input(step, "repository_url") ?? scalarText(step.env.get("TWINE_REPOSITORY_URL"));
  return url === undefined || /(?:^|\/\/)(?:upload\.|test\.)?pypi\.org\b/.test(url);
}
