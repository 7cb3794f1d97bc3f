/**
 * verifyBundle: one Sigstore bundle against an artifact, a policy and a trusted root. The
 * cryptography is @sigstore/verify's; the policy is read from the certificate's Fulcio extensions
 * and the in-toto statement. Every check is reported; `ok` only when all of them pass.
 */
import { bundleFromJSON, type Bundle } from "@sigstore/bundle";
import { HashAlgorithm } from "@sigstore/protobuf-specs";
import { toSignedEntity, type SignedEntity } from "@sigstore/verify";
import { digestArtifact, type Artifact, type MessageSignatureCheck } from "./artifact.js";
import { readSigningCertificate, type SigningCertificate } from "./certificate.js";
import { identityChecks } from "./identity-checks.js";
import { assertPolicy, type VerificationPolicy } from "./policy.js";
import { fail, pass, reasonOf, type Check, type SignerIdentity, type StatementSummary, type VerificationReport } from "./report.js";
import { sigstoreChecks, type Thresholds } from "./sigstore-checks.js";
import { checkBuilderId, checkPredicateType, checkSubjectDigest, readStatement, type ParsedStatement } from "./statement.js";
import { TrustRoot } from "./trusted-root.js";

export interface VerifyOptions {
  /** The trusted root: prepared once with loadTrustedRoot / TrustRoot.fromJSON, or its JSON document. */
  trustedRoot: TrustRoot | Record<string, unknown>;
}

/** Verifies one bundle (a parsed `.sigstore.json` document or its text). */
export async function verifyBundle(bundle: unknown, artifact: Artifact, policy: VerificationPolicy, options: VerifyOptions): Promise<VerificationReport> {
  return verify(bundle, artifact, policy, options, false);
}

/** Verifies a DSSE in-toto attestation bundle against the subject digest it must name. */
export async function verifyAttestation(bundle: unknown, subjectDigest: string, policy: VerificationPolicy, options: VerifyOptions): Promise<VerificationReport> {
  return verify(bundle, { sha256: subjectDigest }, policy, options, true);
}

interface ReadBundle {
  bundle: Bundle;
  entity: SignedEntity;
  leaf: SigningCertificate;
}

async function verify(input: unknown, artifact: Artifact, policy: VerificationPolicy, options: VerifyOptions, attestationOnly: boolean): Promise<VerificationReport> {
  const started = performance.now();
  assertPolicy(policy);
  const trust = options.trustedRoot instanceof TrustRoot ? options.trustedRoot : TrustRoot.fromJSON(options.trustedRoot);
  const read = readBundle(input);
  const finish = (checks: Check[], identity?: SignerIdentity, statement?: StatementSummary): VerificationReport => ({
    ok: checks.every((check) => check.ok),
    checks,
    identity,
    ...(statement ? { statement } : {}),
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });
  if (typeof read === "string") return finish([fail("bundle", read)]);
  const { bundle, entity, leaf } = read;
  const content = bundle.content;
  if (attestationOnly && content.$case !== "dsseEnvelope") {
    return finish([fail("bundle", "bundle holds a message signature, not an in-toto attestation")], identityOf(leaf));
  }

  const checks: Check[] = [pass("bundle", `${bundle.mediaType} with ${content.$case === "dsseEnvelope" ? "a dsse envelope" : "a message signature"}`)];
  checks.push(...sigstoreChecks(bundle, entity, leaf, trust, thresholdsOf(policy, trust)).checks);

  let statement: ParsedStatement | undefined;
  let summary: StatementSummary | undefined;
  if (content.$case === "dsseEnvelope") {
    const envelope = content.dsseEnvelope;
    checks.push(entity.signature.verifySignature(leaf.publicKey) ? pass("signature", "dsse signature verifies with the certificate's key") : fail("signature", "dsse signature does not verify with the certificate's key"));
    const { sha256 } = await digestArtifact(artifact);
    const parsed = readStatement(envelope.payloadType, envelope.payload);
    if (typeof parsed === "string") {
      checks.push(fail("subject-digest", parsed));
    } else {
      statement = parsed;
      const { check, matched } = checkSubjectDigest(parsed, sha256);
      checks.push(check);
      summary = { predicateType: parsed.predicateType, subjectCount: parsed.subjects.length, ...(matched !== undefined ? { matchedSubject: matched } : {}) };
    }
  } else {
    checks.push(...(await messageChecks(content.messageSignature, artifact, leaf)));
  }

  if (policy.predicateTypes !== undefined && policy.predicateTypes.length > 0) {
    checks.push(checkPredicateType(statement?.predicateType, policy.predicateTypes));
  }
  checks.push(...identityChecks(leaf, policy));
  const builder = statement ? checkBuilderId(statement, leaf.claims.buildSignerUri, policy) : undefined;
  if (builder) checks.push(builder);
  return finish(checks, identityOf(leaf), summary);
}

