import type { TokenKind } from "./token.js";
import type { Grants } from "./scopes.js";

/** A step's `with:` inputs and trigger, as the conditions of the knowledge base see them. */
export interface ActionInputs {
  /** The input's text as written (names compare case-insensitively), or undefined. */
  input(name: string): string | undefined;
  /** Which token an input's value carries. */
  token(name: string): TokenKind;
  /** Events that trigger the workflow. */
  events: ReadonlySet<string>;
  /** An earlier actions/checkout left the job token in the git config. */
  gitCredentials: boolean;
}

/** Where an action takes its GitHub token from. */
export interface TokenSource {
  /** Inputs that take a token; when none of them is given, `defaultJob` says whether the job token is used. */
  inputs?: readonly string[];
  defaultJob?: boolean;
  /** Environment variables the action reads the token from. */
  env?: readonly string[];
  /** It pushes with the credentials actions/checkout left in the git config. */
  git?: boolean;
}

export interface ActionCondition {
  /** For the docs: "`registry` is ghcr.io and `password` is the job token". */
  text: string;
  test(a: ActionInputs): boolean;
  needs: Grants;
  /** The need comes with the job token (default) or without it (an OIDC token request). */
  viaToken?: boolean;
  /** The scopes may be needed: tolerate them (never called excessive) without requiring them. */
  mayNeed?: boolean;
}

/** What one action needs from the GITHUB_TOKEN of its job. */
export interface ActionPermissions {
  /** How it gets a token. Without it the action never uses the job token. */
  token?: TokenSource;
  /** What it needs when it uses the job token. */
  needs?: Grants;
  /** Needs under conditions on its inputs or trigger. */
  when?: readonly ActionCondition[];
  /** Scopes it uses in some setups (private repositories, optional features): never called excessive, not written by --fix. */
  allows?: Grants;
  /**
   * It logs in to ghcr.io with the job token: `packages: write` when the job pushes, `read` when it
   * only pulls. `"implicit"`: a setup action that logs in on the side; only a push to ghcr.io counts.
   */
  ghcrLogin?: (a: ActionInputs) => boolean | "implicit";
  /** It pushes to a registry: the text naming the target (tags), `""` when unknown, false when it does not push. */
  pushes?: (a: ActionInputs) => string | false;
  /** Classified from an input holding code: `script` (actions/github-script) or a shell `command`. */
  code?: { input: string; kind: "github-script" | "shell" };
  /** One line for docs/permissions.md when the table alone does not say enough. */
  note?: string;
}

const isTrue = (value: string | undefined): boolean => value !== undefined && /^\s*true\s*$/i.test(value);
const isFalse = (value: string | undefined): boolean => value !== undefined && /^\s*false\s*$/i.test(value);
/** True, or an expression that may evaluate to true. */
const mayBeTrue = (value: string | undefined): boolean => value !== undefined && !isFalse(value) && (isTrue(value) || value.includes("${{"));
const given = (value: string | undefined): boolean => value !== undefined && value.trim() !== "";
const staleDays = (a: ActionInputs, kind: "issue" | "pr"): string => (a.input(`days-before-${kind}-stale`) ?? a.input("days-before-stale") ?? "60").trim();
const PR_EVENTS = new Set(["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"]);
const onPullRequests = (a: ActionInputs): boolean => [...a.events].some((e) => PR_EVENTS.has(e));

/** Token inputs that default to `${{ github.token }}`. */
const token = (...inputs: string[]): TokenSource => ({ inputs, defaultJob: true });
const TOKEN = token("token");
const GITHUB_TOKEN = token("github-token");
const REPO_TOKEN = token("repo-token");

const NOTHING: ActionPermissions = {};
const RELEASE: ActionPermissions = { token: TOKEN, needs: { contents: "write" } };

const codeqlUpload: ActionPermissions = {
  token: token("token"),
  needs: { "security-events": "write", actions: "read", contents: "read" },
  note: "`actions: read` and `contents: read` are only used in private repositories; Peptide assumes private.",
};

const attest: ActionPermissions = {
  token: GITHUB_TOKEN,
  needs: { attestations: "write" },
  when: [{ text: "always (Sigstore signing)", test: () => true, needs: { "id-token": "write" }, viaToken: false }],
  allows: { packages: "write", contents: "read" },
  pushes: (a) => isTrue(a.input("push-to-registry")) && (a.input("subject-name") ?? ""),
};

const PEPTIDE_SIGNING: ActionCondition = { text: "always (keyless Sigstore signing with the job's OIDC token)", test: () => true, needs: { "id-token": "write" }, viaToken: false };
/** The input names an image on ghcr.io and the job token is its credential (`github-token`, default `github.token`). */
const onGhcr = (a: ActionInputs, input: string): boolean => /(^|\/\/)ghcr\.io\//i.test(a.input(input) ?? "") && (a.input("github-token") === undefined || a.token("github-token") === "job");

const peptideAttest: ActionPermissions = {
  token: GITHUB_TOKEN,
  when: [PEPTIDE_SIGNING, { text: "`github-attestations` is true", test: (a) => mayBeTrue(a.input("github-attestations")), needs: { attestations: "write" } }],
  allows: { contents: "read" },
  ghcrLogin: (a) => onGhcr(a, "subject-name"),
  pushes: (a) => isTrue(a.input("push-to-registry")) && (a.input("subject-name") ?? ""),
};

