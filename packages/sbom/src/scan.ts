/**
 * An SBOM from a path: one lockfile, or every lockfile below a directory (skipping node_modules,
 * vendor and .git, never following a symlink out of the directory), each read by the reader its
 * file name selects. Components are merged by purl, keeping every source. In a directory scan a
 * lockfile that cannot be read becomes a warning and the others are still read; a single lockfile
 * that cannot be read throws.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { lstat, readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { errorMessage, InputError, isInside, PeptideError, readTextFile } from "@peptide/core";
import { LockfileError, type SbomErrorCode } from "./errors.js";
import { ComponentMerger } from "./merge.js";
import type { Component, LockfileReader, ReaderContext, ReaderResult, Sbom, Subject } from "./model.js";
import { readerFor } from "./readers/index.js";

export interface ScanOptions {
  /** What the SBOM describes; by default the lockfile's project (one lockfile) or the directory. */
  subject?: Subject;
  /** Largest lockfile read, in bytes (default 512 MiB). */
  maxFileBytes?: number;
}

const SKIPPED_DIRECTORIES = new Set(["node_modules", "vendor", ".git"]);
const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Sibling files (package.json, go.sum, Cargo.toml) are small; a huge one is not read. */
const MAX_SIBLING_BYTES = 32 * 1024 * 1024;

interface Read {
  file: string;
  reader: LockfileReader;
  result: ReaderResult;
}

export async function sbomFromPath(target: string, options: ScanOptions = {}): Promise<Sbom> {
  const stat = await lstat(target).catch((cause: unknown) => {
    throw new InputError("INPUT_NOT_FOUND", `${target}: cannot be read (${codeOf(cause)}); check the path`, { cause });
  });
  if (stat.isDirectory()) return scanDirectory(target, options);
  const resolved = stat.isSymbolicLink() ? await realpath(target) : target;
  const name = path.basename(target);
  const reader = readerFor(name);
  if (!reader) {
    throw new PeptideError<SbomErrorCode>("LOCKFILE_UNSUPPORTED", `${target}: not a lockfile peptide reads (by its name); pass a directory or a supported lockfile`);
  }
  const dir = path.dirname(resolved);
  try {
    const read = await readLockfile(resolved, name, reader, dir, options);
    return assemble([read], [], options, path.basename(path.resolve(dir)));
  } catch (error) {
    // Name the file as the caller spelled it, not by its base name.
    if (error instanceof LockfileError && error.file === name && target !== name) {
      throw new LockfileError(target, withoutPrefix(error), error.line, { cause: error });
    }
    throw error;
  }
}

async function scanDirectory(root: string, options: ScanOptions): Promise<Sbom> {
  const warnings: string[] = [];
  const reads: Read[] = [];
  for (const relative of await findLockfiles(root, warnings)) {
    const reader = readerFor(path.posix.basename(relative));
    if (!reader) continue;
    const full = path.join(root, relative);
    try {
      reads.push(await readLockfile(full, relative, reader, root, options));
    } catch (error) {
      const message = errorMessage(error);
      warnings.push(`${message.startsWith(relative) || message.startsWith(full) ? message : `${relative}: ${message}`} (lockfile skipped)`);
    }
  }
  if (reads.length === 0 && warnings.length === 0) warnings.push(`${root}: no lockfile found (node_modules, vendor and .git are not searched)`);
  return assemble(reads, warnings, options, path.basename(path.resolve(root)));
}

/** Lockfile paths below `root`, relative with `/`, sorted; symlinked directories are not entered. */
async function findLockfiles(root: string, warnings: string[]): Promise<string[]> {
  const realRoot = await realpath(root);
  const found: string[] = [];
  const pending = [""];
  while (pending.length > 0) {
    const relative = pending.pop() as string;
    const dir = path.join(root, relative);
    const entries = await readdir(dir, { withFileTypes: true }).catch((cause: unknown) => {
      warnings.push(`${relative || "."}: cannot be listed (${codeOf(cause)})`);
      return [];
    });
    for (const entry of entries) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) pending.push(child);
        continue;
      }
      if (!readerFor(entry.name)) continue;
      if (entry.isFile()) found.push(child);
      else if (entry.isSymbolicLink() && (await linksInside(path.join(root, child), realRoot))) found.push(child);
    }
  }
  return found.sort();
}

