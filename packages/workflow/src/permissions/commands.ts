import { restUse, type ApiUse } from "./github-api.js";
import { embedsJobToken } from "./token.js";
import { mergeGrants, type Access, type Grants, type Scope } from "./scopes.js";

/** What a `run:` step can reach. */
export interface ScriptContext {
  /** Environment the step sees (workflow, job and step `env:` merged). */
  env: ReadonlyMap<string, string>;
  /** Variables of `env` holding the job token. */
  tokenVars: ReadonlySet<string>;
  /** Variables of the step's own `env:` holding the job token: the token was handed to this step. */
  stepTokenVars: ReadonlySet<string>;
  /** An earlier actions/checkout left the job token in the git config (persist-credentials). */
  gitCredentials: boolean;
  /** The workflow runs on pull-request events only: comments and labels go to pull requests. */
  pullRequests: boolean;
}

export interface ScriptNeed {
  scope: Scope;
  access: Access;
  /** The command, as a short quote: `gh pr comment`. */
  why: string;
}

export interface ScriptUse {
  needs: ScriptNeed[];
  /** Scopes the script may use in some setups; never called excessive. */
  allows: Grants;
  /** Commands that get the job token and that we cannot see into. */
  unknown: string[];
  /** Commands that run code we cannot see (scripts, test suites), with or without the token. */
  opaque: string[];
  /** The script logs in to ghcr.io with the job token. */
  ghcrLogin: boolean;
  /** Command lines that push to a container or artifact registry (their text names the target). */
  pushTargets: string[];
  /** Git holds the job token after the script (`gh auth setup-git`, a token in the remote URL). */
  gitCredentials: boolean;
}

