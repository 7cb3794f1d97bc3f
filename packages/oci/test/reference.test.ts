import { describe, expect, it } from "vitest";
import { formatReference, manifestReference, parseReference, registryApiHost } from "@peptide/oci";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("parseReference", () => {
  it.each([
    ["alpine", { registry: "docker.io", repository: "library/alpine", tag: "latest" }],
    ["alpine:3.19", { registry: "docker.io", repository: "library/alpine", tag: "3.19" }],
    ["team/app", { registry: "docker.io", repository: "team/app", tag: "latest" }],
    ["docker.io/nginx", { registry: "docker.io", repository: "library/nginx", tag: "latest" }],
    ["index.docker.io/library/nginx:1", { registry: "docker.io", repository: "library/nginx", tag: "1" }],
    ["ghcr.io/acme/payments/api:v1.2.3", { registry: "ghcr.io", repository: "acme/payments/api", tag: "v1.2.3" }],
    ["127.0.0.1:5000/team/app", { registry: "127.0.0.1:5000", repository: "team/app", tag: "latest" }],
    ["localhost/app:dev", { registry: "localhost", repository: "app", tag: "dev" }],
    ["localhost:5000/app", { registry: "localhost:5000", repository: "app", tag: "latest" }],
    ["[::1]:5000/app:x", { registry: "[::1]:5000", repository: "app", tag: "x" }],
    ["Registry.Example.COM/a__b/c-d.e", { registry: "registry.example.com", repository: "a__b/c-d.e", tag: "latest" }],
    [`ghcr.io/acme/app@${DIGEST}`, { registry: "ghcr.io", repository: "acme/app", digest: DIGEST }],
    [`ghcr.io/acme/app:v1@${DIGEST}`, { registry: "ghcr.io", repository: "acme/app", tag: "v1", digest: DIGEST }],
  ])("%s", (text, expected) => {
    expect(parseReference(text)).toEqual(expected);
  });

  it.each([
    ["", /empty/],
    ["https://ghcr.io/acme/app", /drop the URL scheme/],
    ["ghcr.io/Acme/app", /not a valid repository component/],
    ["ghcr.io/acme//app", /empty path component/],
    ["ghcr.io/acme/app:", /not a valid tag/],
    ["ghcr.io/acme/app:-bad", /not a valid tag/],
    ["ghcr.io/acme/app@sha256:abc", /not a sha256/],
    ["ghcr.io/acme/app@md5:" + "a".repeat(32), /not a sha256/],
    ["ghcr.io:99999/app", /not a port/],
    ["bad_host.io/app", /not a valid registry host/],
    [`ghcr.io/${"a".repeat(300)}`, /longer than 255/],
  ])("refuses %s", (text, message) => {
    expect(() => parseReference(text)).toThrow(message);
    try {
      parseReference(text);
    } catch (error) {
      expect(error).toMatchObject({ code: "REFERENCE_INVALID" });
      expect((error as Error).message).toMatch(/expected host\[:port\]\/repository/);
    }
  });

  it("formats back, names what to fetch, and maps Docker Hub's API host", () => {
    const ref = parseReference(`ghcr.io/acme/app:v1@${DIGEST}`);
    expect(formatReference(ref)).toBe(`ghcr.io/acme/app:v1@${DIGEST}`);
    expect(manifestReference(ref)).toBe(DIGEST);
    expect(manifestReference(parseReference("alpine"))).toBe("latest");
    expect(registryApiHost("docker.io")).toBe("registry-1.docker.io");
    expect(registryApiHost("ghcr.io")).toBe("ghcr.io");
  });
});