async function linksInside(file: string, realRoot: string): Promise<boolean> {
  try {
    const real = await realpath(file);
    return isInside(real, realRoot) && (await lstat(real)).isFile();
  } catch {
    return false;
  }
}

async function readLockfile(full: string, relative: string, reader: LockfileReader, root: string, options: ScanOptions): Promise<Read> {
  const text = await readTextFile(full, { maxBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, root });
  const result = reader.read(text, relative, { sibling: siblingReader(path.dirname(full), root) });
  return { file: relative, reader, result };
}

/**
 * Reads a file beside the lockfile (or below its folder: `packages/a/package.json`), never one
 * outside the scanned root, never a huge one; undefined when it is absent or refused.
 */
function siblingReader(dir: string, root: string): NonNullable<ReaderContext["sibling"]> {
  let realRoot: string | undefined;
  return (name: string) => {
    const parts = name.split(/[\\/]/);
    if (path.isAbsolute(name) || parts.some((p) => p === ".." || p === "")) return undefined;
    const file = path.join(dir, ...parts);
    try {
      realRoot ??= realpathSync(root);
      if (!isInside(realpathSync(file), realRoot)) return undefined;
      const stat = statSync(file);
      if (!stat.isFile() || stat.size > MAX_SIBLING_BYTES) return undefined;
      return readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  };
}

/** Merges what the lockfiles gave into one SBOM with its subject. */
function assemble(reads: Read[], warnings: string[], options: ScanOptions, fallbackName: string): Sbom {
  const merger = new ComponentMerger();
  for (const read of reads) for (const component of read.result.components) merger.add(component);

  const only = reads.length === 1 ? reads[0] : undefined;
  const subjectIsRoot = options.subject === undefined && only !== undefined && only.result.root !== undefined && only.result.root.name !== "";
  const rootDependsOn = new Set<string>();
  for (const read of reads) {
    const root = read.result.root;
    if (!root) continue;
    if (subjectIsRoot || root.purl === undefined || root.name === "" || root.purl === options.subject?.purl) {
      for (const dep of root.dependsOn) rootDependsOn.add(dep);
      continue;
    }
    // Several projects (or an explicit subject): each lockfile's project is a component of its own.
    const project: Component = {
      ecosystem: read.reader.ecosystem,
      name: root.name,
      version: root.version ?? "",
      purl: root.purl,
      hashes: [],
      scope: "required",
      source: read.file,
      dependsOn: root.dependsOn,
      kind: "application",
    };
    rootDependsOn.add(merger.add(project).purl);
  }

  const root = only?.result.root;
  const subject: Subject =
    options.subject ??
    (subjectIsRoot && root
      ? { name: root.name, ...(root.version ? { version: root.version } : {}), ...(root.purl ? { purl: root.purl } : {}) }
      : { name: fallbackName });
  if (subject.purl !== undefined) rootDependsOn.delete(subject.purl);

  const components = merger.list();
  return {
    subject,
    components,
    rootDependsOn: [...rootDependsOn].filter((purl) => merger.has(purl)),
    warnings: [...warnings, ...reads.flatMap((r) => r.result.warnings)],
    inputs: reads.map((r) => ({
      file: r.file,
      ecosystem: r.reader.ecosystem,
      components: r.result.components.length,
    })),
  };
}

function withoutPrefix(error: LockfileError): string {
  const prefix = `${error.file}${error.line === undefined ? "" : `:${error.line}`}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

function codeOf(cause: unknown): string {
  return typeof cause === "object" && cause !== null && "code" in cause ? String((cause as { code: unknown }).code) : "error";
}
