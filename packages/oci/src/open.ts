/**
 * From what a person types to a store: `oci:<dir>[:tag]`, a layout directory (`<dir>` or
 * `<dir>:<tag>`), or a registry reference (`host/repo:tag`, `host/repo@sha256:…`).
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { OciLayout } from "./layout.js";
import { manifestReference, parseReference, repositoryName, type Reference } from "./reference.js";
import { RegistryClient, type RegistryClientOptions } from "./registry.js";
import type { ImageStore } from "./store.js";

export interface OpenedImage {
  store: ImageStore;
  /** Tag or digest inside the store; undefined for a layout holding one image. */
  reference?: string;
  /** The image's name for an SBOM subject: `registry/repository`, or the layout directory's name. */
  name: string;
  /** The parsed reference, for a registry image. */
  ref?: Reference;
}

export interface OpenImageOptions extends RegistryClientOptions {
  /** Base for relative layout paths; the process's working directory by default. */
  cwd?: string;
  /** A client to reuse (its own options win). */
  client?: RegistryClient;
}

export async function openImage(target: string, options: OpenImageOptions = {}): Promise<OpenedImage> {
  const cwd = options.cwd ?? process.cwd();
  const layout = await layoutTarget(target, cwd);
  if (layout) {
    const store = await OciLayout.open(layout.dir);
    const opened: OpenedImage = { store, name: path.basename(layout.dir) };
    if (layout.reference !== undefined) opened.reference = layout.reference;
    return opened;
  }
  const ref = parseReference(target);
  const client = options.client ?? new RegistryClient(options);
  return { store: client.store(ref), reference: manifestReference(ref), name: repositoryName(ref), ref };
}

/**
 * `oci:dir[:ref]` always; otherwise a path that is a layout directory, with an optional `:tag` or
 * `@digest`. A name whose first part is a registry host (`ghcr.io/…`, `localhost:5000/…`) is the
 * registry even when a directory of that name exists: a checkout must not be able to stand in
 * for a registry (write `oci:` or `./` for such a directory).
 */
async function layoutTarget(target: string, cwd: string): Promise<{ dir: string; reference?: string } | undefined> {
  if (target.startsWith("oci:")) return splitLayout(target.slice(4), cwd, true);
  if (looksLikeRegistry(target)) return undefined;
  return splitLayout(target, cwd, false);
}

/** `host/…` where host has a dot or a port or is localhost, not written as a path (`./`, `/`). */
export function looksLikeRegistry(text: string): boolean {
  const first = text.split("/")[0] ?? "";
  return text.includes("/") && !/^[./\\]/.test(text) && (first.includes(".") || first.includes(":") || first === "localhost");
}

async function splitLayout(text: string, cwd: string, forced: boolean): Promise<{ dir: string; reference?: string } | undefined> {
  const whole = path.resolve(cwd, text);
  if (forced || (await OciLayout.isLayout(whole))) {
    if (await isDirectory(whole)) return { dir: whole };
  }
  const at = text.lastIndexOf("@");
  const colon = text.lastIndexOf(":");
  const cut = at > 0 ? at : colon > 0 && colon > text.lastIndexOf("/") ? colon : -1;
  if (cut > 0) {
    const dir = path.resolve(cwd, text.slice(0, cut));
    if (forced || (await OciLayout.isLayout(dir))) return { dir, reference: text.slice(cut + 1) };
  }
  return forced ? { dir: whole } : undefined;
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
}