/** `gh <group> <command>`: what each needs from the token gh is given. Absent commands are unknown. */
export const GH_COMMANDS: Readonly<Record<string, Readonly<Record<string, Grants>>>> = {
  pr: {
    view: { "pull-requests": "read" }, list: { "pull-requests": "read" }, diff: { "pull-requests": "read" }, checks: { "pull-requests": "read", checks: "read" }, status: { "pull-requests": "read" },
    checkout: { contents: "read", "pull-requests": "read" },
    create: { "pull-requests": "write" }, comment: { "pull-requests": "write" }, edit: { "pull-requests": "write" }, review: { "pull-requests": "write" },
    close: { "pull-requests": "write" }, reopen: { "pull-requests": "write" }, ready: { "pull-requests": "write" }, lock: { "pull-requests": "write" }, unlock: { "pull-requests": "write" },
    merge: { contents: "write", "pull-requests": "write" }, update: { contents: "write", "pull-requests": "write" }, "update-branch": { contents: "write", "pull-requests": "write" },
  },
  issue: {
    view: { issues: "read" }, list: { issues: "read" }, status: { issues: "read" },
    create: { issues: "write" }, comment: { issues: "write" }, edit: { issues: "write" }, close: { issues: "write" }, reopen: { issues: "write" },
    delete: { issues: "write" }, lock: { issues: "write" }, unlock: { issues: "write" }, pin: { issues: "write" }, unpin: { issues: "write" }, transfer: { issues: "write" }, develop: { issues: "write", contents: "write" },
  },
  release: {
    view: { contents: "read" }, list: { contents: "read" }, download: { contents: "read" }, verify: { contents: "read" }, "verify-asset": { contents: "read" },
    create: { contents: "write" }, upload: { contents: "write" }, edit: { contents: "write" }, delete: { contents: "write" }, "delete-asset": { contents: "write" },
  },
  run: { view: { actions: "read" }, list: { actions: "read" }, watch: { actions: "read" }, download: { actions: "read" }, rerun: { actions: "write" }, cancel: { actions: "write" }, delete: { actions: "write" } },
  workflow: { view: { actions: "read" }, list: { actions: "read" }, run: { actions: "write" }, enable: { actions: "write" }, disable: { actions: "write" } },
  cache: { list: { actions: "read" }, delete: { actions: "write" } },
  label: { list: { issues: "read" }, create: { issues: "write" }, edit: { issues: "write" }, delete: { issues: "write" }, clone: { issues: "write" } },
  repo: { view: {}, clone: { contents: "read" }, sync: { contents: "write" } },
  attestation: { verify: { attestations: "read" }, download: { attestations: "read" }, "trusted-root": {} },
  auth: { status: {}, token: {}, "setup-git": {}, login: {}, logout: {}, switch: {} },
  search: { repos: {}, issues: {}, prs: {}, code: {}, commits: {} },
};
/** The other commands `scriptUse` recognises, in words, for docs/permissions.md. Keep in step with the patterns below. */
export const SCRIPT_COMMANDS: ReadonlyArray<{ command: string; needs: string; when: string }> = [
  { command: "`git push`", needs: "`contents: write`", when: "git holds the job token: left by `actions/checkout` (its default), put in the remote URL or header, or `gh auth setup-git`" },
  { command: "`git fetch`, `pull`, `clone`, `ls-remote`", needs: "`contents: read`", when: "git holds the job token" },
  { command: "`gh api <path>` (`-X`/`--method`, or `-f`/`-F` for POST)", needs: "by path: issues, labels, pulls, releases, git, contents, statuses, check-runs, deployments, actions, pages, code-scanning, attestations, dependency-graph", when: "gh has the job token; GraphQL and admin paths are left unclassified" },
  { command: "`curl`/`wget` to `api.github.com`, `uploads.github.com` or `$GITHUB_API_URL`", needs: "as `gh api`", when: "the command line carries the job token" },
  { command: "`docker`/`podman`/`oras`/`helm registry`/`cosign`/`crane auth` `login ghcr.io`", needs: "`packages: write` if the job pushes (or runs code we cannot see), else `packages: read`", when: "the login uses the job token" },
  { command: "`docker push`, `buildx --push`, `imagetools create`, `crane`/`oras` push, `cosign sign`, `ko build`, `helm push`, `goreleaser release`", needs: "counts as a push for the login above", when: "the target is, or may be, ghcr.io" },
  { command: "`cosign sign`/`attest`/`sign-blob`/`attest-blob` without `--key`", needs: "`id-token: write`", when: "always (keyless signing)" },
  { command: "`gitsign`, `sigstore sign`", needs: "`id-token: write`", when: "always" },
  { command: "`npm`/`pnpm`/`yarn publish --provenance`, or `NPM_CONFIG_PROVENANCE=true`", needs: "`id-token: write`", when: "always" },
  { command: "`jsr publish`, `deno publish`", needs: "`id-token: write`", when: "always" },
  { command: "anything naming `ACTIONS_ID_TOKEN_REQUEST_URL` / `_TOKEN`", needs: "`id-token: write`", when: "always" },
  { command: "`npm publish` (trusted publishing), `uv publish`, `twine upload`", needs: "`id-token: write` tolerated", when: "always" },
  { command: "`semantic-release`", needs: "`contents`, `issues`, `pull-requests: write`", when: "the job token reaches the step" },
  { command: "`goreleaser release` (not `--snapshot`, not skipping publish)", needs: "`contents: write`; `packages`, `id-token: write` tolerated", when: "the job token reaches the step" },
  { command: "scripts, `make`, `mage`, `task`, interpreters given a file, programs named by a variable", needs: "not classified", when: "the job token reaches the step (or the name says release, publish, push, tag, label, comment...)" },
];

/** gh commands that never use the repository token for anything permissioned. */
const GH_NEUTRAL = new Set(["browse", "status", "config", "alias", "completion", "help", "version", "--version", "extension", "ext"]);

