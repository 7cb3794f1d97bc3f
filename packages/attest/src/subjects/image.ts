import { InputError } from "@peptide/core";
import type { Subject } from "../types.js";

/**
 * An image subject from a reference by digest: `ghcr.io/o/app@sha256:<64 hex>`. A tag before the
 * digest (`app:1.2@sha256:…`) is dropped: the digest is what is attested, and the subject name is
 * the repository, as registries and `cosign` name it. Nothing is fetched.
 */

const DIGEST_REF = /^(?<name>[^\s@]+)@(?<algorithm>[a-z0-9]+(?:[+._-][a-z0-9]+)*):(?<hex>[0-9a-fA-F]+)$/;

/** Whether `text` is written as an image reference by digest (`name@sha256:hex`). */
export function isImageReference(text: string): boolean {
  return /@sha256:[0-9a-fA-F]{64}$/.test(text.trim());
}

export function imageSubject(reference: string): Subject {
  const text = reference.trim();
  const match = DIGEST_REF.exec(text);
  if (!match?.groups) {
    throw new InputError("INPUT_INVALID", `${reference}: not an image reference by digest; expected name@sha256:<64 hex>`);
  }
  const { algorithm = "", hex = "" } = match.groups;
  if (algorithm !== "sha256") throw new InputError("INPUT_INVALID", `${reference}: a ${algorithm} digest; image subjects are attested by sha256`);
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new InputError("INPUT_INVALID", `${reference}: the digest is not 64 hex characters`);
  const name = withoutTag(match.groups.name ?? "");
  if (name === "" || name.endsWith("/") || name.startsWith("/")) throw new InputError("INPUT_INVALID", `${reference}: no repository name before the digest`);
  return { name, digest: { sha256: hex.toLowerCase() } };
}

/** `host:5000/o/app:1.2` → `host:5000/o/app`: a colon after the last `/` starts a tag. */
function withoutTag(name: string): string {
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? name.slice(0, colon) : name;
}
