/**
 * Message-signature bundles v0.3. @sigstore/sign's MessageSignatureBundleBuilder always packages
 * a v0.2 bundle (`x509CertificateChain`); v0.3 carries the leaf alone in
 * `verificationMaterial.certificate`, as the DSSE builder does with `certificateChain: false`.
 */
import { createHash } from "node:crypto";
import { toMessageSignatureBundle, type BundleWithMessageSignature } from "@sigstore/bundle";
import { MessageSignatureBundleBuilder, type Artifact, type Signature } from "@sigstore/sign";

export class MessageSignatureV03BundleBuilder extends MessageSignatureBundleBuilder {
  protected override package(artifact: Artifact, signature: Signature): Promise<BundleWithMessageSignature> {
    if (signature.key.$case !== "x509Certificate") throw new Error("message signatures here are keyless: expected a certificate");
    return Promise.resolve(
      toMessageSignatureBundle({
        digest: createHash("sha256").update(artifact.data).digest(),
        signature: signature.signature,
        certificate: pemToDER(signature.key.certificate),
        certificateChain: false,
      }) as BundleWithMessageSignature,
    );
  }
}

function pemToDER(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, ""), "base64");
}
