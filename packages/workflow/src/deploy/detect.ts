import { entries, scalarText, textOf, valueOf, type Position, type SourceFile } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";
import { commandsIn, scriptLines, wordsIn, type ScriptLine } from "../script-lines.js";
import { input, stepAction } from "../step-inputs.js";

/**
 * What a step ships: `deploy` (changes a running environment), `publish` (a package to a
 * registry), `image-push`, `release` (a GitHub release) or `pages` (a website).
 */
export type DeployKind = "deploy" | "publish" | "image-push" | "release" | "pages";

export interface DeployStep {
  step: StepModel;
  kind: DeployKind;
  /** What it runs, for messages: `npm publish`, `docker/build-push-action with push`. */
  what: string;
  at: Position;
  /** True when an expression decides whether it ships (`push: ${{ github.event_name != 'pull_request' }}`). */
  conditional: boolean;
}

/** A step that writes something outside the job: an artifact upload or anything in the deploy table. */
export interface ArtifactWrite {
  step: StepModel;
  what: string;
  at: Position;
}

type Verdict = { kind: DeployKind; what: string; conditional?: boolean } | undefined;

const yes = (value: string | undefined): boolean | "maybe" => {
  if (value === undefined) return false;
  if (value.includes("${{")) return "maybe";
  return value.trim().toLowerCase() === "true";
};

/** Actions that ship, by `owner/repo[/path]`. A function decides from the step's inputs. */
const ACTIONS: Record<string, (step: StepModel) => Verdict> = {
  "docker/build-push-action": (s) => pushes(s, "docker/build-push-action"),
  "docker/bake-action": (s) => pushes(s, "docker/bake-action"),
  "redhat-actions/push-to-registry": () => ({ kind: "image-push", what: "redhat-actions/push-to-registry" }),
  "actions/deploy-pages": () => ({ kind: "pages", what: "actions/deploy-pages" }),
  "peaceiris/actions-gh-pages": () => ({ kind: "pages", what: "peaceiris/actions-gh-pages" }),
  "jamesives/github-pages-deploy-action": () => ({ kind: "pages", what: "JamesIves/github-pages-deploy-action" }),
  "stefanprodan/helm-gh-pages": () => ({ kind: "pages", what: "stefanprodan/helm-gh-pages" }),
  "softprops/action-gh-release": () => ({ kind: "release", what: "softprops/action-gh-release" }),
  "ncipollo/release-action": () => ({ kind: "release", what: "ncipollo/release-action" }),
  "actions/create-release": () => ({ kind: "release", what: "actions/create-release" }),
  "actions/upload-release-asset": () => ({ kind: "release", what: "actions/upload-release-asset" }),
  "svenstaro/upload-release-action": () => ({ kind: "release", what: "svenstaro/upload-release-action" }),
  "marvinpinto/action-automatic-releases": () => ({ kind: "release", what: "marvinpinto/action-automatic-releases" }),
  "helm/chart-releaser-action": () => ({ kind: "release", what: "helm/chart-releaser-action" }),
  "goreleaser/goreleaser-action": (s) => {
    const args = input(s, "args") ?? "";
    return /(^|\s)release\b/.test(args) && !/--snapshot|--skip[= ]?publish|--skip-publish/.test(args) ? { kind: "release", what: "goreleaser release" } : undefined;
  },
  "pypa/gh-action-pypi-publish": () => ({ kind: "publish", what: "pypa/gh-action-pypi-publish" }),
  "js-devtools/npm-publish": () => ({ kind: "publish", what: "JS-DevTools/npm-publish" }),
  "changesets/action": (s) => (input(s, "publish") ? { kind: "publish", what: "changesets/action publish" } : undefined),
  "aws-actions/amazon-ecs-deploy-task-definition": () => ({ kind: "deploy", what: "aws-actions/amazon-ecs-deploy-task-definition" }),
  "aws-actions/aws-cloudformation-github-deploy": () => ({ kind: "deploy", what: "aws-actions/aws-cloudformation-github-deploy" }),
  "google-github-actions/deploy-cloudrun": () => ({ kind: "deploy", what: "google-github-actions/deploy-cloudrun" }),
  "google-github-actions/deploy-appengine": () => ({ kind: "deploy", what: "google-github-actions/deploy-appengine" }),
  "google-github-actions/deploy-cloud-functions": () => ({ kind: "deploy", what: "google-github-actions/deploy-cloud-functions" }),
  "azure/webapps-deploy": () => ({ kind: "deploy", what: "azure/webapps-deploy" }),
  "azure/functions-action": () => ({ kind: "deploy", what: "azure/functions-action" }),
  "azure/k8s-deploy": () => ({ kind: "deploy", what: "azure/k8s-deploy" }),
  "azure/arm-deploy": () => ({ kind: "deploy", what: "azure/arm-deploy" }),
  "azure/container-apps-deploy-action": () => ({ kind: "deploy", what: "azure/container-apps-deploy-action" }),
  "azure/static-web-apps-deploy": () => ({ kind: "deploy", what: "azure/static-web-apps-deploy" }),
  "azure/aci-deploy": () => ({ kind: "deploy", what: "azure/aci-deploy" }),
  "azure/spring-apps-deploy": () => ({ kind: "deploy", what: "azure/spring-apps-deploy" }),
  "cloudflare/wrangler-action": (s) => (/\b(dev|whoami)\b/.test(input(s, "command") ?? "") ? undefined : { kind: "deploy", what: "cloudflare/wrangler-action" }),
  "cloudflare/pages-action": () => ({ kind: "deploy", what: "cloudflare/pages-action" }),
  "amondnet/vercel-action": () => ({ kind: "deploy", what: "amondnet/vercel-action" }),
  "nwtgck/actions-netlify": () => ({ kind: "deploy", what: "nwtgck/actions-netlify" }),
  "superfly/flyctl-actions": (s) => (/\bdeploy\b/.test(input(s, "args") ?? "") ? { kind: "deploy", what: "flyctl deploy" } : undefined),
  "serverless/github-action": (s) => (/\bdeploy\b/.test(input(s, "args") ?? "") ? { kind: "deploy", what: "serverless deploy" } : undefined),
  "akhileshns/heroku-deploy": () => ({ kind: "deploy", what: "akhileshns/heroku-deploy" }),
  "appleboy/ssh-action": () => ({ kind: "deploy", what: "appleboy/ssh-action" }),
  "appleboy/scp-action": () => ({ kind: "deploy", what: "appleboy/scp-action" }),
  "easingthemes/ssh-deploy": () => ({ kind: "deploy", what: "easingthemes/ssh-deploy" }),
  "samkirkland/ftp-deploy-action": () => ({ kind: "deploy", what: "SamKirkland/FTP-Deploy-Action" }),
  "burnett01/rsync-deployments": () => ({ kind: "deploy", what: "burnett01/rsync-deployments" }),
};

