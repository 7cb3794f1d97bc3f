/**
 * Where `--to` points: an OCI layout directory (`oci:dir[:tag]`, or a path; created when missing)
 * or a registry repository (`host/repo[:tag]`, always, when the first part is a registry host).
 * Never a digest: what is written names its own.
 */
import path from "node:path";
import { InputError } from "@peptide/core";
import { looksLikeRegistry, OciLayout, parseReference, repositoryName, type ImageStore, type RegistryClient } from "@peptide/oci";

export interface Target {
  store: ImageStore;
  tag?: string;
  name: string;
}

/** `oci:dir[:tag]` or a path: an OCI layout (created when missing); otherwise a registry repository. */
export async function openTarget(text: string, cwd: string, client: RegistryClient): Promise<Target> {
  if (text.includes("@")) throw new InputError("INPUT_INVALID", `--to ${text}: name the target repository and tag, not a digest; the digest is the source's`);
  const raw = text.startsWith("oci:") ? text.slice(4) : text;
  const colon = raw.lastIndexOf(":");
  const hasTag = colon > raw.lastIndexOf("/") && !/^\d+$/.test(raw.slice(colon + 1));
  // A registry host first is the registry, even where a directory of that name exists (oci: or ./ for one).
  if (!text.startsWith("oci:") && looksLikeRegistry(raw)) {
    const ref = parseReference(text);
    return { store: client.store(ref), name: repositoryName(ref), ...(hasTag && ref.tag !== undefined ? { tag: ref.tag } : {}) };
  }
  const dir = path.resolve(cwd, hasTag ? raw.slice(0, colon) : raw);
  const store = await OciLayout.create(dir);
  return { store, name: path.basename(dir), ...(hasTag ? { tag: raw.slice(colon + 1) } : {}) };
}
