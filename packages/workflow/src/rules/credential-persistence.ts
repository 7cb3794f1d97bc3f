import { scalarText, type SourceFile } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";
import type { Rule } from "../rule.js";
import { FIRST_PARTY_OWNERS, isShaRef } from "../uses.js";
import { PRIVILEGED_TRIGGERS, eventNames } from "../walk.js";
import { checkoutMajor, checksOutPullRequest, isCheckout, persistence } from "../credentials/checkout.js";
import { input, stepAction, stepUses } from "../step-inputs.js";
import { commandsIn, scriptLines, wordsIn } from "../script-lines.js";

/** Actions that push with the credentials `actions/checkout` left behind. */
const PUSH_ACTIONS = new Set([
  "stefanzweifel/git-auto-commit-action",
  "endbug/add-and-commit",
  "ad-m/github-push-action",
  "peter-evans/create-pull-request",
  "changesets/action",
]);

/**
 * `actions/checkout` keeps the job's token in git's config (`persist-credentials` defaults to
 * true) for every later step of the job, and before checkout v6 inside `.git/config` of the
 * workspace, where an artifact upload of the workspace publishes it.
 */
export const credentialPersistence: Rule = {
  id: "credential-persistence",
  title: "Checkout leaves the token in git's config",
  severity: "low",
  confidence: "medium",
  check(ctx) {
    const { target } = ctx;
    const source = target.source;
    const privileged = target.kind === "workflow" && [...eventNames(target)].some((e) => PRIVILEGED_TRIGGERS.has(e));
    const jobs: Array<{ job?: JobModel; steps: readonly StepModel[] }> =
      target.kind === "workflow" ? target.jobs.map((job) => ({ job, steps: job.steps })) : [{ steps: target.steps }];
    for (const { job, steps } of jobs) {
      steps.forEach((checkout, i) => {
        if (!isCheckout(checkout)) return;
        const mode = persistence(checkout);
        if (mode === "no" || mode === "unknown") return;
        const later = steps.slice(i + 1);
        if (later.length === 0 || later.some((s) => pushesWithGit(source, s))) return;
        const where = job ? `in job ${job.id}` : "in this action";
        const fix = "set `persist-credentials: false` on the checkout";
        const report = (severity: "high" | "medium" | "low", confidence: "high" | "medium" | "low", message: string) =>
          ctx.report({ at: source.positionOf(checkout.uses), job: job?.id, step: checkout.index, severity, confidence, message });

        const major = checkoutMajor(source, checkout);
        const inWorkspace = major === undefined || major < 6;
        const upload = inWorkspace ? later.find((s) => uploadsGitDir(source, s, input(checkout, "path"))) : undefined;
        if (upload) {
          report("high", "high", `actions/checkout ${where} leaves the token in .git/config and step ${label(upload)} uploads the workspace with it as an artifact that anyone who can read the repository can download; ${fix}`);
          return;
        }
        // Asked for on purpose (`persist-credentials: true`, or a token of its own that later
        // scripts presumably push with), and nothing publishes it.
        if (mode === "explicit" || customToken(checkout)) return;
        const untrusted = privileged && (checksOutPullRequest(checkout) || later.some(checksOutPullRequest));
        if (untrusted) {
          report("high", "medium", `actions/checkout ${where} leaves the token in git's config while the job runs pull-request code under a privileged trigger, so that code can read it; ${fix}`);
          return;
        }
        const thirdParty = later.find(isThirdParty);
        if (thirdParty) {
          report("medium", "low", `actions/checkout ${where} leaves the token in git's config for every later step, including ${scalarText(thirdParty.uses)}; ${fix} (no later step pushes with git)`);
          return;
        }
        report("low", "low", `actions/checkout ${where} leaves the token in git's config for every later step, though none pushes with git; ${fix}`);
      });
    }
  },
};

/** A `token:` other than the job's own GITHUB_TOKEN: a PAT or an app token, given to use it. */
function customToken(step: StepModel): boolean {
  const token = input(step, "token")?.replace(/\s+/g, "").toLowerCase();
  return token !== undefined && token !== "" && token !== "${{github.token}}" && token !== "${{secrets.github_token}}";
}

