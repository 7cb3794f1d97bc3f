/**
 * The artifact a bundle is checked against: its sha256 (enough for attestations, whose
 * statement names the digest), or its bytes / a file (needed for a blob's message signature,
 * which is over the bytes). Files are streamed once for both the digest and the signature.
 */
import { createHash, createVerify, verify as verifyOnce, type KeyObject } from "node:crypto";
import { createReadStream } from "node:fs";
import { InputError } from "@peptide/core";

export type Artifact =
  /** The subject digest, lower-case hex, with or without `sha256:`. */
  | { sha256: string }
  /** The artifact's bytes, in memory. */
  | { bytes: Uint8Array }
  /** A file, streamed. */
  | { path: string };

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `sha256:ABC…` or `abc…` -> `abc…`; throws INPUT_INVALID when it is not a sha256. */
export function sha256Of(value: string): string {
  const hex = value.trim().toLowerCase().replace(/^sha256:/, "");
  if (!SHA256_HEX.test(hex)) throw new InputError("INPUT_INVALID", `"${value}" is not a sha256 digest (64 hex digits, optionally prefixed sha256:)`);
  return hex;
}

export interface ArtifactDigest {
  sha256: string;
  /** Present when the artifact's bytes were read and a message signature was checked over them. */
  signatureValid?: boolean;
}

/** The message signature to check while reading the artifact. */
export interface MessageSignatureCheck {
  key: KeyObject;
  signature: Uint8Array;
  /** Node's name of the digest the signature uses: sha256, sha384, sha512. */
  algorithm: string;
}

/** Digests the artifact and, when asked and possible, verifies a message signature over it. */
export async function digestArtifact(artifact: Artifact, message?: MessageSignatureCheck): Promise<ArtifactDigest> {
  if ("sha256" in artifact) return { sha256: sha256Of(artifact.sha256) };
  if ("bytes" in artifact) {
    const sha256 = createHash("sha256").update(artifact.bytes).digest("hex");
    if (!message) return { sha256 };
    return { sha256, signatureValid: verifyOnce(message.algorithm, artifact.bytes, message.key, message.signature) };
  }
  const hash = createHash("sha256");
  const verifier = message ? createVerify(message.algorithm) : undefined;
  try {
    for await (const chunk of createReadStream(artifact.path)) {
      hash.update(chunk as Buffer);
      verifier?.update(chunk as Buffer);
    }
  } catch (cause) {
    throw new InputError("INPUT_NOT_FOUND", `${artifact.path}: artifact cannot be read; check the path`, { cause });
  }
  const sha256 = hash.digest("hex");
  if (!message || !verifier) return { sha256 };
  return { sha256, signatureValid: verifier.verify(message.key, message.signature) };
}
