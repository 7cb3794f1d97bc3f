import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dockerCredentials, normalizeServerKey, type HelperRunner } from "@peptide/oci";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function configDir(config: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-docker-config-"));
  dirs.push(dir);
  await writeFile(path.join(dir, "config.json"), typeof config === "string" ? config : JSON.stringify(config));
  return dir;
}

const b64 = (s: string): string => Buffer.from(s).toString("base64");

describe("docker credentials", () => {
  it("reads auths entries keyed by host or URL, Docker Hub's included", async () => {
    const dir = await configDir({
      auths: {
        "https://index.docker.io/v1/": { auth: b64("hubuser:hubpass") },
        "registry.example.com": { auth: b64("u:p:with:colons") },
        "https://quay.io": { identitytoken: "refresh-me" },
      },
    });
    const credentials = dockerCredentials({ configDir: dir, env: {} });
    expect(await credentials("docker.io")).toEqual({ username: "hubuser", password: "hubpass" });
    expect(await credentials("registry.example.com")).toEqual({ username: "u", password: "p:with:colons" });
    expect(await credentials("quay.io")).toEqual({ identityToken: "refresh-me" });
    expect(await credentials("ghcr.io")).toBeUndefined();
  });

  it("asks credHelpers first, then credsStore, with the server on stdin", async () => {
    const dir = await configDir({ credHelpers: { "123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login" }, credsStore: "desktop", auths: { "ghcr.io": {} } });
    const calls: string[] = [];
    const runHelper: HelperRunner = async (helper, server) => {
      calls.push(`${helper} ${server}`);
      if (helper === "ecr-login") return JSON.stringify({ ServerURL: server, Username: "AWS", Secret: "ecr-token" });
      if (server === "ghcr.io") return JSON.stringify({ ServerURL: server, Username: "<token>", Secret: "identity" });
      throw new Error("credentials not found in native keychain");
    };
    const credentials = dockerCredentials({ configDir: dir, env: {}, runHelper });
    expect(await credentials("123.dkr.ecr.us-east-1.amazonaws.com")).toEqual({ username: "AWS", password: "ecr-token" });
    expect(await credentials("ghcr.io")).toEqual({ identityToken: "identity" });
    expect(await credentials("docker.io")).toBeUndefined();
    expect(calls).toEqual(["ecr-login 123.dkr.ecr.us-east-1.amazonaws.com", "desktop ghcr.io", "desktop https://index.docker.io/v1/"]);
  });

  it("uses GITHUB_TOKEN for ghcr.io when nothing is configured", async () => {
    const credentials = dockerCredentials({ configDir: path.join(os.tmpdir(), "peptide-no-such-dir"), env: { GITHUB_TOKEN: "ghs_x", GITHUB_ACTOR: "octocat" } });
    expect(await credentials("ghcr.io")).toEqual({ username: "octocat", password: "ghs_x" });
    expect(await credentials("quay.io")).toBeUndefined();
  });

  it("says what is wrong with a broken config or helper", async () => {
    await expect(dockerCredentials({ configDir: await configDir("{not json"), env: {} })("ghcr.io")).rejects.toMatchObject({ code: "CREDENTIALS_UNAVAILABLE", message: expect.stringMatching(/not valid JSON/) });
    const bad = await configDir({ credHelpers: { "ghcr.io": "../../bin/sh" } });
    await expect(dockerCredentials({ configDir: bad, env: {} })("ghcr.io")).rejects.toThrow(/not a plain name/);
    const failing = await configDir({ credsStore: "pass" });
    const runHelper: HelperRunner = async () => {
      throw new Error("gpg: decryption failed");
    };
    await expect(dockerCredentials({ configDir: failing, env: {}, runHelper })("ghcr.io")).rejects.toThrow(/docker-credential-pass get failed for ghcr.io: gpg: decryption failed/);
  });

  it("normalizes server keys", () => {
    expect(normalizeServerKey("https://index.docker.io/v1/")).toBe("docker.io");
    expect(normalizeServerKey("http://localhost:5000/v2/")).toBe("localhost:5000");
    expect(normalizeServerKey("GHCR.io")).toBe("ghcr.io");
  });
});