/** Commands that push to a container or artifact registry (the login decides which token). */
const REGISTRY_PUSH = [
  /\b(?:docker|podman|buildah)\s+(?:image\s+)?push\b/,
  /\b(?:docker\s+)?buildx\s+(?:build|bake)\b[^\n]*--push\b/,
  /\bdocker\s+buildx\s+imagetools\s+create\b/,
  /\b(?:docker|podman)\s+manifest\s+push\b/,
  /\bcrane\s+(?:push|copy|cp|append|mutate|tag|flatten|index\s+append)\b/,
  /\boras\s+(?:push|attach|copy|cp|tag|manifest\s+push)\b/,
  /\bcosign\s+(?:sign|attest|copy|attach|upload)\b/,
  /\bskopeo\s+copy\b/,
  /\bhelm\s+push\b/,
  /\bregctl\s+(?:image\s+copy|artifact\s+put|index\s+create)\b/,
  /\bko\s+(?:build|publish|resolve|apply)\b(?![^\n]*(?:--local|--push=false|\s-L\b))/,
  /\bgoreleaser\s+release\b/,
];
const REGISTRY_LOGIN = /\b(?:docker|podman|buildah|skopeo|oras|cosign|ko|crane\s+auth|helm\s+registry|regctl\s+registry)\s+login\b[^\n]*ghcr\.io|ghcr\.io[^\n]*\|\s*(?:docker|podman|oras|helm\s+registry)\s+login\b/;

