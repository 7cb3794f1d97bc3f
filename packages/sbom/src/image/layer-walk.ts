/**
 * Applies one layer's tar stream to the virtual filesystem: whiteouts delete from what lower
 * layers left, a non-directory entry hides a lower directory of the same path, and the files
 * the selector wants are kept (bounded in size). Whiteouts are applied to lower layers only,
 * as the spec says, so their place in the tar does not matter; the layer's own files are
 * merged when the layer ends.
 */
import { PeptideError } from "@peptide/core";
import type { Readable } from "node:stream";
import { extract, type Header } from "tar-stream";
import type { SbomErrorCode } from "../errors.js";
import { normalizeEntryPath, resolveLinkTarget, whiteoutOf } from "./entry-path.js";
import type { FileSelector } from "./file-selector.js";
import { formatBytes, type ImageLimits } from "./limits.js";
import type { VirtualEntry, VirtualFs } from "./virtual-fs.js";

export interface LayerWalk {
  /** Tar entries seen. */
  entries: number;
  warnings: string[];
}

/** Reads the whole tar stream; rejects with the stream's error (digest, size, limits) if it fails. */
export async function applyLayer(tar: Readable, layer: string, fs: VirtualFs, selector: FileSelector, limits: ImageLimits): Promise<LayerWalk> {
  const archive = extract();
  const warnings: string[] = [];
  const own = new Map<string, VirtualEntry>();
  let ownBytes = 0;
  let entries = 0;
  let escapes = 0;
  tar.on("error", (error: Error) => archive.destroy(error));
  tar.pipe(archive);
  try {
    for await (const entry of archive) {
      entries++;
      const header: Header = entry.header;
      const { path, escaped } = normalizeEntryPath(header.name);
      if (escaped && escapes++ < 3) warnings.push(`${layer}: entry ${JSON.stringify(header.name.slice(0, 200))} climbs above the root; read as /${path}, as container runtimes do`);
      const whiteout = whiteoutOf(path);
      if (whiteout || path === "") {
        if (whiteout?.kind === "opaque") fs.deleteBelow(whiteout.dir);
        else if (whiteout?.kind === "file") fs.deleteTree(whiteout.path);
        entry.resume();
        continue;
      }
      // Whatever this entry is, it replaces the lower layers' entry at its path; a
      // non-directory also hides everything a lower layer had below that path.
      if (header.type === "directory") fs.delete(path);
      else fs.deleteTree(path);
      const kind = selector.kindOf(path);
      if (kind === undefined) {
        entry.resume();
        continue;
      }
      if (header.type === "symlink") {
        own.set(path, { kind: "symlink", target: header.linkname ?? "", layer });
        entry.resume();
      } else if (header.type === "link") {
        // A hard link: the content of a file this layer or a lower one already has.
        const target = resolveLinkTarget("", header.linkname ?? "");
        const source = own.get(target) ?? fs.get(target);
        if (source) own.set(path, source);
        entry.resume();
      } else if (header.type === "file" || header.type === "contiguous-file") {
        if (header.size > limits.maxFileBytes) {
          warnings.push(`${layer}: /${path} is ${formatBytes(header.size)}, over the ${formatBytes(limits.maxFileBytes)} per-file limit; skipped`);
          entry.resume();
          continue;
        }
        if (fs.contentBytes + ownBytes + header.size > limits.maxCollectedBytes) {
          warnings.push(`${layer}: /${path} skipped; the files read from this image reach the ${formatBytes(limits.maxCollectedBytes)} limit`);
          entry.resume();
          continue;
        }
        const content = await readEntry(entry);
        const previous = own.get(path);
        if (previous?.kind === "file") ownBytes -= previous.content.length;
        own.set(path, { kind: "file", content, layer });
        ownBytes += content.length;
      } else {
        entry.resume();
      }
    }
  } catch (error) {
    tar.destroy();
    throw asImageError(error, layer);
  }
  for (const [path, entry] of own) fs.set(path, entry);
  if (escapes > 3) warnings.push(`${layer}: ${escapes - 3} more entries climb above the root`);
  return { entries, warnings };
}

/** An entry's content; tar-stream delivers exactly the header's size. */
async function readEntry(entry: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of entry) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** tar-stream's own parse errors become IMAGE_INVALID naming the layer; coded errors pass through. */
function asImageError(error: unknown, layer: string): unknown {
  if (error instanceof PeptideError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PeptideError<SbomErrorCode>("IMAGE_INVALID", `${layer} is not a readable tar archive (${message.split("\n")[0]})`, { cause: error });
}