function readBundle(input: unknown): ReadBundle | string {
  let json = input;
  if (typeof input === "string" || input instanceof Uint8Array) {
    try {
      json = JSON.parse(typeof input === "string" ? input : Buffer.from(input).toString("utf8"));
    } catch {
      return "bundle is not json";
    }
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (error) {
    const fields = (error as { fields?: unknown }).fields;
    return `not a sigstore bundle: ${reasonOf(error)}${Array.isArray(fields) ? ` (${fields.join(", ")})` : ""}`;
  }
  const material = bundle.verificationMaterial.content;
  let der: Uint8Array | undefined;
  if (material.$case === "x509CertificateChain") der = material.x509CertificateChain.certificates[0]?.rawBytes;
  else if (material.$case === "certificate") der = material.certificate.rawBytes;
  else return "bundle is signed with a public key, not a certificate; keyless verification needs the signer's certificate";
  if (!der) return "bundle has no signing certificate";
  try {
    const leaf = readSigningCertificate(der);
    return { bundle, leaf, entity: toSignedEntity(bundle) };
  } catch (error) {
    return `bundle cannot be read: ${reasonOf(error)}`;
  }
}

const NODE_HASH: Partial<Record<HashAlgorithm, string>> = {
  [HashAlgorithm.SHA2_256]: "sha256",
  [HashAlgorithm.SHA2_384]: "sha384",
  [HashAlgorithm.SHA2_512]: "sha512",
};

async function messageChecks(message: Extract<Bundle["content"], { $case: "messageSignature" }>["messageSignature"], artifact: Artifact, leaf: SigningCertificate): Promise<Check[]> {
  const algorithm = NODE_HASH[message.messageDigest.algorithm] ?? "sha256";
  const signed: MessageSignatureCheck = { key: leaf.publicKey, signature: message.signature, algorithm };
  const digest = await digestArtifact(artifact, signed);
  const checks: Check[] = [];
  if (digest.signatureValid === undefined) {
    checks.push(fail("signature", "a message signature is over the artifact's bytes; give the artifact, not only its digest"));
  } else {
    checks.push(digest.signatureValid ? pass("signature", "message signature over the artifact verifies with the certificate's key") : fail("signature", "message signature over the artifact does not verify with the certificate's key"));
  }
  const bundled = Buffer.from(message.messageDigest.digest).toString("hex");
  if (algorithm !== "sha256") checks.push(fail("subject-digest", `bundle's message digest uses ${algorithm}; only sha256 is compared`));
  else if (bundled === digest.sha256) checks.push(pass("subject-digest", `artifact sha256:${digest.sha256} is the bundle's message digest`));
  else checks.push(fail("subject-digest", `artifact sha256:${digest.sha256} is not the bundle's message digest sha256:${bundled}`));
  return checks;
}

function thresholdsOf(policy: VerificationPolicy, trust: TrustRoot): Thresholds {
  return {
    tlog: policy.tlogThreshold ?? (trust.hasTransparencyLog ? 1 : 0),
    timestamp: policy.timestampThreshold ?? 1,
    ctlog: policy.ctlogThreshold ?? (trust.hasCertificateTransparencyLog ? 1 : 0),
  };
}

function identityOf(leaf: SigningCertificate): SignerIdentity {
  return {
    ...(leaf.subjectAlternativeNames[0] !== undefined ? { subjectAlternativeName: leaf.subjectAlternativeNames[0] } : {}),
    ...leaf.claims,
    certificate: { notBefore: leaf.notBefore.toISOString(), notAfter: leaf.notAfter.toISOString(), sha256: leaf.fingerprint },
  };
}
