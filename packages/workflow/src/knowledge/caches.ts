import type { Node } from "yaml";
import { scalarText, type SourceFile } from "../model/source.js";
import type { StepModel } from "../model/types.js";
import { actionName, parseUses } from "../uses.js";

/**
 * Actions that restore a GitHub Actions cache, and the input that turns it on or off. A cache entry
 * written by any run in the default branch's scope is restored by tag and release runs: whoever
 * runs code there chooses what a release build restores.
 */
type Control =
  /** Always restores, unless `off` is set to `offValue`. */
  | { kind: "always"; off?: string; offValue?: string; fix: string }
  /** Restores when `input` is set to a non-empty value other than false. */
  | { kind: "opt-in"; input: string; fix: string }
  /** Restores by default (from `sinceMajor`), unless `input` is false. */
  | { kind: "default-on"; input: string; sinceMajor?: number; fix: string }
  /** Restores when `input` (a list of cache sources) mentions `type=gha`. */
  | { kind: "gha-source"; input: string; fix: string };

const CACHE_ACTIONS: ReadonlyMap<string, Control> = new Map<string, Control>([
  ["actions/cache", { kind: "always", off: "lookup-only", offValue: "true", fix: "drop actions/cache from this job" }],
  ["actions/cache/restore", { kind: "always", fix: "drop actions/cache/restore from this job" }],
  ["actions/setup-node", { kind: "opt-in", input: "cache", fix: "remove its cache: input" }],
  ["actions/setup-python", { kind: "opt-in", input: "cache", fix: "remove its cache: input" }],
  ["actions/setup-java", { kind: "opt-in", input: "cache", fix: "remove its cache: input" }],
  ["actions/setup-dotnet", { kind: "opt-in", input: "cache", fix: "remove its cache: input" }],
  ["actions/setup-go", { kind: "default-on", input: "cache", sinceMajor: 4, fix: "set cache: false" }],
  ["astral-sh/setup-uv", { kind: "opt-in", input: "enable-cache", fix: "set enable-cache: false" }],
  ["ruby/setup-ruby", { kind: "opt-in", input: "bundler-cache", fix: "set bundler-cache: false and run bundle install" }],
  ["graalvm/setup-graalvm", { kind: "opt-in", input: "cache", fix: "remove its cache: input" }],
  ["pyo3/maturin-action", { kind: "opt-in", input: "sccache", fix: "set sccache: false" }],
  ["swatinem/rust-cache", { kind: "always", off: "lookup-only", offValue: "true", fix: "drop Swatinem/rust-cache from this job" }],
  ["gradle/actions/setup-gradle", { kind: "always", off: "cache-disabled", offValue: "true", fix: "set cache-disabled: true" }],
  ["gradle/gradle-build-action", { kind: "always", off: "cache-disabled", offValue: "true", fix: "set cache-disabled: true" }],
  ["actions-rust-lang/setup-rust-toolchain", { kind: "default-on", input: "cache", fix: "set cache: false" }],
  ["jdx/mise-action", { kind: "default-on", input: "cache", fix: "set cache: false" }],
  ["mlugg/setup-zig", { kind: "default-on", input: "use-cache", fix: "set use-cache: false" }],
  ["oven-sh/setup-bun", { kind: "always", off: "no-cache", offValue: "true", fix: "set no-cache: true" }],
  ["ramsey/composer-install", { kind: "always", off: "ignore-cache", offValue: "true", fix: "set ignore-cache: true" }],
  ["mozilla-actions/sccache-action", { kind: "always", fix: "drop sccache from this job" }],
  ["determinatesystems/magic-nix-cache-action", { kind: "always", off: "use-gha-cache", offValue: "false", fix: "set use-gha-cache: false" }],
  ["nix-community/cache-nix-action", { kind: "always", fix: "drop the Nix cache from this job" }],
  ["awalsh128/cache-apt-pkgs-action", { kind: "always", fix: "install the packages with apt-get instead" }],
  ["docker/build-push-action", { kind: "gha-source", input: "cache-from", fix: "remove type=gha from cache-from" }],
  ["docker/bake-action", { kind: "gha-source", input: "set", fix: "remove type=gha cache sources" }],
]);

export interface CacheUse {
  action: string;
  /** The node to point at: the enabling input's value, or the `uses:`. */
  node: Node;
  /** How the cache is on: an input set here, the action's default, or an expression. */
  how: "explicit" | "default" | "conditional";
  /** Words for the message: `cache: npm`, `caches by default since v4`. */
  detail: string;
  fix: string;
}

/** The input's value node, matching its name case-insensitively. */
function input(step: StepModel, name: string): Node | undefined {
  for (const [key, node] of step.with) if (key.toLowerCase() === name) return node;
  return undefined;
}

/** Whether a step restores a GitHub Actions cache, and how. */
export function cacheUse(step: StepModel, source: SourceFile): CacheUse | undefined {
  const uses = scalarText(step.uses);
  if (!uses || !step.uses) return undefined;
  const ref = parseUses(uses);
  if (ref.kind !== "remote") return undefined;
  const action = actionName(ref);
  const control = CACHE_ACTIONS.get(action);
  if (!control) return undefined;
  const base = { action, fix: control.fix };
  switch (control.kind) {
    case "always": {
      const off = control.off ? input(step, control.off) : undefined;
      const value = scalarText(off)?.trim().toLowerCase();
      if (off && value === control.offValue) return undefined;
      if (off && value?.includes("${{")) return { ...base, node: off, how: "conditional", detail: `${control.off}: ${scalarText(off)}` };
      return { ...base, node: step.uses, how: "default", detail: "restores a cache whenever it runs" };
    }
    case "opt-in": {
      const node = input(step, control.input);
      const value = scalarText(node)?.trim();
      if (!node || !value || value.toLowerCase() === "false" || value === "''") return undefined;
      return { ...base, node, how: value.includes("${{") ? "conditional" : "explicit", detail: `${control.input}: ${value}` };
    }
    case "default-on": {
      const node = input(step, control.input);
      const value = scalarText(node)?.trim();
      if (node && value !== undefined) {
        if (value.toLowerCase() === "false") return undefined;
        return { ...base, node, how: value.includes("${{") ? "conditional" : "explicit", detail: `${control.input}: ${value}` };
      }
      const major = majorVersion(ref.ref, source, step.uses);
      if (control.sinceMajor !== undefined && major !== undefined && major < control.sinceMajor) return undefined;
      return { ...base, node: step.uses, how: "default", detail: `caches by default${control.sinceMajor ? ` since v${control.sinceMajor}` : ""}` };
    }
    case "gha-source": {
      const node = input(step, control.input);
      const value = scalarText(node) ?? "";
      if (!node || !/type=gha\b/.test(value)) return undefined;
      return { ...base, node, how: "explicit", detail: `${control.input}: type=gha` };
    }
  }
}

/** Major version from `@v4`, `@v4.1.0`, or a SHA's `# v4.1.0` comment; undefined when unknown. */
function majorVersion(ref: string | undefined, source: SourceFile, node: Node): number | undefined {
  const fromRef = ref ? /^v?(\d+)(?:\.|$)/.exec(ref) : null;
  if (fromRef && fromRef[1]) return Number(fromRef[1]);
  const line = source.line(source.positionOf(node).line);
  const comment = /#\s*v?(\d+)(?:\.\d+)*\b/.exec(line);
  return comment && comment[1] ? Number(comment[1]) : undefined;
}
