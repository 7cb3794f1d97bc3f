import { describe, expect, it } from "vitest";
import { parseChallenges } from "@peptide/oci";

describe("parseChallenges", () => {
  it("reads a Bearer challenge as registries send it", () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"')).toEqual([
      { scheme: "bearer", params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/alpine:pull" } },
    ]);
  });

  it("reads Basic, unquoted values, escapes and several challenges in one header", () => {
    expect(parseChallenges('Basic realm="Registry \\"Realm\\"", Bearer realm=https://x/token, error="invalid_token"')).toEqual([
      { scheme: "basic", params: { realm: 'Registry "Realm"' } },
      { scheme: "bearer", params: { realm: "https://x/token", error: "invalid_token" } },
    ]);
  });

  it("skips token68 and garbage without throwing", () => {
    expect(parseChallenges("Negotiate abc==")).toEqual([{ scheme: "negotiate", params: {} }]);
    expect(parseChallenges("")).toEqual([]);
    expect(parseChallenges('=,,"')).toEqual([]);
  });
});
