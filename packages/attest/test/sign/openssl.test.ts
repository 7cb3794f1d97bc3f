/**
 * Independent checks with openssl, sharing no code with sigstore-js: the DSSE PAE signature and
 * the blob signature with the certificate's key, the certificate chain to the stand-in CA, the
 * RFC 3161 timestamp against the TSA chain, and Rekor's signed entry timestamp.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { createSigningSession, type SigningSession, type SigstoreBundle } from "../../src/sign/index.js";
import { statementFor } from "./helpers.js";

let sigstore: SigstoreStandin;
let session: SigningSession;
let dir: string;
beforeAll(async () => {
  sigstore = await startSigstore();
  session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, tsaURL: sigstore.tsaURL, env: sigstore.oidc.runnerEnv() });
  dir = mkdtempSync(path.join(os.tmpdir(), "peptide-openssl-"));
});
afterAll(async () => {
  await sigstore.close();
});

function file(name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

function openssl(...args: string[]): { status: number | null; out: string } {
  const result = spawnSync("openssl", args, { encoding: "utf8" });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

function pem(label: string, b64: string): string {
  return `-----BEGIN ${label}-----\n${b64.replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;
}

/** Leaf certificate and its public key, as files. */
function certificateFiles(bundle: SigstoreBundle, name: string): { leaf: string; pub: string } {
  const leaf = file(`${name}.crt`, pem("CERTIFICATE", bundle.verificationMaterial.certificate?.rawBytes ?? ""));
  const pub = path.join(dir, `${name}.pub`);
  expect(openssl("x509", "-in", leaf, "-pubkey", "-noout", "-out", pub).status).toBe(0);
  return { leaf, pub };
}

/** DSSE v1 pre-authentication encoding, written out from the spec. */
function pae(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
}

describe("openssl", () => {
  it("verifies the DSSE signature over the PAE with the certificate's key, and the chain", async () => {
    const [bundle] = await session.signStatements([statementFor(["dist/app.tgz"])]);
    const env = bundle!.dsseEnvelope!;
    const { leaf, pub } = certificateFiles(bundle!, "dsse");
    const payload = Buffer.from(env.payload, "base64");
    const sig = file("dsse.sig", Buffer.from(env.signatures[0]!.sig, "base64"));

    const ok = openssl("dgst", "-sha256", "-verify", pub, "-signature", sig, file("dsse.pae", pae(env.payloadType, payload)));
    expect(ok.out).toContain("Verified OK");
    expect(ok.status).toBe(0);
    const tampered = Buffer.from(payload.toString("utf8").replace("dist/app.tgz", "dist/evil.tgz"));
    const bad = openssl("dgst", "-sha256", "-verify", pub, "-signature", sig, file("dsse-bad.pae", pae(env.payloadType, tampered)));
    expect(bad.status).not.toBe(0);
    expect(bad.out).toContain("Verification failure");

    const chain = openssl("verify", "-purpose", "any", "-CAfile", file("ca.pem", sigstore.caPEM), leaf);
    expect(chain.out).toContain(": OK");
    const usage = openssl("x509", "-in", leaf, "-noout", "-ext", "extendedKeyUsage,keyUsage").out;
    expect(usage).toContain("Code Signing");
    expect(usage).toContain("Digital Signature");

    const other = await startSigstore();
    try {
      const foreign = openssl("verify", "-purpose", "any", "-CAfile", file("other-ca.pem", other.caPEM), leaf);
      expect(foreign.status).not.toBe(0);
    } finally {
      await other.close();
    }
  });

  it("verifies the message signature over the blob and its digest", async () => {
    const blob = Buffer.from("payments-service 1.4.0\n");
    const bundle = await session.signBlob(blob);
    const { pub } = certificateFiles(bundle, "blob");
    const blobFile = file("blob.bin", blob);
    const sig = file("blob.sig", Buffer.from(bundle.messageSignature!.signature, "base64"));
    expect(openssl("dgst", "-sha256", "-verify", pub, "-signature", sig, blobFile).out).toContain("Verified OK");
    const digest = spawnSync("openssl", ["dgst", "-sha256", "-binary", blobFile]).stdout;
    expect(Buffer.from(bundle.messageSignature!.messageDigest!.digest, "base64").equals(digest)).toBe(true);
  });

  it("verifies the RFC 3161 timestamp over the signature against the TSA chain", async () => {
    const bundle = await session.signBlob(Buffer.from("timestamped"));
    const [signing, root] = sigstore.trustedRoot.timestampAuthorities[0]!.certChain.certificates.map((c) => c.rawBytes);
    const tsr = file("ts.tsr", Buffer.from(bundle.verificationMaterial.timestampVerificationData!.rfc3161Timestamps[0]!.signedTimestamp, "base64"));
    const data = file("ts.data", Buffer.from(bundle.messageSignature!.signature, "base64"));
    const result = openssl("ts", "-verify", "-in", tsr, "-data", data, "-CAfile", file("tsa-root.pem", pem("CERTIFICATE", root!)), "-untrusted", file("tsa-signing.pem", pem("CERTIFICATE", signing!)));
    expect(result.out).toContain("Verification: OK");
  });

  it("verifies Rekor's signed entry timestamp with the log key of the trusted root", async () => {
    const [bundle] = await session.signStatements([statementFor(["b"])]);
    const entry = bundle!.verificationMaterial.tlogEntries[0]!;
    // Rekor signs the canonical JSON of these four fields (keys in order).
    const canonical = JSON.stringify({
      body: entry.canonicalizedBody,
      integratedTime: Number(entry.integratedTime),
      logID: Buffer.from(entry.logId.keyId, "base64").toString("hex"),
      logIndex: Number(entry.logIndex),
    });
    const key = file("rekor.pub", pem("PUBLIC KEY", sigstore.trustedRoot.tlogs[0]!.publicKey.rawBytes));
    const set = file("set.sig", Buffer.from(entry.inclusionPromise!.signedEntryTimestamp, "base64"));
    expect(openssl("dgst", "-sha256", "-verify", key, "-signature", set, file("set.json", canonical)).out).toContain("Verified OK");
    // The logged body is Rekor's dsse shape, naming this envelope's payload.
    const body = JSON.parse(Buffer.from(entry.canonicalizedBody, "base64").toString("utf8")) as { kind: string; spec: { payloadHash: { value: string } } };
    expect(body.kind).toBe("dsse");
    expect(body.spec.payloadHash.value).toBe(createHash("sha256").update(Buffer.from(bundle!.dsseEnvelope!.payload, "base64")).digest("hex"));
  });
});