function pushes(step: StepModel, what: string): Verdict {
  const push = yes(input(step, "push"));
  if (push === true) return { kind: "image-push", what: `${what} with push: true` };
  if (push === "maybe") return { kind: "image-push", what: `${what} with a conditional push`, conditional: true };
  const outputs = `${input(step, "outputs") ?? ""} ${input(step, "set") ?? ""}`;
  if (/type=registry|push=true/.test(outputs)) return { kind: "image-push", what: `${what} with a registry output` };
  return undefined;
}

interface CommandRule {
  /**
   * The words `re` starts with, after LEAD and before a space or a word boundary: a command that
   * has none of them as a word is not tried.
   */
  tools: readonly string[];
  /** Matched against one simple command. */
  re: RegExp;
  kind: DeployKind;
  what: (m: RegExpExecArray) => string;
  /** A flag or word that makes the command a dry run. */
  unless?: RegExp;
  /** Only a deploy when the job does not run its own throwaway cluster or registry. */
  local?: "cluster" | "registry";
  /** Extra test on the command's words. */
  test?: (words: readonly string[]) => boolean;
}

const LEAD = String.raw`(?:^|[\s/(])`;
const ARGS = String.raw`(?:\s+\S+)*?\s+`;
/** The end of a subcommand word: `publish` but not `publish-docs`. */
const END = String.raw`(?=\s|$)`;