function label(step: StepModel): string {
  return step.name ? `"${step.name}"` : String(step.index + 1);
}

/** A remote action not maintained by GitHub, or a `docker://` image. */
function isThirdParty(step: StepModel): boolean {
  const ref = stepUses(step);
  if (!ref) return false;
  if (ref.kind === "docker") return true;
  return ref.kind === "remote" && !FIRST_PARTY_OWNERS.has(ref.owner.toLowerCase());
}

/** `git push` (or `git -C dir push`) in a script, or an action that pushes with git's config. */
function pushesWithGit(source: SourceFile, step: StepModel): boolean {
  const action = stepAction(step);
  if (action && PUSH_ACTIONS.has(action)) return true;
  if (!step.run || !MAY_PUSH.test(scalarText(step.run) ?? "")) return false;
  for (const line of scriptLines(source, step.run)) {
    for (const command of commandsIn(line)) {
      if (!MAY_PUSH.test(command.text)) continue;
      const words = wordsIn(command);
      if (words[0] === "mike" && words.includes("--push")) return true;
      if (gitSubcommand(words) === "push") return true;
    }
  }
  return false;
}

/** `push` as a word, quotes allowed between the letters: both `git push` and `mike deploy --push` need it. */
const MAY_PUSH = /p['"]*u['"]*s['"]*h/;

/** The subcommand of a `git` command (`git -C dir -c k=v push` → `push`). */
function gitSubcommand(words: readonly string[]): string | undefined {
  const at = words.findIndex((w) => w === "git" || w.endsWith("/git"));
  if (at < 0) return undefined;
  for (let i = at + 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === "-C" || word === "-c") i++;
    else if (!word.startsWith("-")) return word;
  }
  return undefined;
}

/**
 * True when an artifact upload can include `.git` of the checkout: the path is the workspace
 * (`.`, `./`, `${{ github.workspace }}`), the checkout's own directory, or names `.git`; and the
 * upload keeps hidden files (upload-artifact below v4.4 always did; later versions only with
 * `include-hidden-files: true`).
 */
function uploadsGitDir(source: SourceFile, step: StepModel, checkoutPath: string | undefined): boolean {
  if (stepAction(step) !== "actions/upload-artifact") return false;
  const paths = (input(step, "path") ?? "")
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith("!"));
  const own = checkoutPath?.trim().replace(/^\.\//, "").replace(/\/$/, "");
  const dangerous = paths.some((p) => {
    const bare = p.replace(/^\.\//, "").replace(/\/$/, "");
    if (p === "." || p === "./" || p === ".." || p === "../" || bare === "") return true;
    if (/^\$\{\{\s*github\.workspace\s*\}\}\/?$/.test(p)) return true;
    if (/(^|\/)\.git(\/|$)/.test(p)) return true;
    return own !== undefined && own !== "" && bare === own;
  });
  if (!dangerous) return false;
  const hidden = (input(step, "include-hidden-files") ?? "").trim().toLowerCase();
  if (hidden === "true") return true;
  if (/(^|\/)\.git(\/|$)/.test(paths.join("\n"))) return false; // named, but hidden files are left out
  return keepsHiddenFiles(source, step);
}

/** upload-artifact before v4.4.0 uploaded hidden files; v4.4.0 and later skip them by default. */
function keepsHiddenFiles(source: SourceFile, step: StepModel): boolean {
  const ref = stepUses(step);
  if (ref?.kind !== "remote") return false;
  const version = isShaRef(ref.ref) ? versionComment(source, step) : /^v?(\d+)(?:\.(\d+))?/.exec(ref.ref ?? "");
  if (!version) return true; // unknown: assume the old behaviour
  const major = Number(version[1]);
  const minor = version[2] === undefined ? undefined : Number(version[2]);
  if (major !== 4) return major < 4;
  return minor !== undefined && minor < 4 && /^v?\d+\.\d+/.test(version[0]);
}

function versionComment(source: SourceFile, step: StepModel): RegExpExecArray | null {
  const line = source.line(source.positionOf(step.uses).line);
  const hash = line.indexOf("#");
  return hash < 0 ? null : /v?(\d+)(?:\.(\d+))?/.exec(line.slice(hash));
}
