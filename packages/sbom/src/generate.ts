import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "@peptide/core";
import { openImage, type OpenImageOptions } from "@peptide/oci";
import { imageToSbom, readImage, type ReadImageOptions } from "./image/index.js";
import type { Sbom } from "./model.js";
import { sbomFromPath } from "./scan.js";

export interface GenerateOptions {
  /** Base for relative paths. */
  cwd?: string;
  /** Only this platform of a multi-platform image (`linux/arm64`). */
  platform?: string;
  /** One SBOM for all platforms of an index instead of one per platform. */
  combine?: boolean;
  /** Registry options: credentials, hosts allowed over plain HTTP, retries. */
  registry?: OpenImageOptions;
  limits?: ReadImageOptions["limits"];
}

export interface GeneratedSbom {
  sbom: Sbom;
  /** `os/arch[/variant]` for one platform of an image. */
  platform?: string;
  /** What was read: `directory`, `lockfile`, `layout` or `registry`. */
  source: "directory" | "lockfile" | "layout" | "registry";
}

/**
 * The SBOM(s) of a target: a directory of lockfiles, one lockfile, an OCI image layout directory,
 * or a registry reference (`host/repo:tag` or `host/repo@sha256:...`, resolved to a digest).
 * An image index gives one SBOM per platform unless `combine` is set.
 */
export async function generateSboms(target: string, options: GenerateOptions = {}): Promise<GeneratedSbom[]> {
  const cwd = options.cwd ?? process.cwd();
  const local = path.resolve(cwd, target);
  const isLayout = existsSync(path.join(local.split(":")[0] ?? local, "oci-layout"));
  if (existsSync(local) && !isLayout) {
    const spelled = path.resolve(target) === local;
    const sbom = await sbomFromPath(spelled ? target : local).catch((err: unknown) => {
      // Name files as the user spelled them, also when `cwd` is not this process's directory.
      if (!spelled && err instanceof Error) err.message = err.message.split(local).join(target);
      throw err;
    });
    return [{ sbom, source: statSync(local).isDirectory() ? "directory" : "lockfile" }];
  }
  if (!isLayout && !looksLikeRegistryReference(target)) {
    throw new InputError("INPUT_NOT_FOUND", `${target}: no such file or directory; for an image in a registry give its host too (ghcr.io/owner/app:tag or host/repo@sha256:...)`);
  }
  const opened = await openImage(target, { ...options.registry, cwd });
  const inspection = await readImage(opened.store, {
    reference: opened.reference,
    name: opened.name,
    ...(opened.ref?.tag ? { tag: opened.ref.tag } : {}),
    platform: options.platform,
    combine: options.combine,
    limits: options.limits,
  });
  return inspection.images.map((image) => ({
    sbom: imageToSbom(image),
    platform: image.platform ? [image.platform.os, image.platform.architecture, image.platform.variant].filter(Boolean).join("/") : undefined,
    source: isLayout ? "layout" : "registry",
  }));
}

/** `host/repo[:tag|@digest]` where the first part names a registry host (has a dot, a port, or is localhost). */
function looksLikeRegistryReference(target: string): boolean {
  const slash = target.indexOf("/");
  if (slash <= 0) return false;
  const host = target.slice(0, slash);
  return host.includes(".") || host.includes(":") || host === "localhost";
}
