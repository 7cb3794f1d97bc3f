/** Shared by the signing tests: statements, the bundle-spec shape check, and verification. */
import { createHash } from "node:crypto";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { Verifier, toSignedEntity, toTrustMaterial, type Signer } from "@sigstore/verify";
import { expect } from "vitest";
import type { SigstoreStandin } from "@peptide/testkit";
import type { SigstoreBundle } from "../../src/sign/index.js";
import type { Statement } from "../../src/types.js";

export function statementFor(names: readonly string[], predicateType = "https://slsa.dev/provenance/v1"): Statement {
  return {
    _type: "https://in-toto.io/Statement/v1",
    subject: names.map((name) => ({ name, digest: { sha256: createHash("sha256").update(name).digest("hex") } })),
    predicateType,
    predicate: { buildDefinition: { buildType: "https://example.test/build/v1", externalParameters: {} }, runDetails: { builder: { id: "https://example.test" } } },
  };
}

/** The standin's runner variables: what a job with `id-token: write` sees. */
export function runnerEnv(sigstore: SigstoreStandin, claims?: Record<string, unknown>): Record<string, string> {
  return sigstore.oidc.runnerEnv(claims);
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Bundle v0.3 as the specification has it (sigstore protobuf-specs `Bundle`, JSON form), checked
 * field by field on the document rather than through sigstore-js's reader.
 */
export function expectBundleV03(json: SigstoreBundle, kind: "dsse" | "message", witnesses: { tlog: boolean; tsa: boolean }): void {
  expect(json.mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
  const vm = json.verificationMaterial;
  expect(Object.keys(vm).sort()).toEqual(["certificate", "timestampVerificationData", "tlogEntries"]);
  expect(vm.certificate?.rawBytes).toMatch(B64);
  expect(vm).not.toHaveProperty("x509CertificateChain");
  expect(vm).not.toHaveProperty("publicKey");

  if (kind === "dsse") {
    expect(json).not.toHaveProperty("messageSignature");
    const env = json.dsseEnvelope;
    expect(env?.payloadType).toBe("application/vnd.in-toto+json");
    expect(env?.payload).toMatch(B64);
    expect(env?.signatures).toHaveLength(1);
    expect(env?.signatures[0]?.sig).toMatch(B64);
  } else {
    expect(json).not.toHaveProperty("dsseEnvelope");
    const ms = json.messageSignature;
    expect(ms?.messageDigest?.algorithm).toBe("SHA2_256");
    expect(Buffer.from(ms?.messageDigest?.digest ?? "", "base64")).toHaveLength(32);
    expect(ms?.signature).toMatch(B64);
  }

  if (witnesses.tlog) {
    expect(vm.tlogEntries).toHaveLength(1);
    const entry = vm.tlogEntries[0];
    expect(entry?.logIndex).toMatch(/^\d+$/);
    expect(entry?.integratedTime).toMatch(/^\d+$/);
    expect(entry?.logId.keyId).toMatch(B64);
    expect(entry?.kindVersion).toEqual({ kind: kind === "dsse" ? "dsse" : "hashedrekord", version: "0.0.1" });
    expect(entry?.canonicalizedBody).toMatch(B64);
    // v0.3 requires the inclusion proof with its checkpoint; the promise is optional.
    const proof = entry?.inclusionProof;
    expect(proof?.logIndex).toMatch(/^\d+$/);
    expect(Number(proof?.logIndex)).toBeLessThan(Number(proof?.treeSize));
    expect(proof?.rootHash).toMatch(B64);
    expect(Array.isArray(proof?.hashes)).toBe(true);
    expect(proof?.checkpoint.envelope).toContain("\n\n\u2014 ");
  } else {
    expect(vm.tlogEntries).toEqual([]);
  }
  const timestamps = vm.timestampVerificationData?.rfc3161Timestamps;
  if (witnesses.tsa) {
    expect(timestamps).toHaveLength(1);
    expect(timestamps?.[0]?.signedTimestamp).toMatch(B64);
  } else {
    expect(timestamps).toEqual([]);
  }
}

/** Cryptographic verification with @sigstore/verify against the stand-in's trusted root. */
export function verifyWithSigstoreJs(
  sigstore: SigstoreStandin,
  json: SigstoreBundle,
  options: { artifact?: Uint8Array; tlog: boolean; tsa: boolean },
): Signer {
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), {
    tlogThreshold: options.tlog ? 1 : 0,
    ctlogThreshold: 1,
    timestampThreshold: options.tsa ? 1 : 0,
  });
  const artifact = options.artifact ? Buffer.from(options.artifact) : undefined;
  return verifier.verify(toSignedEntity(bundleFromJSON(json), artifact));
}