const comment = (scopes: "pr" | "issue-or-pr"): ActionPermissions => ({
  token: TOKEN,
  needs: scopes === "pr" ? { "pull-requests": "write" } : {},
  when:
    scopes === "pr"
      ? []
      : [
          { text: "on pull-request events", test: onPullRequests, needs: { "pull-requests": "write" } },
          { text: "on other events", test: (a) => !onPullRequests(a), needs: { issues: "write" } },
        ],
  allows: { issues: "write", "pull-requests": "write" },
});

const setup = NOTHING; // installs a tool; any token input only lifts the anonymous rate limit

/**
 * The knowledge base, keyed by lower-case `owner/repo[/path]`. Covers every action used more than
 * once in the 399-workflow corpus and the most used actions on the Marketplace.
 */
export const ACTIONS: Readonly<Record<string, ActionPermissions>> = {
  // ---- actions/* (GitHub)
  "actions/checkout": { token: TOKEN, needs: { contents: "read" }, note: "Leaves the token in the git config unless `persist-credentials: false`; a later `git push` then needs `contents: write`." },
  "actions/setup-go": setup,
  "actions/setup-node": setup,
  "actions/setup-python": setup,
  "actions/setup-java": setup,
  "actions/setup-dotnet": setup,
  "actions/cache": NOTHING,
  "actions/cache/restore": NOTHING,
  "actions/cache/save": NOTHING,
  "actions/upload-artifact": NOTHING,
  "actions/upload-artifact/merge": NOTHING,
  "actions/download-artifact": {
    token: { inputs: ["github-token"], defaultJob: false },
    when: [{ text: "`run-id` is set (another run's artifacts)", test: (a) => given(a.input("run-id")), needs: { actions: "read" } }],
  },
  "actions/github-script": { token: GITHUB_TOKEN, code: { input: "script", kind: "github-script" }, note: "Classified from the `github.rest.*` calls in `script`; `github.graphql` or a `require`d file cannot be classified." },
  "actions/create-github-app-token": NOTHING,
  "actions/upload-pages-artifact": NOTHING,
  "actions/configure-pages": { token: TOKEN, needs: { pages: "read" }, allows: { pages: "write" } },
  "actions/deploy-pages": { token: TOKEN, needs: { pages: "write" }, when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
  "actions/attest-build-provenance": attest,
  "actions/attest": attest,
  "actions/attest-sbom": attest,
  "actions/stale": {
    token: REPO_TOKEN,
    when: [
      { text: "issues go stale (`days-before-issue-stale`, else `days-before-stale`, is not -1)", test: (a) => staleDays(a, "issue") !== "-1", needs: { issues: "write" } },
      { text: "pull requests go stale (`days-before-pr-stale`, else `days-before-stale`, is not -1)", test: (a) => staleDays(a, "pr") !== "-1", needs: { "pull-requests": "write" } },
      { text: "`delete-branch: true`", test: (a) => isTrue(a.input("delete-branch")), needs: { contents: "write" } },
    ],
    allows: { actions: "write", issues: "write", "pull-requests": "write" },
    note: "v9 keeps its state in the Actions cache: `actions: write` lets it delete the old entry.",
  },
  "actions/labeler": { token: REPO_TOKEN, needs: { contents: "read", "pull-requests": "write" }, allows: { issues: "write" } },
  "actions/first-interaction": { token: REPO_TOKEN, needs: { issues: "write", "pull-requests": "write" } },
  "actions/dependency-review-action": {
    token: REPO_TOKEN,
    needs: { contents: "read" },
    when: [{ text: "`comment-summary-in-pr` is set", test: (a) => given(a.input("comment-summary-in-pr")) && !/^never$/i.test(a.input("comment-summary-in-pr") ?? ""), needs: { "pull-requests": "write" } }],
  },
  "actions/publish-immutable-action": { token: GITHUB_TOKEN, needs: { contents: "read", packages: "write" }, when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
  "actions/delete-package-versions": { token: TOKEN, needs: { packages: "write" } },
  "actions/add-to-project": { token: { inputs: ["github-token"], defaultJob: false }, needs: { "repository-projects": "write" } },
  "actions/create-release": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write" } },
  "actions/upload-release-asset": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write" } },
  "actions/ai-inference": { token: TOKEN, needs: { models: "read" } },
  "actions/setup-haskell": setup,
  "actions/setup-ruby": setup,
  "actions/setup-elixir": setup,
  "actions/dependency-submission": { token: TOKEN, needs: { contents: "write" } },

  // ---- github/* (GitHub)
  "github/codeql-action/init": { token: TOKEN, needs: { contents: "read" }, allows: { actions: "read", packages: "read", "security-events": "write" } },
  "github/codeql-action/autobuild": NOTHING,
  "github/codeql-action/analyze": {
    token: TOKEN,
    needs: { contents: "read", actions: "read" },
    when: [{ text: "`upload` is not `false`/`never`", test: (a) => !/^(false|never)$/i.test((a.input("upload") ?? "").trim()), needs: { "security-events": "write" } }],
    allows: { packages: "read" },
  },
  "github/codeql-action/upload-sarif": codeqlUpload,
  "github/codeql-action/resolve-environment": NOTHING,
  "github/codeql-action/start-proxy": NOTHING,
  "github/codeql-action/setup-codeql": NOTHING,
  "github/issue-labeler": { token: REPO_TOKEN, needs: { issues: "write" }, allows: { contents: "read", "pull-requests": "write" } },
  "github/setup-licensed": setup,
  "github/licensed-ci": { token: { inputs: ["github_token"], defaultJob: true }, needs: { contents: "write", "pull-requests": "write" } },
  "github/super-linter": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "read", statuses: "write" }, allows: { packages: "read" } },
  "github/super-linter/slim": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "read", statuses: "write" }, allows: { packages: "read" } },

  // ---- docker/*
  "docker/setup-buildx-action": NOTHING,
  "docker/setup-qemu-action": NOTHING,
  "docker/setup-docker-action": NOTHING,
  "docker/setup-compose-action": NOTHING,
  "docker/metadata-action": NOTHING,
  "docker/login-action": {
    ghcrLogin: (a) => /(^|\/\/)ghcr\.io/i.test(a.input("registry") ?? "") && a.token("password") === "job",
    when: [
      {
        text: "`registry` is computed and `password` a secret (it may be ghcr.io with a caller's job token)",
        test: (a) => /\$\{\{/.test(a.input("registry") ?? "") && a.token("password") !== "none",
        needs: { packages: "write" },
        viaToken: false,
        mayNeed: true,
      },
    ],
    note: "Logging in to ghcr.io with the job token needs `packages: write` when the job pushes, `packages: read` when it only pulls.",
  },
  "docker/build-push-action": {
    token: GITHUB_TOKEN,
    when: [{ text: "`context` is not set (the Git context, fetched with the token)", test: (a) => !given(a.input("context")) || /defaultContext|github\.com/i.test(a.input("context") ?? ""), needs: { contents: "read" } }],
    pushes: (a) => (mayBeTrue(a.input("push")) || /push=true/.test(a.input("outputs") ?? "")) && (a.input("tags") ?? ""),
  },
  "docker/bake-action": {
    token: GITHUB_TOKEN,
    when: [{ text: "`source` is the Git context", test: (a) => !given(a.input("source")) || /defaultContext|github\.com/i.test(a.input("source") ?? ""), needs: { contents: "read" } }],
    pushes: (a) => (mayBeTrue(a.input("push")) || /push=true/.test(a.input("set") ?? "")) && "",
  },
  "docker/bake-action/subaction/matrix": NOTHING,
  "docker/bake-action/subaction/list-targets": NOTHING,
  "docker/scout-action": {
    token: GITHUB_TOKEN,
    when: [{ text: "on pull-request events, unless `write-comment: false`", test: (a) => onPullRequests(a) && !isFalse(a.input("write-comment")), needs: { "pull-requests": "write" } }],
    allows: { "pull-requests": "write" },
  },

  // ---- release, pull requests, comments
  "softprops/action-gh-release": {
    token: TOKEN,
    needs: { contents: "write" },
    when: [{ text: "`discussion_category_name` is set", test: (a) => given(a.input("discussion_category_name")), needs: { discussions: "write" } }],
  },
  "ncipollo/release-action": RELEASE,
  "svenstaro/upload-release-action": tokenInput("repo_token", { contents: "write" }),
  "marvinpinto/action-automatic-releases": tokenInput("repo_token", { contents: "write" }, false),
  "release-drafter/release-drafter": { token: { env: ["GITHUB_TOKEN"], inputs: ["token"], defaultJob: false }, needs: { contents: "write", "pull-requests": "read" }, allows: { "pull-requests": "write" } },
  "googleapis/release-please-action": { token: TOKEN, needs: { contents: "write", "pull-requests": "write" }, allows: { issues: "write" } },
  "google-github-actions/release-please-action": { token: TOKEN, needs: { contents: "write", "pull-requests": "write" }, allows: { issues: "write" } },
  "changesets/action": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write", "pull-requests": "write" }, allows: { "id-token": "write", issues: "write" } },
  "peter-evans/create-pull-request": { token: TOKEN, needs: { contents: "write", "pull-requests": "write" } },
  "korthout/backport-action": {
    token: { inputs: ["github_token"], defaultJob: true },
    needs: { "pull-requests": "write" },
    when: [{ text: "actions/checkout left the job token in git (it pushes the backport branch with it)", test: (a) => a.gitCredentials, needs: { contents: "write" }, viaToken: false }],
    allows: { issues: "write" },
  },
  "peter-evans/create-or-update-comment": comment("issue-or-pr"),
  "peter-evans/find-comment": {
    token: TOKEN,
    when: [
      { text: "on pull-request events", test: onPullRequests, needs: { "pull-requests": "read" } },
      { text: "on other events", test: (a) => !onPullRequests(a), needs: { issues: "read" } },
    ],
    allows: { issues: "read", "pull-requests": "read" },
  },
  "peter-evans/repository-dispatch": { token: TOKEN, needs: { contents: "write" } },
  "peter-evans/enable-pull-request-automerge": { token: TOKEN, needs: { contents: "write", "pull-requests": "write" } },
  "peter-evans/create-issue-from-file": { token: TOKEN, needs: { issues: "write" } },
  "peter-evans/dockerhub-description": NOTHING,
  "marocchino/sticky-pull-request-comment": { token: { inputs: ["github_token", "GITHUB_TOKEN"], defaultJob: true }, needs: { "pull-requests": "write" } },
  "thollander/actions-comment-pull-request": { token: { inputs: ["github-token", "GITHUB_TOKEN"], defaultJob: true }, needs: { "pull-requests": "write" } },
  "mshick/add-pr-comment": { token: { inputs: ["repo-token"], defaultJob: true }, needs: { "pull-requests": "write" }, allows: { issues: "write" } },
  "actions-ecosystem/action-add-labels": tokenInput("github_token", { "pull-requests": "write" }, true, { issues: "write" }),
  "actions-ecosystem/action-remove-labels": tokenInput("github_token", { "pull-requests": "write" }, true, { issues: "write" }),
  "thehanimo/pr-title-checker": tokenInput("GITHUB_TOKEN", { "pull-requests": "write" }, true, { issues: "write" }),
  "amannn/action-semantic-pull-request": { token: { env: ["GITHUB_TOKEN"] }, needs: { "pull-requests": "read" } },
  "lerebear/sizeup-action": { token: TOKEN, needs: { "pull-requests": "write" }, allows: { issues: "write", contents: "read" } },
  "actionsdesk/lfs-warning": { token: TOKEN, needs: { "pull-requests": "write" }, allows: { issues: "write", contents: "read" } },
  "ianlewis/todo-issue-reopener": { token: TOKEN, needs: { issues: "write" }, allows: { contents: "read" } },
  "jasonetco/create-an-issue": { token: { env: ["GITHUB_TOKEN"] }, needs: { issues: "write" } },
  "dependabot/fetch-metadata": { token: GITHUB_TOKEN, needs: { "pull-requests": "read" } },
  "fastify/github-action-merge-dependabot": { token: GITHUB_TOKEN, needs: { contents: "write", "pull-requests": "write" } },
  "hmarr/auto-approve-action": { token: GITHUB_TOKEN, needs: { "pull-requests": "write" } },
  "pascalgn/automerge-action": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write", "pull-requests": "write" } },
  "kentaro-m/auto-assign-action": { token: REPO_TOKEN, needs: { "pull-requests": "write" } },
  "pozil/auto-assign-issue": { token: { inputs: ["repo-token"], defaultJob: true }, needs: { issues: "write" } },
  "mheap/github-action-required-labels": { token: TOKEN, needs: { "pull-requests": "read" }, when: [{ text: "`add_comment: true`", test: (a) => isTrue(a.input("add_comment")), needs: { "pull-requests": "write" } }] },
  "wagoid/commitlint-github-action": { token: TOKEN, needs: { contents: "read", "pull-requests": "read" } },
  "feelepxyz/dependabot-changesets": { token: GITHUB_TOKEN, needs: { contents: "write", "pull-requests": "read" }, note: "Checks out and pushes with its `github-token`." },
  "endbug/add-and-commit": { token: { inputs: ["github_token"], defaultJob: true, git: true }, needs: { contents: "write" } },
  "ad-m/github-push-action": { token: { inputs: ["github_token"], defaultJob: true }, needs: { contents: "write" } },
  "stefanzweifel/git-auto-commit-action": { token: { git: true }, needs: { contents: "write" }, note: "Pushes with the credentials actions/checkout left behind." },
  "mislav/bump-homebrew-formula-action": { token: { env: ["COMMITTER_TOKEN"] }, needs: { contents: "write" } },
  "crazy-max/ghaction-github-labeler": { token: GITHUB_TOKEN, needs: { issues: "write" } },
  "crazy-max/ghaction-github-pages": { token: { env: ["GITHUB_TOKEN", "GH_PAT"] }, needs: { contents: "write" } },
  "jamesives/github-pages-deploy-action": { token: TOKEN, needs: { contents: "write" } },
  "peaceiris/actions-gh-pages": { token: { inputs: ["github_token"], defaultJob: false }, needs: { contents: "write" } },
  "helm/chart-releaser-action": { token: { env: ["CR_TOKEN"] }, needs: { contents: "write" } },
  "mathieudutour/github-tag-action": tokenInput("github_token", { contents: "write" }, false),
  "anothrnick/github-tag-action": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write" } },
  "rymndhng/release-on-push-action": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write" } },

  // ---- checks, test reports, linters
  "golangci/golangci-lint-action": {
    token: GITHUB_TOKEN,
    needs: { contents: "read" },
    when: [{ text: "`only-new-issues: true`", test: (a) => mayBeTrue(a.input("only-new-issues")), needs: { "pull-requests": "read" } }],
    allows: { checks: "write", "pull-requests": "read" },
  },
  "dorny/test-reporter": { token: TOKEN, needs: { checks: "write", contents: "read" }, when: [{ text: "`artifact` is set", test: (a) => given(a.input("artifact")), needs: { actions: "read" } }] },
  "mikepenz/action-junit-report": { token: TOKEN, needs: { checks: "write" }, allows: { "pull-requests": "write" } },
  "enricomi/publish-unit-test-result-action": publishUnitTest(),
  "enricomi/publish-unit-test-result-action/composite": publishUnitTest(),
  "enricomi/publish-unit-test-result-action/linux": publishUnitTest(),
  "enricomi/publish-unit-test-result-action/macos": publishUnitTest(),
  "enricomi/publish-unit-test-result-action/windows": publishUnitTest(),
  "derlev/eslint-annotations": { token: GITHUB_TOKEN, needs: { checks: "write" }, allows: { contents: "read" } },
  "super-linter/super-linter": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "read", statuses: "write" }, allows: { packages: "read" } },
  "super-linter/super-linter/slim": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "read", statuses: "write" }, allows: { packages: "read" } },
  "dorny/paths-filter": { token: TOKEN, when: [{ text: "on pull-request events", test: onPullRequests, needs: { "pull-requests": "read" } }], allows: { contents: "read" } },
  "tj-actions/changed-files": { token: TOKEN, when: [{ text: "on pull-request events", test: onPullRequests, needs: { "pull-requests": "read" } }], allows: { contents: "read" } },
  "reviewdog/action-setup": setup,
  "sonarsource/sonarcloud-github-action": { token: { env: ["GITHUB_TOKEN"] }, allows: { "pull-requests": "read", contents: "read" } },
  "sonarsource/sonarqube-scan-action": { token: { env: ["GITHUB_TOKEN"] }, allows: { "pull-requests": "read", contents: "read" } },
  "codecov/codecov-action": { when: [{ text: "`use_oidc: true`", test: (a) => mayBeTrue(a.input("use_oidc")), needs: { "id-token": "write" }, viaToken: false }] },
  "codecov/test-results-action": { when: [{ text: "`use_oidc: true`", test: (a) => mayBeTrue(a.input("use_oidc")), needs: { "id-token": "write" }, viaToken: false }] },
  "coverallsapp/github-action": NOTHING,
  "codacy/codacy-coverage-reporter-action": NOTHING,
  "codspeedhq/action": { when: [{ text: "no `token` (OIDC authentication)", test: (a) => !given(a.input("token")), needs: { "id-token": "write" }, viaToken: false }] },
  "hadolint/hadolint-action": NOTHING,
  "ludeeus/action-shellcheck": NOTHING,
  "crate-ci/typos": NOTHING,
  "codespell-project/actions-codespell": NOTHING,
  "streetsidesoftware/cspell-action": NOTHING,
  "davidanson/markdownlint-cli2-action": NOTHING,
  "pre-commit/action": NOTHING,
  "lycheeverse/lychee-action": NOTHING,
  "re-actors/alls-green": NOTHING,
  "nrwl/nx-set-shas": { token: { inputs: ["gh-token"], defaultJob: true }, needs: { actions: "read", contents: "read" } },

  // ---- security scanners and supply chain
  "ossf/scorecard-action": {
    token: { inputs: ["repo_token"], defaultJob: true },
    needs: { contents: "read", actions: "read" },
    when: [{ text: "`publish_results: true` (OIDC)", test: (a) => mayBeTrue(a.input("publish_results")), needs: { "id-token": "write" }, viaToken: false }],
    allows: { issues: "read", "pull-requests": "read", checks: "read", "security-events": "read" },
    note: "`issues`, `pull-requests` and `checks: read` are needed for some checks in private repositories.",
  },
  "zizmorcore/zizmor-action": {
    token: TOKEN,
    when: [
      {
        text: "`advanced-security` is not `false` (uploads SARIF with the job token, whatever `token` is)",
        test: (a) => !isFalse(a.input("advanced-security")),
        needs: { "security-events": "write", actions: "read", contents: "read" },
        viaToken: false,
      },
    ],
    allows: { contents: "read" },
  },
  "boostsecurityio/poutine-action": NOTHING,
  "revanite-io/osps-baseline-action": {
    when: [{ text: "`upload-sarif: true` (uploads with the job token whatever `token` is)", test: (a) => mayBeTrue(a.input("upload-sarif")), needs: { "security-events": "write" }, viaToken: false }],
    allows: { actions: "read", contents: "read" },
  },
  "step-security/harden-runner": NOTHING,
  "step-security/wait-for-secrets": { when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
  "aquasecurity/trivy-action": { token: { inputs: ["github-pat"], defaultJob: false }, when: [{ text: "`format: github` (dependency snapshot)", test: (a) => /^github$/i.test(a.input("format") ?? ""), needs: { contents: "write" } }] },
  "aquasecurity/setup-trivy": setup,
  "anchore/scan-action": NOTHING,
  "anchore/scan-action/download-grype": setup,
  "anchore/sbom-action": {
    token: GITHUB_TOKEN,
    when: [
      { text: "`dependency-snapshot: true`", test: (a) => mayBeTrue(a.input("dependency-snapshot")), needs: { contents: "write" } },
      { text: "on `release` events unless `upload-release-assets: false`", test: (a) => a.events.has("release") && !isFalse(a.input("upload-release-assets")), needs: { contents: "write" } },
    ],
    allows: { contents: "write", actions: "read" },
  },
  "anchore/sbom-action/download-syft": setup,
  "sigstore/cosign-installer": setup,
  "sigstore/gh-action-sigstore-python": {
    token: { inputs: [], defaultJob: true },
    when: [
      { text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false },
      { text: "`release-signing-artifacts: true` on release events", test: (a) => a.events.has("release") && !isFalse(a.input("release-signing-artifacts")), needs: { contents: "write" } },
    ],
  },
  "sigstore/sigstore-conformance": NOTHING,
  "sigstore/scaffolding/actions/setup": NOTHING,
  "slsa-framework/slsa-verifier/actions/installer": setup,
  "slsa-framework/slsa-github-generator/actions/delegator/setup-generic": { when: [{ text: "always (reads the caller from the OIDC token)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
  "slsa-framework/slsa-github-generator/.github/actions/detect-workflow-js": {
    token: TOKEN,
    needs: { actions: "read" },
    when: [{ text: "always (reads the caller from the OIDC token)", test: () => true, needs: { "id-token": "write" }, viaToken: false }],
  },
  "slsa-framework/slsa-github-generator/.github/actions/secure-builder-checkout": { token: TOKEN, needs: { contents: "read" } },
  "slsa-framework/slsa-github-generator/.github/actions/secure-project-checkout": { token: TOKEN, needs: { contents: "read" } },
  "slsa-framework/slsa-github-generator/.github/actions/secure-download-artifact": NOTHING,
  "slsa-framework/slsa-github-generator/.github/actions/secure-upload-artifact": NOTHING,
  "slsa-framework/slsa-github-generator/.github/actions/secure-upload-folder": NOTHING,
  "slsa-framework/slsa-github-generator/.github/actions/secure-download-folder": NOTHING,
  "slsa-framework/slsa-github-generator/.github/actions/rng": NOTHING,
  "slsa-framework/slsa-github-generator/.github/actions/verify-token": { token: TOKEN, needs: { actions: "read" } },
  "slsa-framework/slsa-github-generator/.github/actions/privacy-check": NOTHING,
  "slsa-framework/slsa-github-generator/.github/actions/generate-attestations": NOTHING,
  "slsa-framework/slsa-github-generator/.github/actions/generate-builder": { token: TOKEN, needs: { contents: "read" } },
  "slsa-framework/slsa-github-generator/.github/actions/sign-attestations": { when: [{ text: "always (Sigstore signing)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
  "pypa/gh-action-pypi-publish": { when: [{ text: "no `password` (trusted publishing)", test: (a) => !given(a.input("password")), needs: { "id-token": "write" }, viaToken: false }] },
  "rust-lang/crates-io-auth-action": { when: [{ text: "always (trusted publishing)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
  "fossas/fossa-action": NOTHING,
  "step-security/secure-repo/automate-pr": { token: GITHUB_TOKEN, needs: { contents: "write", "pull-requests": "write", issues: "write" } },

  // ---- registries and cloud credentials
  "ko-build/setup-ko": { ghcrLogin: () => "implicit", note: "Logs in to ghcr.io with the job token (unless `KO_DOCKER_REPO` is set) so that `ko build` can push there." },
  "imjasonh/setup-crane": { ghcrLogin: () => "implicit", note: "Logs in to ghcr.io with the job token." },
  "oras-project/setup-oras": setup,
  "int128/docker-manifest-create-action": { pushes: (a) => a.input("tags") ?? a.input("index-annotations") ?? "" },
  "aws-actions/configure-aws-credentials": {
    when: [
      {
        text: "`role-to-assume` without access keys or a web identity token file (OIDC)",
        test: (a) => given(a.input("role-to-assume")) && !given(a.input("aws-access-key-id")) && !given(a.input("web-identity-token-file")),
        needs: { "id-token": "write" },
        viaToken: false,
      },
    ],
  },
  "aws-actions/amazon-ecr-login": NOTHING,
  "aws-actions/amazon-ecs-deploy-task-definition": NOTHING,
  "aws-actions/amazon-ecs-render-task-definition": NOTHING,
  "aws-actions/aws-cloudformation-github-deploy": NOTHING,
  "google-github-actions/auth": {
    when: [{ text: "`workload_identity_provider` is set (OIDC)", test: (a) => given(a.input("workload_identity_provider")), needs: { "id-token": "write" }, viaToken: false }],
  },
  "google-github-actions/setup-gcloud": setup,
  "google-github-actions/get-gke-credentials": NOTHING,
  "google-github-actions/deploy-cloudrun": NOTHING,
  "google-github-actions/upload-cloud-storage": NOTHING,
  "azure/login": {
    when: [
      {
        text: "`client-id` without `creds` or a client secret (OIDC)",
        test: (a) => given(a.input("client-id")) && !given(a.input("creds")) && !/secret/i.test(a.input("client-id") ?? "") && !/^identity$/i.test(a.input("auth-type") ?? ""),
        needs: { "id-token": "write" },
        viaToken: false,
      },
    ],
  },
  "azure/setup-kubectl": setup,
  "azure/setup-helm": setup,
  "azure/k8s-set-context": NOTHING,
  "azure/k8s-deploy": NOTHING,
  "azure/webapps-deploy": NOTHING,
  "azure/cli": NOTHING,
  "azure/docker-login": NOTHING,
  "hashicorp/vault-action": {
    when: [{ text: "`method: jwt` without `jwtPrivateKey` or `jwtToken` (OIDC)", test: (a) => /^jwt$/i.test(a.input("method") ?? "") && !given(a.input("jwtPrivateKey")) && !given(a.input("jwtToken")), needs: { "id-token": "write" }, viaToken: false }],
  },
  "hashicorp/setup-terraform": setup,
  "hashicorp/setup-packer": setup,
  "chainguard-dev/setup-chainctl": { when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
  "chainguard-dev/actions/kind-diag": NOTHING,
  "chainguard-dev/actions/setup-kind": NOTHING,
  "chainguard-dev/actions/setup-mirror": NOTHING,
  "chainguard-dev/actions/setup-registry": NOTHING,
  "helm/kind-action": NOTHING,
  "helm/chart-testing-action": NOTHING,
  "azure/setup-azd": setup,

  // ---- toolchains and caches
  "pnpm/action-setup": setup,
  "astral-sh/setup-uv": setup,
  "astral-sh/ruff-action": NOTHING,
  "denoland/setup-deno": setup,
  "oven-sh/setup-bun": setup,
  "ruby/setup-ruby": setup,
  "shivammathur/setup-php": setup,
  "dtolnay/rust-toolchain": setup,
  "actions-rs/toolchain": setup,
  "actions-rs/cargo": NOTHING,
  "actions-rust-lang/setup-rust-toolchain": setup,
  "swatinem/rust-cache": NOTHING,
  "taiki-e/install-action": setup,
  "mozilla-actions/sccache-action": setup,
  "arduino/setup-protoc": setup,
  "arduino/setup-task": setup,
  "bufbuild/buf-setup-action": setup,
  "sbt/setup-sbt": setup,
  "coursier/setup-action": setup,
  "coursier/cache-action": NOTHING,
  "gradle/actions/setup-gradle": {
    token: { inputs: ["github-token"], defaultJob: true },
    when: [{ text: "`dependency-graph` is `generate-and-submit`", test: (a) => /submit/i.test(a.input("dependency-graph") ?? ""), needs: { contents: "write" } }],
  },
  "gradle/actions/dependency-submission": { token: GITHUB_TOKEN, needs: { contents: "write" } },
  "gradle/actions/wrapper-validation": NOTHING,
  "gradle/wrapper-validation-action": NOTHING,
  "gradle/gradle-build-action": NOTHING,
  "graalvm/setup-graalvm": setup,
  "bazelbuild/setup-bazelisk": setup,
  "bazel-contrib/setup-bazel": setup,
  "extractions/setup-just": setup,
  "goto-bus-stop/setup-zig": setup,
  "mlugg/setup-zig": setup,
  "subosito/flutter-action": setup,
  "erlef/setup-beam": setup,
  "julia-actions/setup-julia": setup,
  "haskell-actions/setup": setup,
  "android-actions/setup-android": setup,
  "microsoft/setup-msbuild": setup,
  "nuget/setup-nuget": setup,
  "licensee/setup-licensed": setup,
  "cachix/install-nix-action": setup,
  "cachix/cachix-action": NOTHING,
  "determinatesystems/nix-installer-action": { allows: { "id-token": "write" } },
  "determinatesystems/magic-nix-cache-action": { allows: { "id-token": "write" } },
  "determinatesystems/flakehub-cache-action": { when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
  "determinatesystems/flakehub-push": { when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
  "pyo3/maturin-action": NOTHING,
  "goreleaser/goreleaser-action": {
    token: { env: ["GITHUB_TOKEN"] },
    when: [
      {
        text: "`args` runs `release` without `--snapshot` or skipping publish",
        test: (a) => !isTrue(a.input("install-only")) && /\brelease\b/.test(a.input("args") ?? "release") && !/--snapshot|--skip[= ]?[\w,]*publish|--skip-publish/.test(a.input("args") ?? ""),
        needs: { contents: "write" },
      },
    ],
    allows: { packages: "write", "id-token": "write", issues: "write" },
    pushes: (a) => !isTrue(a.input("install-only")) && /\brelease\b/.test(a.input("args") ?? "release") && !/--snapshot/.test(a.input("args") ?? "") && "",
    note: "What a release publishes (images, signatures) is in `.goreleaser.yml`: `packages` and `id-token: write` are allowed, not required.",
  },
  "jlumbroso/free-disk-space": NOTHING,
  "geekyeggo/delete-artifact": { token: TOKEN, needs: { actions: "write" }, note: "v4 and later delete through the REST API." },
  "cloudposse/github-action-matrix-outputs-write": NOTHING,
  "cloudposse/github-action-matrix-outputs-read": NOTHING,
  "dawidd6/action-download-artifact": { token: { inputs: ["github_token"], defaultJob: true }, needs: { actions: "read", contents: "read" } },
  "nick-invision/retry": { code: { input: "command", kind: "shell" } },
  "nick-fields/retry": { code: { input: "command", kind: "shell" } },
  "addnab/docker-run-action": { code: { input: "run", kind: "shell" } },
  "crazy-max/ghaction-dump-context": NOTHING,
  "crazy-max/ghaction-github-runtime": NOTHING,
  "crazy-max/ghaction-import-gpg": NOTHING,
  "crazy-max/ghaction-setup-docker": setup,
  "masci/datadog": NOTHING,
  "slackapi/slack-github-action": NOTHING,
  "rtcamp/action-slack-notify": NOTHING,
  "8398a7/action-slack": NOTHING,
  "appleboy/ssh-action": NOTHING,
  "appleboy/scp-action": NOTHING,
  "webfactory/ssh-agent": NOTHING,
  "shimataro/ssh-key-action": NOTHING,
  "mxschmitt/action-tmate": NOTHING,
  "styfle/cancel-workflow-action": { token: { inputs: ["access_token"], defaultJob: true }, needs: { actions: "write" } },
  "andymckay/cancel-action": { token: { env: ["GITHUB_TOKEN"] }, needs: { actions: "write" } },
  "benc-uk/workflow-dispatch": { token: TOKEN, needs: { actions: "write" } },
  "kesin11/actions-timeline": { token: GITHUB_TOKEN, needs: { actions: "read" } },
  "tibdex/github-app-token": NOTHING,
  "imranismail/setup-kustomize": setup,
  "mikefarah/yq": NOTHING,
  "bats-core/bats-action": setup,
  "cyclonedx/gh-gomod-generate-sbom": setup,
  "cpanato/vault-installer": setup,
  "fluxcd/flux2/action": setup,
  "zgosalvez/github-actions-ensure-sha-pinned-actions": NOTHING,
  "creekorful/goreportcard-action": NOTHING,
  "rajatjindal/krew-release-bot": NOTHING,
  "vedantmgoyal9/winget-releaser": { token: { inputs: ["token"], defaultJob: false }, note: "Needs a personal token to fork winget-pkgs; the job token is not used." },
  "chainguard-dev/actions/donotsubmit": NOTHING,
  "chainguard-dev/actions/trailing-space": NOTHING,
  "chainguard-dev/actions/eof-newline": NOTHING,
  "chainguard-dev/actions/goimports": NOTHING,
  "chainguard-dev/actions/gofmt": NOTHING,
  "chainguard-dev/actions/nodiff": NOTHING,
  "dkershner6/reaction-action": comment("issue-or-pr"),
  "ben-z/actions-comment-on-issue": comment("issue-or-pr"),
  "jpmcb/prow-github-actions": { token: { inputs: ["github-token"], defaultJob: true }, needs: { issues: "write", "pull-requests": "write" }, allows: { contents: "write" } },
  "knqyf263/trivy-issue-action": { token: TOKEN, needs: { issues: "write" } },
  "stefanprodan/helm-gh-pages": RELEASE,
  "cbrgm/cleanup-stale-branches-action": { token: { inputs: ["github-token"], defaultJob: true }, needs: { contents: "write", "pull-requests": "read" } },
  "eps1lon/actions-label-merge-conflict": { token: { inputs: ["repoToken"], defaultJob: false }, needs: { "pull-requests": "write" }, allows: { issues: "write" } },
  "homebrew/actions/limit-pull-requests": { token: TOKEN, needs: { "pull-requests": "write" } },
  "devcontainers/ci": { pushes: (a) => !/^never$/i.test(a.input("push") ?? "filter") && (a.input("imageName") ?? "") },
  // Peptide's own actions: the scopes each asks for in its docs.
  "peptide-dev/peptide": peptideAttest,
  "peptide-dev/peptide/actions/attest": peptideAttest,
  "peptide-dev/peptide/actions/provenance": peptideAttest,
  "peptide-dev/peptide/actions/sign": peptideAttest,
  "peptide-dev/peptide/actions/promote": {
    token: GITHUB_TOKEN,
    when: [
      PEPTIDE_SIGNING,
      { text: "`approvals` is not `none` (the run's deployment review history)", test: (a) => !/^\s*none\s*$/i.test(a.input("approvals") ?? "github"), needs: { actions: "read" } },
      { text: "`forbid-self-approval` is true (the change's commit and pull requests)", test: (a) => mayBeTrue(a.input("forbid-self-approval")), needs: { contents: "read", "pull-requests": "read" } },
    ],
    // forbid-self-approval may also come from the policy file's environment mapping.
    allows: { contents: "read", "pull-requests": "read" },
    ghcrLogin: (a) => onGhcr(a, "to") || onGhcr(a, "source"),
    pushes: (a) => a.input("to") ?? "",
    note: "Reads the run's deployment approvals (`actions: read`), and with `forbid-self-approval` the change's commit and pull requests; signs the promotion evidence with the job's OIDC token.",
  },
  "peptide-dev/peptide/actions/verify": { token: GITHUB_TOKEN, ghcrLogin: (a) => onGhcr(a, "subject-name") },
  "peptide-dev/peptide/actions/trace": { token: GITHUB_TOKEN, ghcrLogin: (a) => onGhcr(a, "image") },
  "peptide-dev/peptide/actions/audit": NOTHING,
  "peptide-dev/peptide/actions/sbom": NOTHING,
};

/** An entry whose token comes from one input. */
function tokenInput(input: string, needs: Grants, defaultJob = true, allows?: Grants): ActionPermissions {
  return { token: { inputs: [input], defaultJob }, needs, allows };
}

function publishUnitTest(): ActionPermissions {
  return {
    token: { inputs: ["github_token"], defaultJob: true },
    needs: { checks: "write", contents: "read" },
    when: [{ text: "`comment_mode` is not `off`, on pull-request events", test: (a) => onPullRequests(a) && !/^off$/i.test(a.input("comment_mode") ?? ""), needs: { "pull-requests": "write" } }],
    allows: { issues: "read" },
  };
}

/** Well-known reusable workflows (`jobs.<id>.uses`), keyed by lower-case `owner/repo/path` without the ref. */
export const REUSABLE_WORKFLOWS: Readonly<Record<string, { needs: Grants; note?: string }>> = {
  "slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml": { needs: { actions: "read", contents: "write", "id-token": "write" } },
  "slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml": { needs: { actions: "read", "id-token": "write", packages: "write" } },
  "slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml": { needs: { actions: "read", contents: "write", "id-token": "write" } },
  "slsa-framework/slsa-github-generator/.github/workflows/builder_nodejs_slsa3.yml": { needs: { actions: "read", contents: "read", "id-token": "write" } },
  "slsa-framework/slsa-github-generator/.github/workflows/builder_maven_slsa3.yml": { needs: { actions: "read", contents: "read", "id-token": "write" } },
  "slsa-framework/slsa-github-generator/.github/workflows/builder_gradle_slsa3.yml": { needs: { actions: "read", contents: "read", "id-token": "write" } },
  "slsa-framework/slsa-github-generator/.github/workflows/delegator_generic_slsa3.yml": { needs: { actions: "read", contents: "read", "id-token": "write" } },
  "slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml": { needs: { actions: "read", contents: "read", "id-token": "write" } },
};
