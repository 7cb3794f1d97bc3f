/**
 * Lockfiles found in an image (an application's `package-lock.json`, `go.mod`, `Cargo.lock`…
 * outside installed-package directories) are read by the same readers as a directory scan,
 * with their siblings (`go.sum`, `Cargo.toml`, `package.json`) from the image. The image is the
 * SBOM's subject, so the project a lockfile describes is listed as an `application` component.
 * The readers are the registry of readers/index.ts unless the caller passes others.
 */
import { errorMessage } from "@peptide/core";
import type { Component, LockfileReader } from "../model.js";
import { READERS } from "../readers/index.js";
import { baseName, normalizeEntryPath, parentOf } from "./entry-path.js";
import type { VirtualFs } from "./virtual-fs.js";

export const DEFAULT_IMAGE_LOCKFILE_READERS: readonly LockfileReader[] = READERS;

/** File names readers read beside a lockfile; collected from the image outside vendored directories. */
export const LOCKFILE_SIBLINGS: ReadonlySet<string> = new Set(["package.json", "go.sum", "Cargo.toml", "composer.json", "pyproject.toml", "Gemfile", "gems.rb"]);

export interface LockfileResult {
  components: Component[];
  warnings: string[];
  inputs: Array<{ file: string; ecosystem: Component["ecosystem"]; components: number }>;
}

/** Runs the matching reader on each lockfile; a broken one is a warning, the others still count. */
export function readImageLockfiles(files: Array<{ path: string; content: Buffer }>, fs: VirtualFs, readers: readonly LockfileReader[]): LockfileResult {
  const result: LockfileResult = { components: [], warnings: [], inputs: [] };
  for (const file of files) {
    const reader = readers.find((r) => r.matches(baseName(file.path)));
    if (!reader) continue;
    const dir = parentOf(file.path);
    const sibling = (name: string): string | undefined => {
      const target = normalizeEntryPath(`${dir}/${name}`).path;
      return fs.read(target)?.content.toString("utf8");
    };
    try {
      const read = reader.read(file.content.toString("utf8"), file.path, { sibling });
      for (const component of read.components) result.components.push({ ...component, source: file.path });
      // The image is the subject: the project a lockfile describes is an application in it.
      const root = read.root;
      if (root?.purl !== undefined && root.name !== "") {
        result.components.push({ ecosystem: reader.ecosystem, name: root.name, version: root.version ?? "", purl: root.purl, hashes: [], scope: "required", source: file.path, dependsOn: [...root.dependsOn], kind: "application" });
      }
      result.warnings.push(...read.warnings.map((w) => `/${file.path}: ${w}`));
      result.inputs.push({ file: file.path, ecosystem: reader.ecosystem, components: read.components.length });
    } catch (error) {
      result.warnings.push(`/${file.path}: not read (${errorMessage(error)})`);
    }
  }
  return result;
}
