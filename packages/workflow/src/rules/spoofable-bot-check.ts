import { scalarText, type Scalar } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { comparison, implies, suffices, leaves, literalOf, pathComparison, pathOf, parseCondition, type CondNode } from "../taint/conditions.js";
import { stepLabel } from "../taint/describe.js";
import { eventNames } from "../walk.js";

/** Contexts naming whoever caused the latest event, not who opened the pull request. */
const ACTOR_NAMES = new Set(["github.actor", "github.triggering_actor", "github.event.sender.login", "github.event.pull_request.sender.login"]);
const ACTOR_IDS = new Set(["github.actor_id", "github.event.sender.id"]);
/** Ids of dependabot[bot], dependabot-preview[bot], renovate[bot] and Dependabot's app. */
const BOT_IDS = new Set(["49699333", "27856297", "29139614", "29110"]);

/** Triggers where an `if:` is what stands between an outsider and the base repository's secrets. */
const PRIVILEGED = ["pull_request_target", "workflow_run"];

/**
 * `github.actor == 'dependabot[bot]'` on pull_request_target: the actor is whoever caused the
 * latest event, so a fork's author whose branch a bot later updates passes the check. The pull
 * request's author (`github.event.pull_request.user.login`) cannot be spoofed that way.
 */
export const spoofableBotCheck: Rule = {
  id: "spoofable-bot-check",
  title: "Privileged decision trusts a spoofable bot actor",
  severity: "high",
  confidence: "high",
  targets: ["workflow"],
  check(ctx) {
    const workflow = ctx.target;
    if (workflow.kind !== "workflow") return;
    const events = eventNames(workflow);
    const trigger = PRIVILEGED.find((e) => events.has(e));
    if (!trigger) return;
    for (const job of workflow.jobs) {
      if (job.if) checkIf(ctx, job.if, trigger, job);
      for (const step of job.steps) if (step.if) checkIf(ctx, step.if, trigger, job, step);
    }
  },
};

function checkIf(ctx: RuleContext, node: Scalar, trigger: string, job: JobModel, step?: StepModel): void {
  const text = scalarText(node);
  const cond = parseCondition(text);
  if (!cond) return;
  const checks = leaves(cond).map(botCheck).filter((c): c is BotCheck => c !== undefined);
  const first = checks[0];
  if (!first) return;
  // already pinned to the PR's author, or to branches of this repository: the spoof does not reach it
  if (implies(cond, (leaf) => authorCheck(leaf) || sameRepository(leaf))) return;
  const dominating = suffices(cond, (leaf) => botCheck(leaf) !== undefined);
  const where = step ? `the if: of ${stepLabel(step, job)}` : `job ${job.id}'s if:`;
  ctx.report({
    at: ctx.target.source.positionOf(node),
    job: job.id,
    step: step?.index,
    confidence: dominating ? "high" : "medium",
    message:
      `${where} trusts ${first.context} as '${first.literal}' on ${trigger}, but the actor is whoever caused the latest event, which a fork's author can make a bot (by getting it to update their branch); ` +
      fixFor(trigger, first.literal.endsWith("[bot]") ? first.literal : "dependabot[bot]"),
  });
}

function fixFor(trigger: string, bot: string): string {
  if (trigger === "workflow_run") return `require github.event.workflow_run.head_repository.full_name == github.repository, and check the pull request's author (user.login == '${bot}') through the API instead of the actor`;
  return `check github.event.pull_request.user.login == '${bot}' and github.event.pull_request.head.repo.full_name == github.repository instead`;
}

interface BotCheck {
  context: string;
  literal: string;
}

function isBotName(value: string): boolean {
  return /\[bot\]$/i.test(value) || /^(dependabot|renovate|github-actions)(-preview)?$/i.test(value);
}

/** `github.actor == 'dependabot[bot]'`, `startsWith(github.actor, 'dependabot')`, `contains(fromJSON('[...bots]'), github.actor)`. */
function botCheck(leaf: CondNode): BotCheck | undefined {
  const c = comparison(leaf);
  if (c && c.op === "==") {
    const value = String(c.value);
    if (ACTOR_NAMES.has(c.path) && isBotName(value)) return { context: c.path, literal: value };
    if (ACTOR_IDS.has(c.path) && BOT_IDS.has(value)) return { context: c.path, literal: value };
    return undefined;
  }
  if ("functionName" in leaf && Array.isArray(leaf.args)) {
    const name = String((leaf.functionName as { lexeme?: string }).lexeme ?? "").toLowerCase();
    if (!["contains", "startswith", "endswith"].includes(name)) return undefined;
    const args = leaf.args as CondNode[];
    const actor = args.map(pathOf).find((p) => p !== undefined && ACTOR_NAMES.has(p));
    if (!actor) return undefined;
    const literal = args.map(botLiteral).find((l) => l !== undefined);
    return literal ? { context: actor, literal } : undefined;
  }
  return undefined;
}

/** A literal naming a bot, directly or inside `fromJSON('["dependabot[bot]"]')`. */
function botLiteral(node: CondNode): string | undefined {
  const value = literalOf(node);
  if (typeof value === "string") return /bot/i.test(value) ? value : undefined;
  if ("functionName" in node && Array.isArray(node.args)) {
    for (const arg of node.args as CondNode[]) {
      const inner = literalOf(arg);
      const m = typeof inner === "string" ? /"([^"]*\[bot\])"/i.exec(inner) : null;
      if (m && m[1]) return m[1];
    }
  }
  return undefined;
}

function authorCheck(leaf: CondNode): boolean {
  const c = comparison(leaf);
  return c !== undefined && c.op === "==" && /^github\.event\.pull_request\.user\.(login|id)$/.test(c.path);
}

function sameRepository(leaf: CondNode): boolean {
  const p = pathComparison(leaf);
  if (!p || p.op !== "==") return false;
  const other = p.left === "github.repository" ? p.right : p.right === "github.repository" ? p.left : undefined;
  return other !== undefined && /head\.repo\.full_name$|head_repository\.full_name$/.test(other);
}
