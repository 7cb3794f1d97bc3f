/**
 * The files of interest of an image, as the union of its layers leaves them: later layers
 * replace files, delete them with whiteouts, hide whole directories (opaque whiteouts) and
 * replace directories with files. Only the files Peptide reads are kept; an index by
 * directory makes deleting a subtree cost what it deletes.
 */
import { parentOf, resolveLinkTarget } from "./entry-path.js";

export type VirtualEntry = { kind: "file"; content: Buffer; layer: string } | { kind: "symlink"; target: string; layer: string };

export class VirtualFs {
  private readonly entries = new Map<string, VirtualEntry>();
  /** Directory → paths kept below it (at any depth). */
  private readonly below = new Map<string, Set<string>>();
  private bytes = 0;

  get size(): number {
    return this.entries.size;
  }

  /** Bytes of file content kept. */
  get contentBytes(): number {
    return this.bytes;
  }

  get(path: string): VirtualEntry | undefined {
    return this.entries.get(path);
  }

  set(path: string, entry: VirtualEntry): void {
    this.delete(path);
    this.entries.set(path, entry);
    if (entry.kind === "file") this.bytes += entry.content.length;
    for (let dir = parentOf(path); ; dir = parentOf(dir)) {
      let set = this.below.get(dir);
      if (!set) this.below.set(dir, (set = new Set()));
      set.add(path);
      if (dir === "") break;
    }
  }

  delete(path: string): void {
    const entry = this.entries.get(path);
    if (!entry) return;
    this.entries.delete(path);
    if (entry.kind === "file") this.bytes -= entry.content.length;
    for (let dir = parentOf(path); ; dir = parentOf(dir)) {
      this.below.get(dir)?.delete(path);
      if (dir === "") break;
    }
  }

  /** Deletes everything below `dir` (not `dir` itself). */
  deleteBelow(dir: string): void {
    const paths = this.below.get(dir);
    if (!paths) return;
    for (const path of [...paths]) this.delete(path);
  }

  /** Deletes `path` and everything below it. */
  deleteTree(path: string): void {
    this.delete(path);
    this.deleteBelow(path);
  }

  /** The file content at `path`, following up to 8 symlinks among kept entries. */
  read(path: string): { path: string; content: Buffer } | undefined {
    let current = path;
    for (let hops = 0; hops <= 8; hops++) {
      const entry = this.entries.get(current);
      if (!entry) return undefined;
      if (entry.kind === "file") return { path: current, content: entry.content };
      current = resolveLinkTarget(current, entry.target);
    }
    return undefined;
  }

  /** Kept regular files, sorted by path. */
  files(): Array<{ path: string; content: Buffer }> {
    const out: Array<{ path: string; content: Buffer }> = [];
    for (const [path, entry] of this.entries) if (entry.kind === "file") out.push({ path, content: entry.content });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
