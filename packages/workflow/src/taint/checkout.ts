import type { Node } from "yaml";
import { contextPaths, findExpressions } from "../expressions.js";
import { scalarText } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";
import { actionName, parseUses } from "../uses.js";
import { isRunArtifactDownload } from "./flow.js";
import { scriptLines, stripComment, withoutExpressions } from "./shell.js";

/**
 * Where a job brings in code an outsider wrote (a pull request's head, a fork's artifact) and
 * where it then runs code from it. Shared by dangerous-trigger and cache-poisoning.
 */
export interface UntrustedFetch {
  step: StepModel;
  /** The node to point at: the checkout's `ref:` / `repository:` value, its `uses:`, or the run script. */
  node: Node;
  /** The text inside `node` to point at, for a run script line. */
  needle?: string;
  /** Offset of the line in the run script, for a script fetch. */
  offset?: number;
  /** What was fetched, for messages: `ref: ${{ github.event.pull_request.head.sha }}`. */
  what: string;
  kind: "checkout" | "script" | "artifact";
  /** Directory the code lands in, relative to the workspace, when not the workspace itself. */
  path?: string;
  /** The ref comes from a step output or similar: probably, not surely, the PR head. */
  indirect: boolean;
}

/** Context paths that name a pull request's head (or merge) commit or branch. */
const PR_HEAD_PATHS = [
  /^github\.event\.pull_request\.head\.(sha|ref)$/,
  /^github\.event\.pull_request\.merge_commit_sha$/,
  /^github\.head_ref$/,
  /^github\.event\.workflow_run\.head_(sha|branch)$/,
  /^github\.event\.workflow_run\.pull_requests\.\*\.head\.(sha|ref)$/,
  /^github\.event\.pull_request\.head\.repo\.(full_name|clone_url|ssh_url)$/,
  /^github\.event\.workflow_run\.head_repository\.(full_name|clone_url)$/,
];

function namesPrHead(text: string): { yes: boolean; indirect: boolean } {
  if (/refs\/pull\/|(^|[\s:])pull\/[^\s]*\/(head|merge)/.test(withoutExpressions(text))) return { yes: true, indirect: false };
  let indirect = false;
  for (const span of findExpressions(text)) {
    for (const { path } of contextPaths(span.inner)) {
      if (PR_HEAD_PATHS.some((re) => re.test(path))) return { yes: true, indirect: false };
      if (/^(steps|needs)\.[^.]+\.outputs\.[^.]*(sha|ref|head|branch|pr|pull)/.test(path)) indirect = true;
    }
  }
  return { yes: indirect, indirect };
}

const SCRIPT_FETCH = [
  /\bgh\s+pr\s+checkout\b/,
  /\bhub\s+pr\s+checkout\b/,
  /\bgit\s+(?:fetch|pull)\b[^;&|]*\bpull\/[^\s]*\/(?:head|merge)\b/,
  /\bgit\s+(?:fetch|pull)\b[^;&|]*refs\/pull\//,
  /\bgh\s+pr\s+diff\b[^;]*\|\s*git\s+apply\b/,
];

/** Steps of a job that bring untrusted code into the runner, in order. */
export function untrustedFetches(job: JobModel, events: ReadonlySet<string>): UntrustedFetch[] {
  const out: UntrustedFetch[] = [];
  for (const step of job.steps) {
    const uses = scalarText(step.uses);
    if (uses) {
      const ref = parseUses(uses);
      if (ref.kind !== "remote") continue;
      const name = actionName(ref);
      if (name === "actions/checkout") {
        for (const key of ["ref", "repository"]) {
          const node = step.with.get(key);
          const text = scalarText(node);
          if (!node || !text) continue;
          const head = namesPrHead(text);
          if (!head.yes) continue;
          out.push({ step, node, what: `${key}: ${text}`, kind: "checkout", path: checkoutPath(step), indirect: head.indirect });
          break;
        }
      } else if (events.has("workflow_run") && isRunArtifactDownload(step)) {
        out.push({ step, node: step.uses!, what: `the triggering run's artifacts (${name})`, kind: "artifact", path: scalarText(step.with.get("path")), indirect: true });
      }
      continue;
    }
    const script = scalarText(step.run);
    if (!script || !step.run) continue;
    for (const line of scriptLines(script)) {
      const code = stripComment(line.text);
      const scripted = SCRIPT_FETCH.some((re) => re.test(withoutExpressions(code)));
      const gitHead = /\bgit\s+(?:fetch|checkout|switch|pull|clone)\b/.test(code) && namesPrHead(code).yes && !namesPrHead(code).indirect;
      const runDownload = events.has("workflow_run") && /\bgh\s+run\s+download\b/.test(code);
      if (scripted || gitHead || runDownload) {
        out.push({ step, node: step.run, needle: line.first, offset: line.offset, what: code.trim(), kind: runDownload ? "artifact" : "script", indirect: runDownload });
        break;
      }
    }
  }
  return out;
}

