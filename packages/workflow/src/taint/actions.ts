/**
 * What the taint rules know about particular actions: inputs they evaluate as code, outputs that
 * carry pull-request text, outputs that cannot. Keys are lower-case `owner/repo[/path]`.
 */

/** Inputs an action runs as code, and how the code reads an environment variable instead. */
export interface CodeSink {
  inputs: readonly string[];
  language: "shell" | "javascript" | "powershell" | "python";
  /** How to read an env var in that language, for the fix: `process.env.TITLE`. */
  envRead: (name: string) => string;
}

const js = (name: string) => `process.env.${name}`;
const shell = (name: string) => `"$${name}"`;
const pwsh = (name: string) => `$env:${name}`;
const python = (name: string) => `os.environ["${name}"]`;

export const CODE_SINKS: ReadonlyMap<string, CodeSink> = new Map([
  ["actions/github-script", { inputs: ["script"], language: "javascript", envRead: js }],
  ["cardinalby/js-eval-action", { inputs: ["expression"], language: "javascript", envRead: js }],
  ["amadevus/pwsh-script", { inputs: ["script"], language: "powershell", envRead: pwsh }],
  ["azure/powershell", { inputs: ["inlinescript"], language: "powershell", envRead: pwsh }],
  ["azure/cli", { inputs: ["inlinescript"], language: "shell", envRead: shell }],
  ["jannekem/run-python-script-action", { inputs: ["script"], language: "python", envRead: python }],
  ["appleboy/ssh-action", { inputs: ["script"], language: "shell", envRead: shell }],
  ["addnab/docker-run-action", { inputs: ["run"], language: "shell", envRead: shell }],
  ["mikefarah/yq", { inputs: ["cmd"], language: "shell", envRead: shell }],
  ["nick-fields/retry", { inputs: ["command"], language: "shell", envRead: shell }],
  ["nick-invision/retry", { inputs: ["command"], language: "shell", envRead: shell }],
  ["uses-dev/run-on-arch-action", { inputs: ["run"], language: "shell", envRead: shell }],
  ["uraimo/run-on-arch-action", { inputs: ["run"], language: "shell", envRead: shell }],
]);

/** Actions whose outputs carry text from a pull request or a push. */
export const TAINTED_OUTPUTS: ReadonlyArray<{ action: string; outputs: RegExp; origin: string; events: readonly string[]; multiline: boolean }> = [
  { action: "xt0rted/pull-request-comment-branch", outputs: /^head_ref$/, origin: "the pull request's head branch name", events: ["issue_comment"], multiline: false },
  { action: "tj-actions/branch-names", outputs: /branch|ref/, origin: "a branch name", events: ["pull_request", "pull_request_target", "push", "workflow_run"], multiline: false },
  { action: "tj-actions/changed-files", outputs: /files|_keys$/, origin: "file names from the change set", events: ["pull_request", "pull_request_target", "push", "workflow_run", "issue_comment"], multiline: false },
  { action: "dorny/paths-filter", outputs: /_files$/, origin: "file names from the change set", events: ["pull_request", "pull_request_target", "push", "workflow_run"], multiline: false },
];

/** Actions whose outputs are versions, digests, ids, booleans, paths or tokens: not attacker text. */
const SAFE_OUTPUT_PREFIXES = [
  "actions/checkout", "actions/setup-", "actions/cache", "actions/upload-artifact", "actions/download-artifact",
  "actions/create-github-app-token", "actions/attest", "actions/configure-pages", "actions/deploy-pages",
  "tibdex/github-app-token", "docker/", "sigstore/", "google-github-actions/", "aws-actions/",
  "azure/login", "hashicorp/setup-", "slsa-framework/", "anchore/", "github/codeql-action",
];

export function hasSafeOutputs(action: string): boolean {
  return SAFE_OUTPUT_PREFIXES.some((p) => action === p || action.startsWith(p.endsWith("/") || p.endsWith("-") ? p : `${p}/`));
}

