/**
 * Bundles for the verify tests, signed against the loopback Sigstore stand-in with @sigstore/sign
 * (the library the signing area wraps), so each test controls the token's claims and witnesses.
 */
import { createHash } from "node:crypto";
import { bundleToJSON } from "@sigstore/bundle";
import { RFC3161Timestamp } from "@sigstore/core";
import type { ClaimOverrides, SigstoreStandin } from "@peptide/testkit";
import { DSSEBundleBuilder, FulcioSigner, MessageSignatureBundleBuilder, RekorWitness, TSAWitness, type Witness } from "@sigstore/sign";
import { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_V1, SLSA_PROVENANCE_V1, type Statement } from "../../src/types.js";

export interface SignOptions {
  claims?: ClaimOverrides & { workflow_path?: string };
  /** Log in Rekor (public-good style). Default true. */
  tlog?: boolean;
  /** Timestamp with the TSA (GitHub style). Default false. */
  tsa?: boolean;
}

type Json = Record<string, unknown>;

function builderParts(standin: SigstoreStandin, options: SignOptions) {
  const signer = new FulcioSigner({
    fulcioBaseURL: standin.fulcioURL,
    identityProvider: { getToken: async () => standin.oidc.mintToken(options.claims ?? {}) },
  });
  const witnesses: Witness[] = [];
  if (options.tlog ?? true) witnesses.push(new RekorWitness({ rekorBaseURL: standin.rekorURL, entryType: "dsse" }));
  if (options.tsa ?? false) witnesses.push(new TSAWitness({ tsaBaseURL: standin.tsaURL }));
  return { signer, witnesses };
}

export async function signStatementBundle(standin: SigstoreStandin, statement: Statement, options: SignOptions = {}): Promise<Json> {
  return withReadableTimestamps(async () => {
    const builder = new DSSEBundleBuilder(builderParts(standin, options));
    const bundle = await builder.create({ data: Buffer.from(JSON.stringify(statement)), type: IN_TOTO_PAYLOAD_TYPE });
    return bundleToJSON(bundle) as unknown as Json;
  });
}

export async function signBlobBundle(standin: SigstoreStandin, bytes: Uint8Array, options: SignOptions = {}): Promise<Json> {
  return withReadableTimestamps(async () => {
    const builder = new MessageSignatureBundleBuilder(builderParts(standin, options));
    const bundle = await builder.create({ data: Buffer.from(bytes) });
    return bundleToJSON(bundle) as unknown as Json;
  });
}

/**
 * The mock TSA writes genTime with DER's shortest fraction (".12Z", ".5Z" whenever the
 * milliseconds end in 0), which @sigstore/core 3.2 cannot parse ("invalid time": it wants exactly
 * three digits). About one token in ten; sign again rather than fail at random. Remove once the
 * stand-in's TSA clock is floored to whole seconds.
 */
async function withReadableTimestamps(make: () => Promise<Json>): Promise<Json> {
  for (let attempt = 1; ; attempt++) {
    const bundle = await make();
    const material = bundle.verificationMaterial as { timestampVerificationData?: { rfc3161Timestamps?: { signedTimestamp: string }[] } };
    const tokens = material.timestampVerificationData?.rfc3161Timestamps ?? [];
    const readable = tokens.every((token) => {
      try {
        return RFC3161Timestamp.parse(Buffer.from(token.signedTimestamp, "base64")).signingTime instanceof Date;
      } catch {
        return false;
      }
    });
    if (readable || attempt === 5) return bundle;
  }
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export const ARTIFACT = Buffer.from("payments-service 1.4.2 release tarball\n");
export const ARTIFACT_SHA256 = sha256(ARTIFACT);

export function statementFor(digest: string, predicateType = "https://example.com/test-result/v1", predicate: unknown = { passed: true }): Statement {
  return { _type: IN_TOTO_STATEMENT_V1, subject: [{ name: "payments-service-1.4.2.tgz", digest: { sha256: digest } }], predicateType, predicate };
}

/** A SLSA provenance statement whose builder id is `builderId`. */
export function provenanceFor(digest: string, builderId: string): Statement {
  return statementFor(digest, SLSA_PROVENANCE_V1, {
    buildDefinition: { buildType: "https://example.com/buildtype/v1", externalParameters: {} },
    runDetails: { builder: { id: builderId } },
  });
}
