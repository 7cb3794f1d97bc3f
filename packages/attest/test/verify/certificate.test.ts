import { describe, expect, test } from "vitest";
import { PeptideError } from "@peptide/core";
import { readSigningCertificate } from "../../src/verify/certificate.js";
import { decodeOid, readTlv } from "../../src/verify/der.js";
import { GITHUB_ISSUER, makeCertificate, SHA, SIGNER } from "./certificates.js";

describe("reading a Fulcio certificate", () => {
  test("decodes the SAN and every GitHub extension .8-.23 by name", async () => {
    const certificate = await makeCertificate();
    expect(certificate.subjectAlternativeNames).toEqual([SIGNER]);
    expect(certificate.claims).toEqual({
      issuer: GITHUB_ISSUER,
      buildSignerUri: SIGNER,
      buildSignerDigest: SHA,
      runnerEnvironment: "github-hosted",
      sourceRepositoryUri: "https://github.com/peptide-dev/payments",
      sourceRepositoryDigest: SHA,
      sourceRepositoryRef: "refs/tags/v1.4.2",
      sourceRepositoryIdentifier: "2000002",
      sourceRepositoryOwnerUri: "https://github.com/peptide-dev",
      sourceRepositoryOwnerIdentifier: "1000001",
      buildConfigUri: SIGNER,
      buildConfigDigest: SHA,
      buildTrigger: "push",
      runInvocationUri: "https://github.com/peptide-dev/payments/actions/runs/9876543210/attempts/1",
      sourceRepositoryVisibilityAtSigning: "private",
      deploymentEnvironment: "production",
    });
  });

  test("reads the validity window (mock Fulcio issues for 10 minutes)", async () => {
    const certificate = await makeCertificate();
    expect(certificate.notAfter.getTime() - certificate.notBefore.getTime()).toBe(10 * 60_000);
    expect(Math.abs(certificate.notBefore.getTime() - Date.now())).toBeLessThan(60_000);
    expect(certificate.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  test("falls back to the legacy raw issuer (.1) and keeps unknown Fulcio OIDs (.24) by OID", async () => {
    const certificate = await makeCertificate({
      extensions: [
        { oid: "1.3.6.1.4.1.57264.1.1", value: GITHUB_ISSUER, legacy: true },
        { oid: "1.3.6.1.4.1.57264.1.24", value: "future-claim" },
      ],
    });
    expect(certificate.claims.issuer).toBe(GITHUB_ISSUER);
    expect(certificate.claims.other).toEqual({ "1.3.6.1.4.1.57264.1.24": "future-claim" });
  });

  test("the V2 issuer wins over the legacy one", async () => {
    const certificate = await makeCertificate({
      extensions: [
        { oid: "1.3.6.1.4.1.57264.1.1", value: "https://legacy.example", legacy: true },
        { oid: "1.3.6.1.4.1.57264.1.8", value: GITHUB_ISSUER },
      ],
    });
    expect(certificate.claims.issuer).toBe(GITHUB_ISSUER);
  });

  test("a SAN that is not a URL comes back intact", async () => {
    const certificate = await makeCertificate({ san: "release-bot@example.com", extensions: [] });
    expect(certificate.subjectAlternativeNames).toEqual(["release-bot@example.com"]);
  });

  test("rejects bytes that are not a certificate with a coded error", () => {
    expect(() => readSigningCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrowError(PeptideError);
    try {
      readSigningCertificate(Buffer.from("not a certificate"));
    } catch (error) {
      expect((error as PeptideError).code).toBe("CERTIFICATE_INVALID");
    }
  });
});

describe("der reader", () => {
  test("decodes OIDs with multi-byte arcs", () => {
    // 1.3.6.1.4.1.57264.1.8
    expect(decodeOid(Uint8Array.from([0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01, 0x08]))).toBe("1.3.6.1.4.1.57264.1.8");
  });

  test("reads long-form lengths and refuses elements that overrun their container", () => {
    const long = Uint8Array.from([0x04, 0x81, 0x80, ...new Array<number>(0x80).fill(7)]);
    expect(readTlv(long).value.length).toBe(0x80);
    expect(() => readTlv(Uint8Array.from([0x04, 0x05, 0x01]))).toThrow(/runs past its container/);
    expect(() => readTlv(Uint8Array.from([0x04, 0x80]))).toThrow(/unsupported length form/);
  });
});
