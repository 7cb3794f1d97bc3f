/**
 * Bundle files for release assets: `<subject>.sigstore.json` per subject (what `cosign
 * verify-blob --bundle` and `gh attestation verify --bundle` take), or one JSON Lines file with a
 * bundle per line for many subjects (the `.jsonl` form `gh attestation download` writes).
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { SignError } from "./errors.js";
import type { SigstoreBundle } from "./session.js";

export const BUNDLE_FILE_SUFFIX = ".sigstore.json";
export const DEFAULT_JSONL_NAME = "attestations.sigstore.jsonl";

export interface SignedBundle {
  bundle: SigstoreBundle;
  /** The subject names the bundle covers (a statement's subjects, or the blob's name). */
  subjects: readonly string[];
}

export interface WriteBundlesOptions {
  dir: string;
  /** `per-subject` (default): `<dir>/<subject>.sigstore.json`; `jsonl`: one file, a bundle a line. */
  layout?: "per-subject" | "jsonl";
  /** File name of the `jsonl` layout. Default `attestations.sigstore.jsonl`. */
  jsonlName?: string;
}

/**
 * Writes the bundles and returns the paths written. In the per-subject layout a bundle that
 * covers several subjects is written once per subject (each file verifies its own asset).
 */
export async function writeBundles(bundles: readonly SignedBundle[], options: WriteBundlesOptions): Promise<string[]> {
  try {
    await mkdir(options.dir, { recursive: true });
  } catch (cause) {
    throw new SignError("SIGN_OUTPUT", `cannot create the bundle directory ${options.dir}: ${(cause as Error).message}`, { cause });
  }
  if (options.layout === "jsonl") {
    const file = path.join(options.dir, options.jsonlName ?? DEFAULT_JSONL_NAME);
    await atomicWrite(file, bundles.map((b) => `${JSON.stringify(b.bundle)}\n`).join(""));
    return [file];
  }
  const files = new Map<string, { subject: string; bundle: SigstoreBundle }>();
  for (const { bundle, subjects } of bundles) {
    for (const subject of subjects) {
      const name = bundleFileName(subject);
      const seen = files.get(name);
      if (seen && seen.subject !== subject) {
        throw new SignError(
          "SIGN_OUTPUT",
          `subjects "${seen.subject}" and "${subject}" would both be written to ${name}: rename one, or write a .jsonl bundle file`,
        );
      }
      files.set(name, { subject, bundle });
    }
  }
  const written: string[] = [];
  for (const [name, { bundle }] of files) {
    const file = path.join(options.dir, name);
    await atomicWrite(file, `${JSON.stringify(bundle)}\n`);
    written.push(file);
  }
  return written;
}

/**
 * `<last path segment of the subject>.sigstore.json`, with characters other than letters,
 * digits and `._-@+` replaced by `_` (`ghcr.io/acme/app@sha256:ab…` → `app@sha256_ab….sigstore.json`).
 */
export function bundleFileName(subject: string): string {
  const base = subject.replace(/\\/g, "/").split("/").filter(Boolean).pop() ?? "";
  const safe = base.replace(/[^A-Za-z0-9._@+-]/g, "_").replace(/^\.+/, "_");
  if (safe === "" || safe === "_") throw new SignError("SIGN_OUTPUT", `subject "${subject}" gives no usable file name for its bundle`);
  return `${safe}${BUNDLE_FILE_SUFFIX}`;
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (cause) {
    throw new SignError("SIGN_OUTPUT", `cannot write ${file}: ${(cause as Error).message}`, { cause });
  }
}
