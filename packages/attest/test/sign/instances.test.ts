import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSigstore, type SigstoreStandin } from "@peptide/testkit";
import { SIGNING_CONFIG_MEDIA_TYPE, SignError, resolveEndpoints, signStatements } from "../../src/sign/index.js";
import { expectBundleV03, statementFor, verifyWithSigstoreJs } from "./helpers.js";

describe("resolveEndpoints", () => {
  it("knows the public-good and github instances", async () => {
    expect(await resolveEndpoints({})).toEqual({
      fulcioURL: "https://fulcio.sigstore.dev",
      tlogs: [{ url: "https://rekor.sigstore.dev", majorApiVersion: 1 }],
      tsaURLs: [],
    });
    expect(await resolveEndpoints({ instance: "github" })).toEqual({
      fulcioURL: "https://fulcio.githubapp.com",
      tlogs: [],
      tsaURLs: ["https://timestamp.githubapp.com"],
    });
  });

  it("lets URLs and the tlog/tsa switches override an instance", async () => {
    expect(await resolveEndpoints({ instance: "public-good", tsaURL: "https://tsa.example/" , tsa: true })).toEqual({
      fulcioURL: "https://fulcio.sigstore.dev",
      tlogs: [{ url: "https://rekor.sigstore.dev", majorApiVersion: 1 }],
      tsaURLs: ["https://tsa.example"],
    });
    expect((await resolveEndpoints({ instance: "public-good", tlog: false, tsaURL: "https://tsa.example" })).tlogs).toEqual([]);
  });

  it.each([
    [{ fulcioURL: "https://f.example" }, /needs a transparency log entry or a signed timestamp/],
    [{ instance: "github" as const, tlog: true }, /tlog is on but no transparency log/],
    [{ fulcioURL: "https://f.example", rekorURL: "https://r.example", tsa: true }, /tsa is on but no timestamp authority/],
    [{ fulcioURL: "http://fulcio.example", rekorURL: "https://r.example" }, /must use https/],
    [{ fulcioURL: "fulcio", rekorURL: "https://r.example" }, /is not a URL/],
    [{ instance: "private" as never }, /unknown sigstore instance "private"/],
    [{ signingConfig: { mediaType: "application/vnd.dev.sigstore.signingconfig+json" } }, /mediaType/],
  ])("refuses %j", async (options, message) => {
    const error = await resolveEndpoints(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignError);
    expect((error as SignError).code).toBe("SIGN_CONFIG");
    expect((error as SignError).message).toMatch(message);
  });

  it("chooses services from a signing config as the spec says", async () => {
    const config = {
      mediaType: SIGNING_CONFIG_MEDIA_TYPE,
      caUrls: [
        { url: "https://fulcio.old", majorApiVersion: 1, validFor: { start: "2022-01-01T00:00:00Z", end: "2023-01-01T00:00:00Z" }, operator: "a" },
        { url: "https://fulcio.new", majorApiVersion: 1, validFor: { start: "2024-01-01T00:00:00Z" }, operator: "a" },
        { url: "https://fulcio.future", majorApiVersion: 1, validFor: { start: "2999-01-01T00:00:00Z" }, operator: "a" },
      ],
      oidcUrls: [],
      rekorTlogUrls: [
        { url: "https://rekor.v1", majorApiVersion: 1, validFor: { start: "2023-01-01T00:00:00Z" }, operator: "a" },
        { url: "https://rekor.v3", majorApiVersion: 3, validFor: { start: "2023-01-01T00:00:00Z" }, operator: "a" },
        { url: "https://rekor.b", majorApiVersion: 1, validFor: { start: "2023-06-01T00:00:00Z" }, operator: "b" },
      ],
      tsaUrls: [{ url: "https://tsa.a/api/v1/timestamp", majorApiVersion: 1, validFor: { start: "2023-01-01T00:00:00Z" }, operator: "a" }],
      rekorTlogConfig: { selector: "ALL" },
      tsaConfig: { selector: "ANY" },
    };
    expect(await resolveEndpoints({ signingConfig: config })).toEqual({
      fulcioURL: "https://fulcio.new",
      tlogs: [
        { url: "https://rekor.b", majorApiVersion: 1 },
        { url: "https://rekor.v1", majorApiVersion: 1 },
      ],
      tsaURLs: ["https://tsa.a/api/v1/timestamp"],
    });
    const exact = { ...config, rekorTlogConfig: { selector: "EXACT", count: 3 } };
    await expect(resolveEndpoints({ signingConfig: exact })).rejects.toThrow(/asks for 3 of rekorTlogUrls but 2 are usable/);
  });
});

describe("signing with a signing-config file", () => {
  let sigstore: SigstoreStandin;
  beforeAll(async () => {
    sigstore = await startSigstore();
  });
  afterAll(async () => {
    await sigstore.close();
  });

  it("signs against the services the file names", async () => {
    const start = new Date(Date.now() - 86_400_000).toISOString();
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "signing-config-")), "signing_config.json");
    writeFileSync(
      file,
      JSON.stringify({
        mediaType: SIGNING_CONFIG_MEDIA_TYPE,
        caUrls: [{ url: sigstore.fulcioURL, majorApiVersion: 1, validFor: { start }, operator: "standin" }],
        oidcUrls: [{ url: sigstore.oidc.issuer, majorApiVersion: 1, validFor: { start }, operator: "standin" }],
        rekorTlogUrls: [{ url: sigstore.rekorURL, majorApiVersion: 1, validFor: { start }, operator: "standin" }],
        tsaUrls: [{ url: `${sigstore.tsaURL}/api/v1/timestamp`, majorApiVersion: 1, validFor: { start }, operator: "standin" }],
        rekorTlogConfig: { selector: "ANY" },
        tsaConfig: { selector: "ANY" },
      }),
    );
    const [bundle] = await signStatements([statementFor(["a"])], { signingConfig: file, env: sigstore.oidc.runnerEnv() });
    expectBundleV03(bundle!, "dsse", { tlog: true, tsa: true });
    verifyWithSigstoreJs(sigstore, bundle!, { tlog: true, tsa: true });
  });

  it("names an unreadable file", async () => {
    await expect(resolveEndpoints({ signingConfig: "/nonexistent/signing_config.json" })).rejects.toThrow(/cannot read the signing config \/nonexistent/);
  });
});
