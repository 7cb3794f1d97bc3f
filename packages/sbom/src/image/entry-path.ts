/**
 * Tar entry names as paths of the image's virtual root: `./usr/bin/x`, `/usr/bin/x` and
 * `usr//bin/./x` are all `usr/bin/x`, and `..` cannot climb above the root (it stays there, as
 * container runtimes resolve it). Nothing is ever written to disk; the normalized path is only
 * a key. Also classifies whiteout entries.
 * https://github.com/opencontainers/image-spec/blob/v1.1.0/layer.md#whiteouts
 */

export interface EntryPath {
  /** Normalized, relative to the root, no leading or trailing slash; `""` is the root. */
  path: string;
  /** The name had `..` components that reached above the root. */
  escaped: boolean;
}

export function normalizeEntryPath(name: string): EntryPath {
  const parts: string[] = [];
  let escaped = false;
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) escaped = true;
      else parts.pop();
      continue;
    }
    parts.push(part);
  }
  return { path: parts.join("/"), escaped };
}

/**
 * A link target as a root-relative path: absolute targets from the root, relative ones from
 * the link's directory, `..` clamped at the root.
 */
export function resolveLinkTarget(linkPath: string, target: string): string {
  if (target.startsWith("/")) return normalizeEntryPath(target).path;
  return normalizeEntryPath(`${parentOf(linkPath)}/${target}`).path;
}

export type Whiteout = { kind: "opaque"; dir: string } | { kind: "file"; path: string };

const WHITEOUT_PREFIX = ".wh.";
const OPAQUE = ".wh..wh..opq";

/** `dir/.wh..wh..opq` hides lower-layer children of dir; `dir/.wh.name` deletes dir/name. */
export function whiteoutOf(path: string): Whiteout | undefined {
  const base = baseName(path);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  const dir = parentOf(path);
  if (base === OPAQUE) return { kind: "opaque", dir };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === "" || name === "." || name === "..") return undefined;
  return { kind: "file", path: dir === "" ? name : `${dir}/${name}` };
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
