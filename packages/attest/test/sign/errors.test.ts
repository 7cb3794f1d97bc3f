import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { SignError, createSigningSession, signBlob, signStatements } from "../../src/sign/index.js";
import { statementFor } from "./helpers.js";

let sigstore: SigstoreStandin;
beforeAll(async () => {
  sigstore = await startSigstore();
});
afterAll(async () => {
  await sigstore.close();
});

const fast = { retries: 2, minTimeout: 10, maxTimeout: 20 };

async function rejection(promise: Promise<unknown>): Promise<SignError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignError);
  return error as SignError;
}

/** Every message in the cause chain, for "the token is never printed". */
function allText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e !== undefined && depth < 10; depth++) {
    if (e instanceof Error) {
      parts.push(e.message, e.stack ?? "");
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join("\n");
}

describe("identity", () => {
  it("names the missing id-token permission when the runner gave no token endpoint", async () => {
    const error = await rejection(signBlob(Buffer.from("x"), { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, env: {} }));
    expect(error.code).toBe("SIGN_IDENTITY");
    expect(error.message).toContain("permissions: id-token: write");
  });

  it("reads SIGSTORE_ID_TOKEN like cosign", async () => {
    const bundle = await signBlob(Buffer.from("x"), {
      fulcioURL: sigstore.fulcioURL,
      rekorURL: sigstore.rekorURL,
      env: { SIGSTORE_ID_TOKEN: sigstore.oidc.mintToken() },
    });
    expect(bundle.verificationMaterial.certificate).toBeDefined();
  });

  it("hands the token to onIdentityToken before using it, and never puts it in an error", async () => {
    const expired = sigstore.oidc.mintToken({ exp: Math.floor(Date.now() / 1000) - 60 });
    const seen: string[] = [];
    const error = await rejection(
      signBlob(Buffer.from("x"), { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: expired, onIdentityToken: (t) => seen.push(t), retry: fast }),
    );
    expect(seen).toEqual([expired]);
    expect(error.code).toBe("SIGN_IDENTITY");
    expect(error.message).toMatch(/expired/);
    const text = allText(error);
    for (const part of [expired, ...expired.split(".").slice(1)]) expect(text).not.toContain(part);
  });

  it("scrubs the token from sigstore-js's own messages (it prints unparsable tokens)", async () => {
    const garbage = "not-a-jwt-but-secret-enough-to-hide-1234567890";
    const error = await rejection(signBlob(Buffer.from("x"), { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, identityToken: garbage }));
    expect(error.code).toBe("SIGN_IDENTITY");
    expect(allText(error)).not.toContain(garbage);
    expect(error.message).toContain("***");
  });
});

describe("retries", () => {
  it("retries Fulcio and Rekor 5xx through the library's retry settings", async () => {
    const before = { fulcio: sigstore.requests["fulcio"] ?? 0, rekor: sigstore.requests["rekor"] ?? 0 };
    sigstore.fail("fulcio", { status: 503, times: 1 });
    sigstore.fail("rekor", { status: 502, times: 2 });
    const session = await createSigningSession({ fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, env: sigstore.oidc.runnerEnv(), retry: fast });
    await session.signStatements([statementFor(["a"])]);
    expect(session.stats.certificates).toBe(1);
    expect((sigstore.requests["fulcio"] ?? 0) - before.fulcio).toBe(2);
    expect((sigstore.requests["rekor"] ?? 0) - before.rekor).toBe(3);
  });

  it("gives up with SIGN_REKOR naming the log's answer", async () => {
    sigstore.fail("rekor", { status: 503, times: 10 });
    try {
      const error = await rejection(
        signStatements([statementFor(["a"])], { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, env: sigstore.oidc.runnerEnv(), retry: fast }),
      );
      expect(error.code).toBe("SIGN_REKOR");
      expect(error.message).toMatch(/503/);
    } finally {
      sigstore.fail("rekor", { status: 503, times: 0 });
    }
  });

  it("reports an unreachable TSA as SIGN_TSA", async () => {
    const error = await rejection(
      signBlob(Buffer.from("x"), { fulcioURL: sigstore.fulcioURL, tsaURL: "http://127.0.0.1:9", env: sigstore.oidc.runnerEnv(), retry: 0 }),
    );
    expect(error.code).toBe("SIGN_TSA");
  });
});

describe("input", () => {
  it("refuses statements that are not in-toto v1 with a subject digest", async () => {
    const bad = { ...statementFor(["a"]), subject: [{ name: "a", digest: { sha256: "ABC" } }] };
    const error = await rejection(signStatements([bad], { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.rekorURL, env: sigstore.oidc.runnerEnv() }));
    expect(error.code).toBe("SIGN_INPUT");
    expect(error.message).toContain("subject[0]");
  });
});