/** Commands that ship. Each is matched on one simple command of a `run:` line. */
const COMMANDS: CommandRule[] = [
  { tools: ["kubectl"], re: new RegExp(`${LEAD}kubectl${ARGS}(apply|create|replace|patch|set\\s+image|rollout\\s+restart)${END}`), kind: "deploy", what: (m) => `kubectl ${m[1]}`, unless: /--dry-run(?!=none)/, local: "cluster" },
  { tools: ["helm"], re: new RegExp(`${LEAD}helm${ARGS}(upgrade|install)${END}`), kind: "deploy", what: (m) => `helm ${m[1]}`, unless: /--dry-run/, local: "cluster" },
  { tools: ["helm"], re: new RegExp(`${LEAD}helm${ARGS}push${END}`), kind: "publish", what: () => "helm push", local: "registry" },
  { tools: ["terraform", "tofu", "terragrunt"], re: new RegExp(`${LEAD}(terraform|tofu|terragrunt)${ARGS}(apply|destroy)${END}`), kind: "deploy", what: (m) => `${m[1]} ${m[2]}` },
  { tools: ["pulumi"], re: new RegExp(`${LEAD}pulumi${ARGS}(up|update|destroy)${END}`), kind: "deploy", what: (m) => `pulumi ${m[1]}`, unless: /--preview-only/ },
  { tools: ["cdk", "sam", "serverless", "sls"], re: new RegExp(`${LEAD}(cdk|sam|serverless|sls)${ARGS}deploy${END}`), kind: "deploy", what: (m) => `${m[1]} deploy` },
  { tools: ["aws"], re: new RegExp(`${LEAD}aws${ARGS}(ecs\\s+update-service|lambda\\s+update-function-code|cloudformation\\s+(?:deploy|create-stack|update-stack)|deploy\\s+create-deployment|elasticbeanstalk\\s+update-environment|apprunner\\s+start-deployment)${END}`), kind: "deploy", what: (m) => `aws ${m[1]!.replace(/\s+/g, " ")}` },
  { tools: ["aws"], re: new RegExp(`${LEAD}aws${ARGS}s3\\s+(sync|cp|mv)${END}`), kind: "deploy", what: (m) => `aws s3 ${m[1]}`, test: (w) => /^s3:\/\//.test(w.filter((x) => !x.startsWith("-")).at(-1) ?? "") },
  { tools: ["gcloud"], re: new RegExp(`${LEAD}gcloud${ARGS}((?:run|app|functions)\\s+deploy|run\\s+services\\s+(?:update|replace))${END}`), kind: "deploy", what: (m) => `gcloud ${m[1]!.replace(/\s+/g, " ")}` },
  { tools: ["az"], re: new RegExp(`${LEAD}az${ARGS}((?:webapp|functionapp)\\s+(?:deploy|up|deployment\\s+source)|deployment\\s+(?:group|sub)\\s+create|containerapp\\s+(?:update|up))${END}`), kind: "deploy", what: (m) => `az ${m[1]!.replace(/\s+/g, " ")}` },
  { tools: ["firebase", "netlify", "fly", "flyctl", "wrangler", "vercel"], re: new RegExp(`${LEAD}(firebase|netlify|fly|flyctl|wrangler|vercel)${ARGS}(deploy|publish)${END}`), kind: "deploy", what: (m) => `${m[1]} ${m[2]}` },
  { tools: ["vercel"], re: new RegExp(`${LEAD}vercel\\b.*\\s--prod${END}`), kind: "deploy", what: () => "vercel --prod" },
  { tools: ["heroku"], re: new RegExp(`${LEAD}heroku${ARGS}(container:release|releases:promote)${END}`), kind: "deploy", what: (m) => `heroku ${m[1]}` },
  { tools: ["mike"], re: new RegExp(`${LEAD}mike${ARGS}deploy\\b.*\\s--push${END}`), kind: "pages", what: () => "mike deploy --push" },
  { tools: ["yarn"], re: new RegExp(`${LEAD}yarn(?:\\s+npm)?\\s+publish${END}`), kind: "publish", what: () => "yarn publish", unless: /--dry-run/ },
  { tools: ["npm", "pnpm", "lerna"], re: new RegExp(`${LEAD}(npm|pnpm|lerna)${ARGS}publish${END}`), kind: "publish", what: (m) => `${m[1]} publish`, unless: /--dry-run|(?:^|\s)-n\b/ },
  { tools: ["changeset"], re: new RegExp(`${LEAD}changeset${ARGS}publish\\b|${LEAD}changeset\\s+publish${END}`), kind: "publish", what: () => "changeset publish" },
  { tools: ["twine"], re: new RegExp(`${LEAD}twine${ARGS}upload${END}`), kind: "publish", what: () => "twine upload" },
  { tools: ["poetry", "uv", "hatch", "flit", "pdm"], re: new RegExp(`${LEAD}(poetry|uv|hatch|flit|pdm)${ARGS}publish${END}`), kind: "publish", what: (m) => `${m[1]} publish`, unless: /--dry-run/ },
  { tools: ["maturin"], re: new RegExp(`${LEAD}maturin${ARGS}(publish|upload)${END}`), kind: "publish", what: (m) => `maturin ${m[1]}` },
  { tools: ["cargo"], re: new RegExp(`${LEAD}cargo${ARGS}publish${END}`), kind: "publish", what: () => "cargo publish", unless: /--dry-run|(?:^|\s)-n\b/ },
  { tools: ["gem"], re: new RegExp(`${LEAD}gem${ARGS}push${END}`), kind: "publish", what: () => "gem push" },
  { tools: ["dotnet", "nuget"], re: new RegExp(`${LEAD}(dotnet\\s+nuget|nuget)${ARGS}push${END}`), kind: "publish", what: (m) => `${m[1]} push` },
  { tools: ["mvn", "mvnw"], re: new RegExp(`${LEAD}(mvn|mvnw)${ARGS}deploy${END}`), kind: "publish", what: () => "mvn deploy" },
  { tools: ["gradle", "gradlew"], re: new RegExp(`${LEAD}(gradle|gradlew)${ARGS}(publish\\w*)${END}`), kind: "publish", what: (m) => `gradle ${m[2]}` },
  { tools: ["vsce", "ovsx"], re: new RegExp(`${LEAD}(vsce|ovsx)${ARGS}publish${END}`), kind: "publish", what: (m) => `${m[1]} publish` },
  { tools: ["pod"], re: new RegExp(`${LEAD}pod\\s+trunk\\s+push${END}`), kind: "publish", what: () => "pod trunk push" },
  { tools: ["mix"], re: new RegExp(`${LEAD}mix\\s+hex\\.publish${END}`), kind: "publish", what: () => "mix hex.publish" },
  { tools: ["docker", "podman", "buildah"], re: new RegExp(`${LEAD}(docker|podman|buildah)${ARGS}push${END}`), kind: "image-push", what: (m) => `${m[1]} push`, local: "registry" },
  { tools: ["docker"], re: new RegExp(`${LEAD}docker${ARGS}(buildx\\s+(?:build|bake)|build|bake)\\b.*\\s--push${END}`), kind: "image-push", what: (m) => `docker ${m[1]!.replace(/\s+/g, " ")} --push`, local: "registry" },
  { tools: ["docker"], re: new RegExp(`${LEAD}docker${ARGS}manifest\\s+push${END}`), kind: "image-push", what: () => "docker manifest push", local: "registry" },
  { tools: ["crane", "gcrane"], re: new RegExp(`${LEAD}(crane|gcrane)${ARGS}(push|copy|cp|append|tag)${END}`), kind: "image-push", what: (m) => `${m[1]} ${m[2]}`, local: "registry" },
  { tools: ["skopeo"], re: new RegExp(`${LEAD}skopeo${ARGS}copy\\b.*\\sdocker://`), kind: "image-push", what: () => "skopeo copy", local: "registry" },
  { tools: ["oras", "regctl"], re: new RegExp(`${LEAD}(oras|regctl)${ARGS}(push|copy|image\\s+copy)${END}`), kind: "image-push", what: (m) => `${m[1]} ${m[2]}`, local: "registry" },
  { tools: ["ko"], re: new RegExp(`${LEAD}ko${ARGS}(build|publish|resolve|apply)${END}`), kind: "image-push", what: (m) => `ko ${m[1]}`, unless: /--push[= ]false|(?:^|\s)(?:-L|--local)\b|ko\.local|kind\.local/, local: "registry" },
  { tools: ["gh"], re: new RegExp(`${LEAD}gh${ARGS}release\\s+(create|upload|edit)${END}`), kind: "release", what: (m) => `gh release ${m[1]}` },
  { tools: ["goreleaser"], re: new RegExp(`${LEAD}goreleaser${ARGS}release${END}`), kind: "release", what: () => "goreleaser release", unless: /--snapshot|--skip[= ]?publish|--skip-publish/ },
  { tools: ["jreleaser"], re: new RegExp(`${LEAD}jreleaser${ARGS}(full-release|release|deploy|publish)${END}`), kind: "release", what: (m) => `jreleaser ${m[1]}`, unless: /--dry-run/ },
];

/** Hosts of throwaway registries: pushing there ships nothing. */
const LOCAL_REGISTRY = /\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0|registry\.local|kind\.local|ko\.local|kind-registry|ttl\.sh)\b/;
const LOCAL_CLUSTER_ACTION = /(?:^|[/-])(?:kind|k3d|k3s|minikube|microk8s)(?:[/-]|$)/;
const LOCAL_CLUSTER_RUN = /\bkind\s+(?:create|load|get)\b|\bk3d\s+cluster\b|\bminikube\s+start\b|\bmicrok8s\b|\bmake\s+[\w.-]*kind[\w.-]*/;
const REGISTRY_SERVICE = /^(?:docker\.io\/)?(?:library\/)?registry(?::|@|$)|distribution\/registry/;