const ANY_LOGIN = /\b(?:docker|podman|buildah|skopeo|oras|cosign|ko|crane\s+auth|helm\s+registry|regctl\s+registry)\s+login\b[^\n]*["']?\$\{?\w+/;
/** Words that suggest a command we cannot see into writes to GitHub with a token it finds in its environment. */
const WRITE_HINT = /release|publish|deploy|push|label|comment|\btag|upload|sync|bump|backport|milestone|changelog|merge|dispatch|promote/i;
/** Commands that run code we cannot see: script files, task runners, an interpreter given a file. */
const RUNNER = /^(?:\.{0,2}\/\S+|[\w.-]+\/[\w./-]+|\S+\.(?:sh|bash|py|js|mjs|ts|rb|pl|ps1)|make|mage|task|just|rake)(?:\s|$)|^(?:node|python3?|ruby|perl|bash|sh|pwsh|deno\s+run|go\s+run)\s+\S+\.\w+/;
/** Command lines classified above: not opaque even when they carry a write-sounding word. */
const CLASSIFIED_LINE = /\b(?:npm|pnpm|yarn|bun)\s+(?:npm\s+)?publish\b|\bjsr\s+publish\b|\bdeno\s+publish\b|semantic-release|\bgoreleaser\b|\buv\s+publish\b|\btwine\s+upload\b/;
/** Shell builtins and tools that never use a GitHub token. */
const PLAIN = new Set([
  "echo", "printf", "cd", "pushd", "popd", "exit", "set", "unset", "shopt", "export", "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while",
  "until", "case", "esac", "test", "[", "[[", "]]", "]", "true", "false", ":", "cat", "ls", "mkdir", "rm", "rmdir", "cp", "mv", "touch", "pwd", "jq", "yq", "grep",
  "egrep", "sed", "awk", "cut", "tr", "head", "tail", "sort", "uniq", "wc", "tee", "base64", "sha256sum", "sha512sum", "shasum", "md5sum", "find", "dirname",
  "basename", "date", "sleep", "read", "local", "return", "chmod", "chown", "ln", "tar", "unzip", "zip", "gzip", "gunzip", "xz", "zstd", "file", "which",
  "command", "type", "realpath", "readlink", "stat", "du", "df", "uname", "whoami", "id", "printenv", "diff", "cmp", "seq", "expr", "nproc", "mktemp", "wait",
  "trap", "sudo", "apt", "apt-get", "brew", "choco", "xargs", "env", "time", "tree", "openssl", "ssh-keygen", "gpg", "{", "}", "(", ")", "declare", "break", "continue",
]);

const GH_CALL = /(?<![\w./-])gh\s+([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?/g;
const GH_API = /(?<![\w./-])gh\s+api\s+([^\n|;&)]*)/g;
const GIT_CALL = /(?<![\w./-])git\s+([^\n|;&]*)/g;
const HTTP_CALL = /(?<![\w./-])(?:curl|wget|http|https)\s+([^\n|;&]*)/g;
const COSIGN_KEYLESS = /(?<![\w./-])cosign\s+(?:sign|attest|sign-blob|attest-blob)\b([^\n|;&]*)/g;
const OIDC_REQUEST = /ACTIONS_ID_TOKEN_REQUEST_(?:URL|TOKEN)/;

/** What a `run:` script needs from the job token. */
export function scriptUse(script: string, ctx: ScriptContext): ScriptUse {
  const full = joinContinuations(stripHeredocs(script));
  // what `echo "..."` prints is text, not commands
  const text = full.replace(/\b(echo|printf)(\s+-\w+)*\s+("[^"\n]*"|'[^'\n]*')/g, "$1 ''");
  const out: ScriptUse = { needs: [], allows: {}, unknown: [], opaque: [], ghcrLogin: false, pushTargets: [], gitCredentials: ctx.gitCredentials };
  const add = (grants: Grants, why: string) => {
    for (const [scope, access] of Object.entries(grants) as Array<[Scope, Access]>) out.needs.push({ scope, access, why });
  };
  const inline = embedsJobToken(full);
  const namesToken = [...ctx.tokenVars].some((name) => mentionsVariable(full, name));
  const ghToken = ghHasJobToken(text, ctx) || inline;
  const tokenReachable = ghToken || inline || namesToken || ctx.stepTokenVars.size > 0;

  if (ghToken) classifyGh(text, ctx, add, out);
  if (ghToken && /\bgh\s+auth\s+setup-git\b/.test(text)) out.gitCredentials = true;
  if (inline || namesToken) {
    if (/x-access-token|extraheader|@github\.com|git\s+remote\s+set-url|git\s+config[^\n]*url\./i.test(text)) out.gitCredentials = true;
  }
  classifyGit(text, out, add);
  if (inline || namesToken) classifyHttp(text, ctx, add, out);
  classifyOidc(text, ctx, add, out);
  classifyReleaseTools(text, tokenReachable, add, out);

  for (const line of text.split("\n")) {
    if (!REGISTRY_PUSH.some((re) => re.test(line))) continue;
    // ko pushes to $KO_DOCKER_REPO, which ko-build/setup-ko points at ghcr.io when it is not set
    out.pushTargets.push(/\bko\s/.test(line) ? `${line} ${ctx.env.get("KO_DOCKER_REPO") ?? "ghcr.io"}` : line);
  }
  out.ghcrLogin = REGISTRY_LOGIN.test(text) && (inline || namesToken);
  // a login to a registry named by a variable may be ghcr.io with a job token passed in as a secret
  if (ANY_LOGIN.test(text) && !out.ghcrLogin) out.allows.packages = "write";
  const opaque = opaqueCommands(text, ctx, inline || namesToken);
  out.opaque.push(...opaque.opaque);
  if (tokenReachable) out.unknown.push(...opaque.unknown);
  return out;
}

function ghHasJobToken(text: string, ctx: ScriptContext): boolean {
  // gh reads GH_TOKEN first, then GITHUB_TOKEN
  const ghTokenValue = ctx.env.get("GH_TOKEN");
  if (ghTokenValue !== undefined) return ctx.tokenVars.has("GH_TOKEN");
  if (ctx.tokenVars.has("GITHUB_TOKEN")) return true;
  // GH_TOKEN=$TOKEN gh ..., export GH_TOKEN="${{ github.token }}", gh auth login --with-token <<< $TOKEN
  const assigned = /\b(?:GH_TOKEN|GITHUB_TOKEN)=["']?\$\{?(\w+)/g;
  for (const match of text.matchAll(assigned)) if (ctx.tokenVars.has(match[1] ?? "")) return true;
  if (/gh\s+auth\s+login\b/.test(text)) return [...ctx.tokenVars].some((name) => mentionsVariable(text, name));
  return false;
}

function classifyGh(text: string, ctx: ScriptContext, add: (g: Grants, why: string) => void, out: ScriptUse): void {
  for (const match of text.matchAll(GH_CALL)) {
    const group = match[1] ?? "";
    const command = match[2] ?? "";
    if (group === "api" || GH_NEUTRAL.has(group)) continue;
    const table = GH_COMMANDS[group];
    const grants = table?.[command];
    if (grants) add(grants, `gh ${group} ${command}`);
    else out.unknown.push(`gh ${group}${command ? ` ${command}` : ""}`);
  }
  for (const match of text.matchAll(GH_API)) {
    const words = shellWords(match[1] ?? "");
    const { method, path } = ghApiArgs(words);
    if (!path) {
      out.unknown.push("gh api");
      continue;
    }
    applyApi(restUse(method, path, ctx.pullRequests), `gh api ${method === "GET" ? "" : `-X ${method} `}${shorten(path)}`, add, out);
  }
}

function ghApiArgs(words: string[]): { method: string; path?: string } {
  const valued = new Set(["-X", "--method", "-H", "--header", "-f", "-F", "--field", "--raw-field", "--jq", "-q", "--template", "-t", "--input", "--hostname", "--cache", "-p", "--preview"]);
  let method: string | undefined;
  let hasBody = false;
  let path: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    const [flag, inlineValue] = word.startsWith("--") && word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
    if (flag === "-X" || flag === "--method") method = (inlineValue ?? words[++i] ?? "GET").toUpperCase();
    else if (/^-X[A-Z]+$/.test(word)) method = word.slice(2);
    else if (["-f", "-F", "--field", "--raw-field", "--input"].includes(flag)) {
      hasBody = true;
      if (inlineValue === undefined) i++;
    } else if (valued.has(flag)) {
      if (inlineValue === undefined) i++;
    } else if (!word.startsWith("-") && path === undefined) path = word;
  }
  return { method: method ?? (hasBody ? "POST" : "GET"), path };
}

function applyApi(use: ApiUse, why: string, add: (g: Grants, why: string) => void, out: ScriptUse): void {
  add(use.grants, why);
  if (use.allows) mergeGrants(out.allows, use.allows);
  if (use.unknown) out.unknown.push(why);
}

function classifyGit(text: string, out: ScriptUse, add: (g: Grants, why: string) => void): void {
  if (!out.gitCredentials) return;
  for (const match of text.matchAll(GIT_CALL)) {
    const words = shellWords(match[1] ?? "");
    let i = 0;
    while (i < words.length && (words[i] ?? "").startsWith("-")) i += words[i] === "-c" || words[i] === "-C" ? 2 : 1; // git -c key=value -C dir <command>
    const command = words[i];
    const rest = words.slice(i + 1).join(" ");
    if (command === "push" && !/--dry-run|(?:^|\s)-n\b/.test(rest)) add({ contents: "write" }, "git push");
    else if (command === "fetch" || command === "pull" || command === "ls-remote" || command === "clone") add({ contents: "read" }, `git ${command}`);
  }
}

function classifyHttp(text: string, ctx: ScriptContext, add: (g: Grants, why: string) => void, out: ScriptUse): void {
  for (const match of text.matchAll(HTTP_CALL)) {
    const args = match[1] ?? "";
    const words = shellWords(args);
    const url = words.find((w) => /api\.github\.com|uploads\.github\.com|GITHUB_API_URL|github\.api_url/i.test(w));
    if (!url) continue;
    const usesToken = embedsJobToken(args) || [...ctx.tokenVars].some((name) => mentionsVariable(args, name)) || /Authorization/i.test(args);
    if (!usesToken) continue;
    const explicit = /(?:-X|--request)\s*=?\s*["']?([A-Za-z]+)/.exec(args)?.[1];
    const method = explicit ?? (/(?:^|\s)(?:-d|--data[\w-]*|-F|--form|--json|-T|--upload-file)\b/.test(args) ? "POST" : "GET");
    if (/uploads\.github\.com/.test(url)) {
      add({ contents: "write" }, "curl uploads.github.com");
      continue;
    }
    const path = url.replace(/^.*?(?:api\.github\.com|GITHUB_API_URL\}?|github\.api_url\s*\}\})/i, "");
    applyApi(restUse(method, path, ctx.pullRequests), `curl -X ${method.toUpperCase()} ${shorten(path)}`, add, out);
  }
}

function classifyOidc(text: string, ctx: ScriptContext, add: (g: Grants, why: string) => void, out: ScriptUse): void {
  if (OIDC_REQUEST.test(text)) add({ "id-token": "write" }, "an OIDC token request");
  for (const match of text.matchAll(COSIGN_KEYLESS)) {
    const rest = match[1] ?? "";
    if (!/--key\b|(?:^|\s)-key\b|--identity-token\b|--sk\b/.test(rest)) add({ "id-token": "write" }, "keyless cosign signing");
  }
  if (/(?<![\w./-])gitsign\b/.test(text) || /(?<![\w./-])(?:python3?\s+-m\s+)?sigstore\s+(?:sign|attest)\b/.test(text)) add({ "id-token": "write" }, "keyless Sigstore signing");
  const provenanceEnv = /^(?:true|1)$/i.test(ctx.env.get("NPM_CONFIG_PROVENANCE") ?? "") || /NPM_CONFIG_PROVENANCE=["']?true/i.test(text);
  for (const match of text.matchAll(/(?<![\w./-])(npm|pnpm|yarn(?:\s+npm)?)\s+publish\b([^\n|;&]*)/g)) {
    if (provenanceEnv || /--provenance\b/.test(match[2] ?? "")) add({ "id-token": "write" }, `${match[1]} publish --provenance`);
    else out.allows["id-token"] = "write"; // npm trusted publishing also uses the OIDC token
  }
  if (/(?<![\w./-])(?:npx\s+|deno\s+)?jsr\s+publish\b|deno\s+publish\b/.test(text)) add({ "id-token": "write" }, "jsr publish");
  if (/(?<![\w./-])uv\s+publish\b|twine\s+upload\b/.test(text)) out.allows["id-token"] = "write";
}

function classifyReleaseTools(text: string, tokenReachable: boolean, add: (g: Grants, why: string) => void, out: ScriptUse): void {
  if (!tokenReachable) return;
  if (/(?<![\w./-])semantic-release\b/.test(text)) {
    add({ contents: "write", issues: "write", "pull-requests": "write" }, "semantic-release");
    out.allows["id-token"] = "write";
  }
  const goreleaser = /(?<![\w./-])goreleaser\s+release\b([^\n|;&]*)/.exec(text);
  if (goreleaser && !/--snapshot|--skip[= ]?[\w,]*publish|--skip-publish/.test(goreleaser[1] ?? "")) {
    add({ contents: "write" }, "goreleaser release");
    mergeGrants(out.allows, { packages: "write", "id-token": "write" });
  }
}

/** Commands that run code we cannot see; `unknown` when they get the job token. */
function opaqueCommands(text: string, ctx: ScriptContext, named: boolean): { unknown: string[]; opaque: string[] } {
  const out = { unknown: [] as string[], opaque: [] as string[] };
  const handed = named || ctx.stepTokenVars.size > 0;
  const tokenReachable = handed || ctx.tokenVars.size > 0;
  for (const command of simpleCommands(text)) {
    const words = shellWords(command);
    while (words.length > 0 && (/^[A-Za-z_]\w*=/.test(words[0] ?? "") || PREFIXES.has(words[0] ?? ""))) words.shift();
    const name = words[0];
    if (name && (/^\$\{?\w+\}?\//.test(name) || (/^\$\{?\w+\}?$/.test(name) && words.length > 1))) {
      // a program named by a variable: "$GITHUB_WORKSPACE/$BUILDER_BINARY" attest
      out.opaque.push(shorten(words.join(" ")));
      if (tokenReachable) out.unknown.push(shorten(words.join(" ")));
      continue;
    }
    if (!name || !/^[\w./][\w./+-]*$/.test(name) || PLAIN.has(name)) continue;
    const base = name.replace(/^.*\//, "");
    const line = words.join(" ");
    if (RECOGNIZED.has(base) || CLASSIFIED_LINE.test(line)) continue;
    const runner = RUNNER.test(line) || TEST_RUNNER.test(line);
    if (runner) out.opaque.push(shorten(line));
    if (!tokenReachable) continue;
    const usesTokenHere = [...ctx.tokenVars].some((v) => mentionsVariable(line, v)) || embedsJobToken(line);
    if (usesTokenHere || WRITE_HINT.test(line) || RUNNER.test(line)) out.unknown.push(shorten(line));
  }
  return out;
}

const PREFIXES = new Set(["sudo", "time", "exec", "nohup", "then", "do", "else", "elif", "if", "while", "until", "!", "env", "command", "{", "("]);
/** Package scripts and test runners: they run project code (which could request an OIDC token). */
const TEST_RUNNER = /^(?:npm|pnpm|yarn|bun)\s+(?:run\s+|exec\s+)?(?:test|[\w:-]*(?:test|e2e|itg|integration|sign|release|publish|deploy)[\w:-]*)\b|^(?:npx|pnpx|bunx)\s|^go\s+(?:test|run)\b|^cargo\s+(?:test|run)\b|^(?:pytest|tox|nox|rspec|jest|vitest|mocha)\b|^(?:\.\/)?gradlew?\s|^mvn\s|^dotnet\s+(?:test|run)\b|^bundle\s+exec\b/;

/** Tools whose token use we classify above (or that never use the GitHub token). */
const RECOGNIZED = new Set(["gh", "git", "curl", "wget", "cosign", "gitsign", "docker", "podman", "buildah", "crane", "oras", "skopeo", "helm", "regctl", "ko", "jsr", "semantic-release", "goreleaser", "sigstore", "twine", "uv"]);

/** Splits a script into simple commands at newlines, `;`, `&&`, `||`, `|`, outside quotes; command substitutions start a command of their own. */
function simpleCommands(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let quote: "'" | '"' | undefined;
  const cut = () => {
    const part = current.trim();
    if (part !== "") out.push(part);
    current = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    const next = text[i + 1] ?? "";
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      current += ch;
      continue;
    }
    if (ch === "$" && next === "(" && text[i + 2] !== "(") {
      cut();
      i++;
      continue;
    }
    if (ch === "`") {
      cut();
      continue;
    }
    if (quote === '"') {
      if (ch === '"' && text[i - 1] !== "\\") quote = undefined;
      current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === "#" && (current === "" || /\s$/.test(current))) {
      while (i < text.length && text[i] !== "\n") i++;
      cut();
    } else if (ch === "\n" || ch === ";" || ch === "|" || ch === ")" || (ch === "&" && next === "&")) {
      cut();
      if ((ch === "&" || ch === "|") && next === ch) i++;
    } else current += ch;
  }
  cut();
  return out;
}

function joinContinuations(text: string): string {
  return text.replace(/\\\r?\n/g, " ").replace(/`\r?\n/g, " ");
}

/** Drops here-document bodies: their lines are data, not commands. */
function stripHeredocs(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let terminator: string | undefined;
  for (const line of lines) {
    if (terminator !== undefined) {
      if (line.trim() === terminator) terminator = undefined;
      continue;
    }
    out.push(line);
    const heredoc = /<<-?\s*(["']?)([A-Za-z_]\w*)\1/.exec(line);
    if (heredoc && !line.includes("<<<")) terminator = heredoc[2];
  }
  return out.join("\n");
}

function mentionsVariable(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`\\$\\{?${escaped}\\b|\\$env:${escaped}\\b|%${escaped}%|process\\.env\\.${escaped}\\b|environ(?:\\.get\\(|\\[)["']${escaped}["']`).test(text);
}

/** Splits a command line into words, honouring single and double quotes. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = "";
  let quote: string | undefined;
  let inWord = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

function shorten(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
