/**
 * The trusted root a verification is anchored to: from a file for air-gapped use (no network
 * needed, none attempted), as JSON, or through TUF (Sigstore's public-good repository or a
 * private mirror). The TUF client is imported only when that source is used.
 */
import { readFile } from "node:fs/promises";
import { InputError } from "@peptide/core";
import { TrustedRoot as TrustedRootMessage } from "@sigstore/protobuf-specs";
import { toTrustMaterial, type TrustMaterial } from "@sigstore/verify";

export const TRUSTED_ROOT_MEDIA_TYPE_PREFIX = "application/vnd.dev.sigstore.trustedroot";

export type TrustedRootSource =
  /** A trusted_root.json on disk (air-gapped: no network needed, none attempted). */
  | { kind: "file"; path: string }
  /** An already parsed trusted_root.json document. */
  | { kind: "json"; json: unknown; name?: string }
  /**
   * Through TUF: the public-good repository unless mirrorUrl is given (a private mirror needs
   * rootPath, its initial root.json, on first use). Cached in cacheDir (default
   * `$XDG_CACHE_HOME/peptide/tuf`); forceCache uses fresh cached metadata without asking the
   * mirror. When the mirror is unreachable, fresh cached metadata is used, else NETWORK_UNREACHABLE.
   */
  | { kind: "tuf"; mirrorUrl?: string | undefined; cacheDir?: string | undefined; rootPath?: string | undefined; forceCache?: boolean | undefined };

/** A parsed and checked trusted root, reusable across many verifications. */
export class TrustRoot {
  private constructor(
    readonly material: TrustMaterial,
    /** Where it came from, for messages. */
    readonly name: string,
  ) {}

  /** Parses a trusted_root.json document; throws InputError INPUT_INVALID naming `name`. */
  static fromJSON(json: unknown, name = "trusted root"): TrustRoot {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new InputError("INPUT_INVALID", `${name}: not a sigstore trusted root (expected a JSON object)`);
    }
    const mediaType = (json as { mediaType?: unknown }).mediaType;
    if (typeof mediaType !== "string" || !mediaType.startsWith(TRUSTED_ROOT_MEDIA_TYPE_PREFIX)) {
      throw new InputError("INPUT_INVALID", `${name}: not a sigstore trusted root (mediaType should start with ${TRUSTED_ROOT_MEDIA_TYPE_PREFIX})`);
    }
    let material: TrustMaterial;
    try {
      material = toTrustMaterial(TrustedRootMessage.fromJSON(json));
    } catch (cause) {
      throw new InputError("INPUT_INVALID", `${name}: trusted root cannot be read (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    }
    if (material.certificateAuthorities.length === 0) {
      throw new InputError("INPUT_INVALID", `${name}: trusted root lists no certificate authority, so no certificate can be verified`);
    }
    return new TrustRoot(material, name);
  }

  get hasTransparencyLog(): boolean {
    return this.material.tlogs.length > 0;
  }

  get hasCertificateTransparencyLog(): boolean {
    return this.material.ctlogs.length > 0;
  }
}

/** Loads a trusted root from its source. */
export async function loadTrustedRoot(source: TrustedRootSource): Promise<TrustRoot> {
  switch (source.kind) {
    case "json":
      return TrustRoot.fromJSON(source.json, source.name);
    case "file": {
      const text = await readFile(source.path, "utf8").catch((cause: unknown) => {
        throw new InputError("INPUT_NOT_FOUND", `${source.path}: trusted root cannot be read; check the --trusted-root path`, { cause });
      });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new InputError("INPUT_INVALID", `${source.path}: trusted root is not valid JSON`, { cause });
      }
      return TrustRoot.fromJSON(json, source.path);
    }
    case "tuf": {
      const { fetchTrustedRootJSON } = await import("./tuf.js");
      const { json, name } = await fetchTrustedRootJSON(source);
      return TrustRoot.fromJSON(json, name);
    }
  }
}
