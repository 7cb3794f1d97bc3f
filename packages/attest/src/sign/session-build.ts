/**
 * The signing session's machinery (Fulcio, Rekor, TSA, the bundle builders), loaded by
 * `createSigningSession` only when a session is made. See session.ts.
 */
import type { Bundle } from "@sigstore/bundle";
import { DSSEBundleBuilder, RekorWitness, TSAWitness, type BundleBuilder, type Witness } from "@sigstore/sign";
import { mapLimit } from "@peptide/core";
import { IN_TOTO_PAYLOAD_TYPE, type Statement } from "../types.js";
import { bundleToExplicitJSON } from "./bundle-json.js";
import { CachingFulcioSigner } from "./caching-signer.js";
import { toSignError } from "./errors.js";
import { identityProviderFrom } from "./identity.js";
import { resolveEndpoints } from "./instances.js";
import { MessageSignatureV03BundleBuilder } from "./message-bundle.js";
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS } from "./retry.js";
import { assertStatement, type SigningOptions, type SigningSession, type SigstoreBundle } from "./session.js";

export async function buildSigningSession(options: SigningOptions): Promise<SigningSession> {
  const endpoints = await resolveEndpoints(options);
  const retry = options.retry ?? DEFAULT_RETRY;
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signer = new CachingFulcioSigner({
    fulcioURL: endpoints.fulcioURL,
    identityProvider: identityProviderFrom(options),
    retry,
    timeoutMs: timeout,
    ...(options.renewBeforeMs !== undefined ? { renewBeforeMs: options.renewBeforeMs } : {}),
    ...(options.onIdentityToken ? { onIdentityToken: options.onIdentityToken } : {}),
  });
  const witnesses: Witness[] = [
    ...endpoints.tlogs.map(
      (tlog) => new RekorWitness({ rekorBaseURL: tlog.url, majorApiVersion: tlog.majorApiVersion, fetchOnConflict: true, retry, timeout }),
    ),
    ...endpoints.tsaURLs.map((url) => new TSAWitness({ tsaBaseURL: url, retry, timeout })),
  ];
  const dsse = new DSSEBundleBuilder({ signer, witnesses, certificateChain: false });
  const message = new MessageSignatureV03BundleBuilder({ signer, witnesses });
  const counts = { tlogEntries: 0, timestamps: 0 };
  const concurrency = Math.max(1, options.concurrency ?? 8);

  const create = async (builder: BundleBuilder, data: Buffer, type?: string): Promise<SigstoreBundle> => {
    let bundle: Bundle;
    try {
      bundle = await builder.create(type === undefined ? { data } : { data, type });
    } catch (error) {
      throw toSignError(error, signer.tokens);
    }
    counts.tlogEntries += bundle.verificationMaterial.tlogEntries.length;
    counts.timestamps += bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0;
    return bundleToExplicitJSON(bundle);
  };

  const signStatement = (statement: Statement) => {
    assertStatement(statement);
    return create(dsse, Buffer.from(JSON.stringify(statement), "utf8"), IN_TOTO_PAYLOAD_TYPE);
  };

  return {
    endpoints,
    get stats() {
      return { ...signer.stats, ...counts };
    },
    get certificate() {
      return signer.certificate;
    },
    prepare: () =>
      signer.prepare().catch((error: unknown) => {
        throw toSignError(error, signer.tokens);
      }),
    signStatement,
    signStatements: (statements) => {
      statements.forEach(assertStatement);
      return mapLimit(statements, concurrency, signStatement);
    },
    signBlob: (bytes) => create(message, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
  };
}
