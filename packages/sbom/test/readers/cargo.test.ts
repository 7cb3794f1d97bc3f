import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { cargoReader } from "../../src/readers/cargo.js";
import { byPurl, readFixture, readText } from "./read-fixture.js";

describe("Cargo.lock reader", () => {
  it("reads a v3 workspace: checksums, disambiguated edges, git and alternate registry sources, members under a workspace root", () => {
    const result = readFixture(cargoReader, "cargo/workspace/Cargo.lock");
    expect(result.warnings).toEqual([]);
    expect(result.components).toHaveLength(28);
    expect(result.root).toEqual({ name: "workspace", dependsOn: ["pkg:cargo/payments-api@0.4.0", "pkg:cargo/payments-cli@0.4.0"] });
    expect(result.components.filter((c) => c.kind === "application").map((c) => c.name)).toEqual(["payments-api", "payments-cli"]);
    expect(byPurl(result, "pkg:cargo/serde@1.0.197")).toEqual({
      ecosystem: "cargo",
      name: "serde",
      version: "1.0.197",
      purl: "pkg:cargo/serde@1.0.197",
      hashes: [{ alg: "SHA-256", content: "7bbdd841d10013d28f246ece2c52d31326270dcde35c32c94877fc356a7ad622" }],
      scope: "required",
      source: "cargo/workspace/Cargo.lock",
      dependsOn: ["pkg:cargo/serde_derive@1.0.197"],
    });
    expect(byPurl(result, "pkg:cargo/prost-derive@0.12.3").dependsOn).toEqual([
      "pkg:cargo/anyhow@1.0.81",
      "pkg:cargo/itertools@0.11.0",
      "pkg:cargo/proc-macro2@1.0.79",
      "pkg:cargo/quote@1.0.35",
      "pkg:cargo/syn@2.0.52",
    ]);
    expect(byPurl(result, "pkg:cargo/legacy-derive@0.1.0").dependsOn).toEqual(["pkg:cargo/syn@1.0.109"]);
    const proto = byPurl(result, "pkg:cargo/ledger-proto@0.9.0");
    expect(proto.resolved).toBe("git+https://github.com/acme/ledger-proto@1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c");
    expect(proto.hashes).toEqual([]);
    expect(byPurl(result, "pkg:cargo/hsm-client@0.3.1").resolved).toBe("https://crates.acme.example/index");
    const core = byPurl(result, "pkg:cargo/payments-core@0.4.0");
    expect(core.hashes).toEqual([]);
    expect(core.resolved).toBeUndefined();
    expect(core.dependsOn).toHaveLength(6);
    expect(result.components.filter((c) => c.hashes.length === 0).map((c) => c.name).sort()).toEqual([
      "ledger-proto",
      "payments-api",
      "payments-cli",
      "payments-core",
    ]);
  });

  it("reads a v4 lock with a Cargo.toml package as the root, sparse registry and build metadata versions", () => {
    const result = readFixture(cargoReader, "cargo/single/Cargo.lock");
    expect(result.root).toEqual({
      name: "token-vault",
      version: "1.2.0",
      purl: "pkg:cargo/token-vault@1.2.0",
      dependsOn: ["pkg:cargo/rand@0.8.5", "pkg:cargo/vault-macros@0.1.0"],
    });
    expect(result.components.map((c) => c.purl)).toEqual([
      "pkg:cargo/cfg-if@1.0.0",
      "pkg:cargo/getrandom@0.2.12",
      "pkg:cargo/libc@0.2.153",
      "pkg:cargo/rand@0.8.5",
      "pkg:cargo/rand_chacha@0.3.1",
      "pkg:cargo/rand_core@0.6.4",
      "pkg:cargo/ppv-lite86@0.2.17",
      "pkg:cargo/vault-macros@0.1.0",
      "pkg:cargo/wasi@0.11.0+wasi-snapshot-preview1",
    ]);
    expect(byPurl(result, "pkg:cargo/cfg-if@1.0.0").resolved).toBeUndefined();
    expect(byPurl(result, "pkg:cargo/cfg-if@1.0.0").hashes).toHaveLength(1);
  });

  it("reads a v1 lock: checksums from [metadata], dependencies with sources", () => {
    const result = readFixture(cargoReader, "cargo/v1/Cargo.lock");
    expect(result.root).toEqual({
      name: "old-service",
      version: "0.1.0",
      purl: "pkg:cargo/old-service@0.1.0",
      dependsOn: ["pkg:cargo/bitflags@1.3.2", "pkg:cargo/libc@0.2.66", "pkg:cargo/local-util@0.1.0"],
    });
    expect(byPurl(result, "pkg:cargo/bitflags@1.3.2").hashes).toEqual([{ alg: "SHA-256", content: "5699c74b5b83d1ca2d26240617740c7fe3880b4183d3f3ad81945417fe318b4f" }]);
    expect(byPurl(result, "pkg:cargo/libc@0.2.66").hashes).toEqual([]);
    expect(byPurl(result, "pkg:cargo/local-util@0.1.0").dependsOn).toEqual(["pkg:cargo/libc@0.2.66"]);
  });

  it("throws on malformed input with the line, warns on dangling dependencies", () => {
    expect(() => readText(cargoReader, 'version = 3\n\n[[package]]\nname = "a"\n', "Cargo.lock")).toThrow(/^Cargo\.lock:3: package #1 has no name or version/);
    expect(() => readText(cargoReader, 'version = 3\n[[package]]\nname = "a\n', "Cargo.lock")).toThrow(LockfileError);
    expect(() => readText(cargoReader, 'version = 3\n[[package]]\nname = "a\n', "Cargo.lock")).toThrow(/^Cargo\.lock:3: invalid TOML/);
    const result = readText(cargoReader, 'version = 3\n[[package]]\nname = "a"\nversion = "1.0.0"\ndependencies = ["missing", 42]\n', "Cargo.lock");
    expect(result.warnings).toEqual([
      "Cargo.lock: a 1.0.0 depends on missing, which the lockfile does not hold",
      "Cargo.lock: a 1.0.0 depends on 42, which the lockfile does not hold",
    ]);
  });

  it("reads 100,000 packages in linear time", () => {
    const parts = ["version = 3"];
    for (let i = 0; i < 100_000; i++) {
      parts.push(`[[package]]\nname = "c${i}"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${"ab".repeat(32)}"\ndependencies = ["c${(i + 1) % 100_000}"]`);
    }
    const started = Date.now();
    const result = readText(cargoReader, parts.join("\n"), "Cargo.lock");
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.components).toHaveLength(100_000);
  });
});