/** Whether a job brings up its own cluster or registry, so kubectl/helm/push there are tests. */
export function localTargets(job: JobModel | undefined): { cluster: boolean; registry: boolean } {
  if (!job) return { cluster: false, registry: false };
  let cluster = false;
  let registry = false;
  for (const step of job.steps) {
    const action = stepAction(step);
    if (action && LOCAL_CLUSTER_ACTION.test(action)) cluster = true;
    const uses = scalarText(step.uses) ?? "";
    if (uses.startsWith("./") && LOCAL_CLUSTER_ACTION.test(uses)) cluster = true;
    const run = scalarText(step.run) ?? "";
    if (LOCAL_CLUSTER_RUN.test(run)) cluster = true;
    if (/\bregistry:2\b|distribution\/registry|LOCAL_REGISTRY|local-registry/.test(run)) registry = true;
  }
  for (const text of envTexts(job.env)) if (LOCAL_REGISTRY.test(text)) registry = true;
  for (const [, pair] of entries(job.services)) {
    const image = textOf(pair.value, "image");
    if (image && REGISTRY_SERVICE.test(image)) registry = true;
  }
  return { cluster, registry: registry || cluster };
}

function envTexts(env: Map<string, unknown>): string[] {
  return [...env.values()].map(scalarText).filter((v): v is string => v !== undefined);
}

