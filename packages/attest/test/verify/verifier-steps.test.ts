import { expect, test } from "vitest";
import { Verifier } from "@sigstore/verify";
import { stepsOf } from "../../src/verify/sigstore-checks.js";
import { TrustRoot } from "../../src/verify/trusted-root.js";

// sigstore-checks.ts runs Verifier's private steps one by one; an upgrade of @sigstore/verify
// that renames them must fail here, not in a user's release.
test("the installed @sigstore/verify exposes the steps verify() is made of", () => {
  const verifier = new Verifier({ certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [], publicKey: () => { throw new Error("no keys"); } });
  expect(() => stepsOf(verifier)).not.toThrow();
  expect(verifier.verify.toString()).toMatch(/verifyTimestamps\(entity\)[\s\S]*verifySigningKey\(entity, timestamps\)[\s\S]*verifyTLogs\(entity\)[\s\S]*verifySignature\(entity, signer\)/);
});

test("a Verifier without the steps is refused with a coded error", () => {
  expect(() => stepsOf({} as Verifier)).toThrowError(expect.objectContaining({ code: "VERIFIER_INCOMPATIBLE" }));
});

test("a trusted root without a certificate authority is refused", () => {
  expect(() => TrustRoot.fromJSON({ mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1" }, "root.json")).toThrowError(
    "root.json: trusted root lists no certificate authority, so no certificate can be verified",
  );
});
