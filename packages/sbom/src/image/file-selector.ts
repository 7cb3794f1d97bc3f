/**
 * Which files of an image are read for packages; everything else streams past unread.
 * Paths are root-relative (`var/lib/dpkg/status`).
 */
import { baseName, parentOf } from "./entry-path.js";

export type FileKind = "os-release" | "dpkg-status" | "apk-installed" | "npm-package" | "python-metadata" | "lockfile" | "lockfile-sibling";

export interface FileSelectorOptions {
  /** Whether a file name is a lockfile some reader handles. */
  isLockfile: (fileName: string) => boolean;
  /** File names readers ask for beside a lockfile (`go.sum`, `Cargo.toml`, `package.json`). */
  siblingNames: ReadonlySet<string>;
}

/** Directories whose lockfiles belong to installed packages, not to the image's applications. */
const VENDORED = new Set(["node_modules", "vendor", ".git", "site-packages", "dist-packages"]);

const OS_RELEASE = new Set(["etc/os-release", "usr/lib/os-release"]);

export class FileSelector {
  constructor(private readonly options: FileSelectorOptions) {}

  /** What a path holds for the catalog, or undefined when it is not read. */
  kindOf(path: string): FileKind | undefined {
    if (OS_RELEASE.has(path)) return "os-release";
    if (path === "var/lib/dpkg/status") return "dpkg-status";
    if (path.startsWith("var/lib/dpkg/status.d/") && !path.endsWith(".md5sums") && parentOf(path) === "var/lib/dpkg/status.d") return "dpkg-status";
    if (path === "lib/apk/db/installed") return "apk-installed";
    const base = baseName(path);
    if (base === "package.json" && isNodeModulesPackageJson(path)) return "npm-package";
    if ((base === "METADATA" && parentOf(path).endsWith(".dist-info")) || (base === "PKG-INFO" && parentOf(path).endsWith(".egg-info"))) return "python-metadata";
    if (this.options.isLockfile(base) && !isVendored(path)) return "lockfile";
    if (this.options.siblingNames.has(base) && !isVendored(path)) return "lockfile-sibling";
    return undefined;
  }
}

/** `…/node_modules/<name>/package.json` or `…/node_modules/@scope/<name>/package.json`, not files deeper in a package. */
export function isNodeModulesPackageJson(path: string): boolean {
  const parts = path.split("/");
  const n = parts.length;
  if (n >= 3 && parts[n - 3] === "node_modules" && !parts[n - 2]?.startsWith("@") && !parts[n - 2]?.startsWith(".")) return true;
  return n >= 4 && parts[n - 4] === "node_modules" && (parts[n - 3]?.startsWith("@") ?? false);
}

function isVendored(path: string): boolean {
  return path.split("/").some((part) => VENDORED.has(part));
}
