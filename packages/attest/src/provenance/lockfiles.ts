import { readdir } from "node:fs/promises";
import path from "node:path";
import { sha256File } from "../subjects/digest.js";

/**
 * Lockfiles of a checkout, by file name: the files that pin what a build resolves, one
 * ecosystem per line. @peptide/sbom selects lockfiles by name too but does not export its walk;
 * this list also has the ecosystems it does not read (bun, deno, Swift, Dart, Elixir, Nix,
 * Terraform, Helm...).
 */
const LOCKFILE_NAMES = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "bun.lock",
  "bun.lockb",
  "deno.lock",
  "poetry.lock",
  "uv.lock",
  "Pipfile.lock",
  "pdm.lock",
  "pylock.toml",
  "go.sum",
  "Cargo.lock",
  "Gemfile.lock",
  "gems.locked",
  "composer.lock",
  "gradle.lockfile",
  "packages.lock.json",
  "Package.resolved",
  "Podfile.lock",
  "pubspec.lock",
  "mix.lock",
  "flake.lock",
  "conan.lock",
  "paket.lock",
  "MODULE.bazel.lock",
  ".terraform.lock.hcl",
  "Chart.lock",
  "cabal.project.freeze",
  "stack.yaml.lock",
  "renv.lock",
  "Manifest.toml",
]);

/** `requirements.txt` and `requirements-dev.txt`, `pylock.<name>.toml` (PEP 751), Gradle's `*.lockfile`. */
const LOCKFILE_PATTERNS = [/^requirements[\w.-]*\.txt$/, /^pylock\.[\w-]+\.toml$/, /\.lockfile$/];

/** Folders of installed or generated code: their lockfiles are not the repository's. */
const SKIPPED = new Set([".git", "node_modules", "vendor", ".venv", "venv", ".tox", "bower_components", "__pycache__", ".terraform"]);

/** Directory entries visited at most; a workspace bigger than this is walked in part. */
const MAX_ENTRIES = 200_000;

export function isLockfileName(name: string): boolean {
  return LOCKFILE_NAMES.has(name) || LOCKFILE_PATTERNS.some((re) => re.test(name));
}

export interface LockfileDigest {
  /** Relative to the workspace, `/`-separated. */
  path: string;
  sha256: string;
}

export interface LockfileScan {
  lockfiles: LockfileDigest[];
  /** Set when the walk stopped at MAX_ENTRIES. */
  truncated: boolean;
}

/**
 * Every lockfile below `root` with its sha256, sorted by path. Symlinks are not followed (a link
 * could point out of the checkout); installed-code folders are skipped.
 */
export async function lockfileDigests(root: string): Promise<LockfileScan> {
  const found: string[] = [];
  const pending = [""];
  let visited = 0;
  let truncated = false;
  while (pending.length > 0) {
    const relative = pending.pop() as string;
    const entries = await readdir(path.join(root, relative), { withFileTypes: true }).catch(() => []);
    visited += entries.length;
    if (visited > MAX_ENTRIES) {
      truncated = true;
      break;
    }
    for (const entry of entries) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory() && !SKIPPED.has(entry.name)) pending.push(child);
      else if (entry.isFile() && isLockfileName(entry.name)) found.push(child);
    }
  }
  found.sort();
  const lockfiles: LockfileDigest[] = [];
  for (const file of found) {
    const sha256 = await sha256File(path.join(root, file)).catch(() => undefined);
    if (sha256 !== undefined) lockfiles.push({ path: file, sha256 });
  }
  return { lockfiles, truncated };
}