function checkoutPath(step: StepModel): string | undefined {
  const path = scalarText(step.with.get("path"))?.replace(/^\.\//, "").replace(/\/$/, "");
  return path && path !== "." && !path.includes("${{ github.workspace }}") ? path : undefined;
}

/** Build tools and package managers: they run code (scripts, hooks, build files) from the current directory. */
const TOOL_COMMAND = new RegExp(
  [
    String.raw`\b(?:npm|pnpm)\s+(?:install|i|ci|run|run-script|test|t|build|exec|start|rebuild|publish|pack)\b`,
    String.raw`(?:^|[;&|(]\s*|\b(?:then|do|sudo)\s+)yarn\b`,
    String.raw`\b(?:npx|bunx)\s`,
    String.raw`\bbun\s+(?:install|i|run|test)\b`,
    String.raw`(?:^|[\s;&|(])(?:make|gmake|cmake|ninja|meson)\b`,
    String.raw`\bpip3?\s+install\b[^;&|]*(?:\s\.(?:\[\S*\])?(?:\s|$)|\s-e\s|\s-r\s|\s--editable\b)`,
    String.raw`\bpython3?\s+(?:setup\.py|-m\s+(?:build|pytest|tox|nox|pip\s+install\b[^;&|]*\s(?:-e\s|-r\s|\.(?:\s|$))))`,
    String.raw`(?:^|[\s;&|])(?:pytest|tox|nox|hatch|pdm|rye)\b`,
    String.raw`\bpoetry\s+(?:install|run|build)\b`,
    String.raw`\buv\s+(?:sync|run|build|pip\s+install\b[^;&|]*(?:\s-e\s|\s-r\s|\s\.(?:\s|$)))`,
    String.raw`\bgo\s+(?:build|test|run|generate|vet|install\s+\.)`,
    String.raw`\bcargo\s+(?:build|test|run|check|clippy|bench|install\s+--path)\b`,
    String.raw`(?:^|[\s;&|])(?:mvn|\.\/mvnw|gradle|\.\/gradlew|sbt|ant|bazel|bazelisk|buck2?)\b`,
    String.raw`\bbundle\s+(?:install|exec)\b|(?:^|[\s;&|])rake\b`,
    String.raw`\bcomposer\s+(?:install|update|run)\b`,
    String.raw`\bdotnet\s+(?:build|test|run|restore|pack|publish)\b`,
    String.raw`\bdocker\s+(?:build|buildx\s+build|compose)\b|\bdocker-compose\b`,
    String.raw`\bpre-commit\s+run\b`,
    String.raw`(?:^|[\s;&|])(?:just|task|mage|earthly)(?:\s|$)`,
  ].join("|"),
);

/** Running a script file; group 1 is its path. */
const SCRIPT_COMMAND = new RegExp(
  [
    String.raw`(?:^|[;&|(]\s*|\b(?:then|do|sudo|exec)\s+)(\.\/[\w./-]+)`,
    String.raw`\b(?:bash|sh|zsh|source|\.)\s+((?:\.\/)?[\w./-]+\.sh)\b`,
    String.raw`\bnode\s+((?:\.\/)?[\w./-]+\.[cm]?[jt]s)\b`,
    String.raw`\bpython3?\s+((?:\.\/)?[\w./-]+\.py)\b`,
  ].join("|"),
);

/** Commands of a line, split at `&&`, `||`, `;` and `|`. */
function commandsOf(code: string): string[] {
  return code.split(/&&|\|\||;|\|/).map((c) => c.trim()).filter(Boolean);
}

/** Actions that run the checked-out project's code (build scripts, hooks, Gemfile...). */
const BUILDING_ACTIONS: ReadonlyArray<{ action: string; when?: (step: StepModel) => boolean; does: string }> = [
  { action: "github/codeql-action/autobuild", does: "builds the project" },
  { action: "gradle/gradle-build-action", does: "runs gradle" },
  // without `context:` it builds the Git context of github.sha (the base), not the checkout
  { action: "docker/build-push-action", when: (s) => s.with.has("context"), does: "runs the Dockerfile's RUN commands" },
  { action: "goreleaser/goreleaser-action", does: "runs the project's build hooks" },
  { action: "pypa/cibuildwheel", does: "builds the package" },
  { action: "pre-commit/action", does: "runs the repository's pre-commit hooks" },
  { action: "cypress-io/github-action", does: "installs and runs the project" },
  { action: "bahmutov/npm-install", does: "runs npm install" },
  { action: "borales/actions-yarn", does: "runs yarn" },
  { action: "ruby/setup-ruby", when: (s) => scalarText(s.with.get("bundler-cache")) === "true", does: "runs bundle install (bundler-cache: true)" },
];

/** What an execution step runs from a fetched directory, or undefined when it does not. */
export function runsFetchedCode(step: StepModel, fetch: UntrustedFetch): { what: string; node: Node; needle?: string; offset?: number } | undefined {
  const uses = scalarText(step.uses);
  if (uses && step.uses) {
    const ref = parseUses(uses);
    if (ref.kind === "local") {
      const local = ref.path.replace(/^\.\//, "");
      return !fetch.path || local.startsWith(`${fetch.path}/`) ? { what: `the local action ${ref.path}`, node: step.uses } : undefined;
    }
    if (ref.kind !== "remote") return undefined;
    const name = actionName(ref);
    const building = BUILDING_ACTIONS.find((b) => (name === b.action || name.startsWith(`${b.action}/`)) && (!b.when || b.when(step)));
    if (!building) return undefined;
    if (fetch.path && !withMentions(step, fetch.path)) return undefined;
    return { what: `${name}, which ${building.does}`, node: step.uses };
  }
  const script = scalarText(step.run);
  if (!script || !step.run) return undefined;
  const path = fetch.path;
  let entered = !path || (step.workingDirectory ?? "").replace(/^\.\//, "").startsWith(path);
  for (const line of scriptLines(script)) {
    if (fetch.step === step && fetch.offset !== undefined && line.offset <= fetch.offset) continue;
    for (const command of commandsOf(stripComment(line.text))) {
      if (path && new RegExp(`^cd\\s+["']?(?:\\./)?${escape(path)}(?:/|["']?$)|^pushd\\s+["']?(?:\\./)?${escape(path)}\\b`).test(command)) entered = true;
      const tool = TOOL_COMMAND.exec(command);
      const inside = path !== undefined && new RegExp(`(?:--prefix[= ]|-C\\s+|--cwd[= ]|--dir[= ]|--manifest-path[= ]|-f\\s+)["']?(?:\\./)?${escape(path)}\\b`).test(command);
      if (tool && (entered || inside)) return { what: tool[0].trim().replace(/^[;&|(]\s*/, ""), node: step.run, needle: line.first, offset: line.offset };
      const scriptRun = SCRIPT_COMMAND.exec(command);
      const file = scriptRun ? (scriptRun.slice(1).find((g) => g !== undefined) ?? "") : "";
      if (scriptRun && (entered || (path !== undefined && file.replace(/^\.\//, "").startsWith(`${path}/`)))) return { what: scriptRun[0].trim().replace(/^[;&|(]\s*/, ""), node: step.run, needle: line.first, offset: line.offset };
    }
  }
  return undefined;
}

function withMentions(step: StepModel, path: string): boolean {
  return [...step.with.values()].some((v) => (scalarText(v) ?? "").replace(/^\.\//, "").startsWith(path));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