/**
 * The steps of a job (or composite action) that deploy, publish, push images or write releases.
 * Worked out once per job and shared by the rules that ask: do not modify the result.
 */
export function deploySteps(source: SourceFile, steps: readonly StepModel[], job?: JobModel): DeployStep[] {
  const cached = deployCache.get(steps);
  if (cached && cached.source === source && cached.job === job) return cached.found;
  const found = findDeploySteps(source, steps, job);
  deployCache.set(steps, { source, job, found });
  return found;
}

const deployCache = new WeakMap<readonly StepModel[], { source: SourceFile; job: JobModel | undefined; found: DeployStep[] }>();

function findDeploySteps(source: SourceFile, steps: readonly StepModel[], job?: JobModel): DeployStep[] {
  // Whether the job runs its own cluster or registry is only asked when a command would deploy there.
  let jobLocal: { cluster: boolean; registry: boolean } | undefined;
  const local = () => (jobLocal ??= localTargets(job));
  const out: DeployStep[] = [];
  for (const step of steps) {
    const action = stepAction(step);
    if (action !== undefined) {
      const verdict = ACTIONS[action]?.(step);
      if (verdict?.kind === "image-push" && pushesLocally(source, step, steps, job)) continue;
      if (verdict) out.push({ step, kind: verdict.kind, what: verdict.what, at: source.positionOf(step.uses), conditional: verdict.conditional ?? false });
      continue;
    }
    if (!step.run) continue;
    const script = scalarText(step.run) ?? "";
    if (!TOOL_IN_SCRIPT.test(script)) continue;
    // Whether the step pushes to a throwaway registry is only asked when a push is found.
    let stepLocal: boolean | undefined;
    const targets = {
      get cluster(): boolean {
        return local().cluster;
      },
      get registry(): boolean {
        stepLocal ??= LOCAL_REGISTRY.test(script) || envTexts(step.env).some((t) => LOCAL_REGISTRY.test(t));
        return local().registry || stepLocal;
      },
    };
    for (const line of scriptLines(source, step.run)) {
      const hit = matchCommand(line, targets);
      if (hit) {
        out.push({ step, kind: hit.kind, what: hit.what, at: line.find(hit.needle), conditional: false });
        break;
      }
    }
  }
  return out;
}

/**
 * Whether an image-push action targets a throwaway registry. Its `tags:` are followed one step
 * back (`steps.meta.outputs.tags` → that docker/metadata-action's `images:`) and through `env.X`.
 * A job's own registry service alone does not decide: jobs often build a base image there and
 * push the final one to a real registry.
 */
