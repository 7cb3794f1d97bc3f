/** Hand-made signing certificates from @sigstore/mock's CA, for the certificate and policy unit tests. */
import { generateKeyPairSync } from "node:crypto";
import { initializeCA } from "@sigstore/mock";
import { readSigningCertificate, type SigningCertificate } from "../../src/verify/certificate.js";

export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
export const SIGNER = "https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.2";
export const SHA = "4b6d1d0c1f3a8e2b9c7d5e6f7a8b9c0d1e2f3a4b";

/** The extensions Fulcio writes for a GitHub Actions token, by field. */
export const GITHUB_EXTENSIONS: Record<string, string> = {
  "1.3.6.1.4.1.57264.1.8": GITHUB_ISSUER,
  "1.3.6.1.4.1.57264.1.9": SIGNER,
  "1.3.6.1.4.1.57264.1.10": SHA,
  "1.3.6.1.4.1.57264.1.11": "github-hosted",
  "1.3.6.1.4.1.57264.1.12": "https://github.com/peptide-dev/payments",
  "1.3.6.1.4.1.57264.1.13": SHA,
  "1.3.6.1.4.1.57264.1.14": "refs/tags/v1.4.2",
  "1.3.6.1.4.1.57264.1.15": "2000002",
  "1.3.6.1.4.1.57264.1.16": "https://github.com/peptide-dev",
  "1.3.6.1.4.1.57264.1.17": "1000001",
  "1.3.6.1.4.1.57264.1.18": SIGNER,
  "1.3.6.1.4.1.57264.1.19": SHA,
  "1.3.6.1.4.1.57264.1.20": "push",
  "1.3.6.1.4.1.57264.1.21": "https://github.com/peptide-dev/payments/actions/runs/9876543210/attempts/1",
  "1.3.6.1.4.1.57264.1.22": "private",
  "1.3.6.1.4.1.57264.1.23": "production",
};

export interface MakeCertificate {
  san?: string;
  /** Replaces the default extensions when given; `legacy` ones are raw bytes, the rest DER UTF8String. */
  extensions?: { oid: string; value: string; legacy?: boolean }[];
  /** Merged over GITHUB_EXTENSIONS; undefined removes one. */
  override?: Record<string, string | undefined>;
}

let caPromise: ReturnType<typeof initializeCA> | undefined;

export async function makeCertificate(options: MakeCertificate = {}): Promise<SigningCertificate> {
  caPromise ??= initializeCA(generateKeyPairSync("ec", { namedCurve: "P-256" }));
  const ca = await caPromise;
  const merged: Record<string, string | undefined> = { ...GITHUB_EXTENSIONS, ...options.override };
  const extensions =
    options.extensions ??
    Object.entries(merged).flatMap(([oid, value]) => (value === undefined ? [] : [{ oid, value }]));
  const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const der = await ca.issueCertificate({
    publicKey: publicKey.export({ format: "der", type: "spki" }),
    subjectAltName: options.san ?? SIGNER,
    extensions,
  });
  return readSigningCertificate(new Uint8Array(der.buffer, der.byteOffset, der.byteLength));
}
