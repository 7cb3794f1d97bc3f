/**
 * A Signer for a whole run: one identity token, one ephemeral P-256 key and one Fulcio
 * certificate serve every signature, instead of @sigstore/sign's FulcioSigner asking for a token
 * and a certificate per signature. The certificate comes from FulcioSigner itself (its client,
 * proof of possession and retries); later signatures reuse it and the key. A new token, key and
 * certificate are fetched only when the certificate would expire within `renewBeforeMs` (Fulcio
 * certificates last 10 minutes), so a signature is never made with a certificate that will have
 * expired by the time the log or TSA witnesses it.
 */
import { X509Certificate, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { FulcioSigner, type IdentityProvider, type Signature, type Signer } from "@sigstore/sign";
import type { SigstoreRetry } from "./retry.js";

export interface CachingSignerOptions {
  fulcioURL: string;
  identityProvider: IdentityProvider;
  retry?: SigstoreRetry;
  timeoutMs?: number;
  /** Renew when the certificate has less than this left. Default 2 minutes. */
  renewBeforeMs?: number;
  /** Called with each token as soon as it is read (an action masks it here). */
  onIdentityToken?: (token: string) => void;
}

interface Credential {
  privateKey: KeyObject;
  certificate: string;
  notAfter: number;
}

export interface SignerStats {
  identityTokens: number;
  certificates: number;
  signatures: number;
}

export class CachingFulcioSigner implements Signer {
  readonly stats: SignerStats = { identityTokens: 0, certificates: 0, signatures: 0 };
  /** Every token read so far, to scrub from errors. */
  readonly tokens: string[] = [];
  private pending?: Promise<Credential>;
  private current?: Credential;

  constructor(private readonly options: CachingSignerOptions) {}

  async sign(data: Buffer): Promise<Signature> {
    const credential = await this.credential();
    this.stats.signatures += 1;
    return {
      signature: sign("sha256", data, credential.privateKey),
      key: { $case: "x509Certificate", certificate: credential.certificate },
    };
  }

  /** Gets the identity token and the certificate now, ahead of the first signature (nothing is signed or logged). */
  async prepare(): Promise<void> {
    await this.credential();
  }

  /** The certificate (PEM) in use, once the first signature asked for it. */
  get certificate(): string | undefined {
    return this.current?.certificate;
  }

  private credential(): Promise<Credential> {
    const renewBefore = this.options.renewBeforeMs ?? 120_000;
    if (this.current && this.current.notAfter - Date.now() > renewBefore) return Promise.resolve(this.current);
    if (!this.pending) {
      this.pending = this.issue().then(
        (credential) => {
          this.current = credential;
          this.pending = undefined;
          return credential;
        },
        (error: unknown) => {
          this.pending = undefined;
          throw error;
        },
      );
    }
    return this.pending;
  }

  private async issue(): Promise<Credential> {
    const token = await this.options.identityProvider.getToken();
    this.stats.identityTokens += 1;
    this.tokens.push(token);
    this.options.onIdentityToken?.(token);

    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const publicPEM = publicKey.export({ format: "pem", type: "spki" }).toString();
    const keyHolder: Signer = {
      sign: (data) => Promise.resolve({ signature: sign("sha256", data, privateKey), key: { $case: "publicKey", publicKey: publicPEM } }),
    };
    const fulcio = new FulcioSigner({
      fulcioBaseURL: this.options.fulcioURL,
      identityProvider: { getToken: () => Promise.resolve(token) },
      keyHolder,
      ...(this.options.retry !== undefined ? { retry: this.options.retry } : {}),
      ...(this.options.timeoutMs !== undefined ? { timeout: this.options.timeoutMs } : {}),
    });
    // FulcioSigner signs the probe with keyHolder and returns the certificate it obtained.
    const probe = await fulcio.sign(Buffer.alloc(0));
    if (probe.key.$case !== "x509Certificate") throw new Error("fulcio answered without a certificate");
    this.stats.certificates += 1;
    const notAfter = Date.parse(new X509Certificate(probe.key.certificate).validTo);
    return { privateKey, certificate: probe.key.certificate, notAfter };
  }
}