function pushesLocally(source: SourceFile, step: StepModel, steps: readonly StepModel[], job: JobModel | undefined): boolean {
  let target = ["tags", "outputs", "set", "image", "registry"].map((k) => input(step, k) ?? "").join("\n");
  for (const m of target.matchAll(/steps\.([\w-]+)\.outputs/g)) {
    const from = steps.find((s) => s.id === m[1]);
    if (from) target += `\n${input(from, "images") ?? ""}`;
  }
  const workflowEnv = valueOf(source.root, "env");
  for (const m of target.matchAll(/env\.(\w+)/g)) {
    const name = m[1]!;
    for (const value of [textOf(workflowEnv, name), scalarText(job?.env.get(name)), scalarText(step.env.get(name))]) target += `\n${value ?? ""}`;
  }
  return LOCAL_REGISTRY.test(target);
}

function matchCommand(line: ScriptLine, local: { cluster: boolean; registry: boolean }): { kind: DeployKind; what: string; needle: string } | undefined {
  if (!TOOL_IN_LINE.test(line.text)) return undefined;
  for (const command of commandsIn(line)) {
    const { text } = command;
    if (/^(?:echo|printf|#)\b/.test(text)) continue;
    for (const rule of rulesFor(text)) {
      const m = rule.re.exec(` ${text}`);
      if (!m) continue;
      if (rule.unless?.test(text)) continue;
      if (rule.local && local[rule.local]) continue;
      if (rule.test && !rule.test(wordsIn(command))) continue;
      const needle = m[0].trim().split(/\s+/)[0]!.replace(/^[/(]/, "");
      return { kind: rule.kind, what: rule.what(m), needle };
    }
  }
  return undefined;
}

const TOOL_NAMES = [...new Set(COMMANDS.flatMap((c) => c.tools))].join("|");
/**
 * A tool of the table as a word where a rule can start: after LEAD in a command, or also after
 * `;`, `|` or `&` in a script or line not yet split into commands. No rule matches without one.
 */
const TOOL_IN_SCRIPT = new RegExp(`(?:^|[\\s/(;|&])(?:${TOOL_NAMES})(?!\\w)`);
const TOOL_IN_LINE = TOOL_IN_SCRIPT;
const TOOL_IN_COMMAND = new RegExp(`(?:^|[\\s/(])(${TOOL_NAMES})(?!\\w)`, "g");

/** The rules of the table that name a tool, in table order. */
const RULES_BY_TOOL = new Map<string, CommandRule[]>();
for (const rule of COMMANDS) {
  for (const tool of rule.tools) RULES_BY_TOOL.set(tool, [...(RULES_BY_TOOL.get(tool) ?? []), rule]);
}

/**
 * The rules worth trying on a command: those of the tools it names as words, in table order.
 * (A match of TOOL_IN_COMMAND takes the character before the tool, never the next tool's.)
 */
function rulesFor(text: string): readonly CommandRule[] {
  let first: string | undefined;
  let more: Set<string> | undefined;
  TOOL_IN_COMMAND.lastIndex = 0;
  for (let m = TOOL_IN_COMMAND.exec(text); m; m = TOOL_IN_COMMAND.exec(text)) {
    const tool = m[1]!;
    if (first === undefined) first = tool;
    else if (tool !== first) (more ??= new Set([first])).add(tool);
  }
  if (first === undefined) return [];
  if (!more) return RULES_BY_TOOL.get(first) ?? [];
  const wanted = new Set([...more].flatMap((tool) => RULES_BY_TOOL.get(tool) ?? []));
  return COMMANDS.filter((rule) => wanted.has(rule));
}

const UPLOADS = new Set(["actions/upload-artifact", "actions/upload-pages-artifact"]);

/**
 * Steps that write something that outlives the job: an artifact upload, or anything in
 * the deploy table (packages, images, releases, sites).
 */
export function artifactWrites(source: SourceFile, steps: readonly StepModel[], job?: JobModel): ArtifactWrite[] {
  const deploys = new Map(deploySteps(source, steps, job).map((d) => [d.step, d]));
  const out: ArtifactWrite[] = [];
  for (const step of steps) {
    const action = stepAction(step);
    if (action !== undefined && UPLOADS.has(action)) {
      out.push({ step, what: action, at: source.positionOf(step.uses) });
      continue;
    }
    const deploy = deploys.get(step);
    if (deploy && deploy.kind !== "deploy") out.push({ step, what: deploy.what, at: deploy.at });
  }
  return out;
}
