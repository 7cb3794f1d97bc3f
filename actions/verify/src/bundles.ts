import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fetchAttachedBundles } from "@peptide/attest";
import { InputError } from "@peptide/core";
import { parseReference, RegistryClient } from "@peptide/oci";

/** The bundles to verify: the bundle file (one JSON or JSON Lines), the default file beside the subject, or the image's referrers. */
export async function findBundles(options: { bundle?: string; subjectPath?: string; subjectDigest?: string; subjectName?: string; workspace: string }): Promise<{ bundles: unknown[]; from: string }> {
  const file = options.bundle ?? defaultBundleFile(options.subjectPath, options.workspace);
  if (file !== undefined) return { bundles: await readBundleFile(path.resolve(options.workspace, file), file), from: file };
  if (options.subjectDigest !== undefined && options.subjectName !== undefined) {
    const reference = parseReference(options.subjectName);
    const store = new RegistryClient().store(reference);
    const digest = options.subjectDigest.startsWith("sha256:") ? options.subjectDigest : `sha256:${options.subjectDigest}`;
    const found = await fetchAttachedBundles(store, digest);
    return { bundles: found.map((f) => f.bundle), from: `${store.location}@${digest} (referrers)` };
  }
  throw new InputError("INPUT_INVALID", 'no bundle: give "bundle", or "subject-name" (an image) with "subject-digest" to read the attached bundles');
}

/**
 * Where sign and attest put a file's bundle by default: beside it, in `bundles/` (actions/sign)
 * or in `attestations/` (the root action), first found.
 */
function defaultBundleFile(subjectPath: string | undefined, workspace: string): string | undefined {
  if (subjectPath === undefined) return undefined;
  const name = `${path.basename(subjectPath)}.sigstore.json`;
  const candidates = [`${subjectPath}.sigstore.json`, path.join("bundles", name), path.join("attestations", name)];
  return candidates.find((candidate) => existsSync(path.resolve(workspace, candidate)));
}

async function readBundleFile(file: string, shown: string): Promise<unknown[]> {
  const text = await readFile(file, "utf8").catch((cause: unknown) => {
    throw new InputError("INPUT_NOT_FOUND", `${shown}: bundle cannot be read`, { cause });
  });
  const trimmed = text.trim();
  const lines = trimmed.startsWith("{") && !trimmed.includes("\n") ? [trimmed] : trimmed.split(/\r?\n/).filter((l) => l.trim() !== "");
  try {
    return lines.length === 1 ? [JSON.parse(trimmed)] : lines.map((l) => JSON.parse(l) as unknown);
  } catch {
    try {
      return [JSON.parse(trimmed)];
    } catch (cause) {
      throw new InputError("INPUT_INVALID", `${shown}: not a bundle (JSON) nor JSON Lines of bundles`, { cause });
    }
  }
}
