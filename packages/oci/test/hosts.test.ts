import { describe, expect, it } from "vitest";
import { HostPolicy, isForbiddenAddress, isLoopbackHost } from "@peptide/oci";

const noDns = async (): Promise<string[]> => [];

describe("host policy", () => {
  it("knows loopback hosts", () => {
    for (const host of ["127.0.0.1:5000", "127.1.2.3", "localhost", "localhost:5000", "[::1]:5000", "LOCALHOST."]) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["10.0.0.1", "registry.local:5000", "[::2]", "localhost.example.com"]) expect(isLoopbackHost(host)).toBe(false);
  });

  it("knows link-local and metadata addresses in any notation", () => {
    for (const address of ["169.254.169.254", "169.254.0.1", "[fe80::1]", "::ffff:a9fe:a9fe", "fd00:ec2::254"]) expect(isForbiddenAddress(address)).toBe(true);
    for (const address of ["10.0.0.1", "127.0.0.1", "::1"]) expect(isForbiddenAddress(address)).toBe(false);
  });

  it("uses plain HTTP only for loopback and insecure hosts", () => {
    const policy = new HostPolicy({ insecure: ["registry.lan:5000", "build-cache"], lookup: noDns });
    expect(policy.baseUrl("127.0.0.1:5000")).toBe("http://127.0.0.1:5000");
    expect(policy.baseUrl("registry.lan:5000")).toBe("http://registry.lan:5000");
    expect(policy.baseUrl("build-cache:8080")).toBe("http://build-cache:8080");
    expect(policy.baseUrl("ghcr.io")).toBe("https://ghcr.io");
  });

  it("refuses metadata addresses, plain HTTP to remote hosts, other schemes and URL credentials", async () => {
    const policy = new HostPolicy({ lookup: noDns });
    for (const url of ["http://169.254.169.254/latest/meta-data", "https://2852039166/", "https://[::ffff:169.254.169.254]/", "https://metadata.google.internal/", "http://ghcr.io/v2/", "ftp://127.0.0.1/", "https://user:pw@ghcr.io/"]) {
      await expect(policy.assertAllowed(new URL(url), "test")).rejects.toMatchObject({ code: "HOST_REFUSED" });
    }
    await expect(policy.assertAllowed(new URL("https://ghcr.io/v2/"), "test")).resolves.toBeUndefined();
    await expect(policy.assertAllowed(new URL("http://127.0.0.1:5000/v2/"), "test")).resolves.toBeUndefined();
  });

  it("refuses a name that resolves to a metadata address", async () => {
    const policy = new HostPolicy({ lookup: async (name) => (name === "evil.example" ? ["10.0.0.3", "169.254.169.254"] : ["10.0.0.4"]) });
    await expect(policy.assertAllowed(new URL("https://evil.example/token"), "token realm of x")).rejects.toThrow(/evil.example resolves to 169.254.169.254/);
    await expect(policy.assertAllowed(new URL("https://fine.example/token"), "token realm of x")).resolves.toBeUndefined();
  });
});
