import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { uvReader } from "../../src/readers/uv.js";
import { byPurl, purlsWithScope, readFixture, readText } from "./read-fixture.js";

describe("uv.lock reader", () => {
  it("reads a workspace: root member, other members as components, scopes by reach, hashes, sources", () => {
    const result = readFixture(uvReader, "uv/workspace/uv.lock");
    expect(result.warnings).toEqual([]);
    expect(result.root).toEqual({
      name: "payments-api",
      version: "0.3.0",
      purl: "pkg:pypi/payments-api@0.3.0",
      dependsOn: [
        "pkg:pypi/fastapi@0.110.0",
        "pkg:pypi/httpx@0.27.0",
        "pkg:pypi/payments-core@0.3.0",
        "pkg:pypi/opentelemetry-api@1.23.0",
        "pkg:pypi/pytest@8.1.1",
      ],
    });
    expect(purlsWithScope(result)).toEqual([
      "pkg:pypi/acme-risk@3.2.0 required",
      "pkg:pypi/annotated-types@0.6.0 required",
      "pkg:pypi/anyio@4.3.0 required",
      "pkg:pypi/certifi@2024.2.2 required",
      "pkg:pypi/colorama@0.4.6 dev",
      "pkg:pypi/fastapi@0.110.0 required",
      "pkg:pypi/fraud-rules@0.9.0 required",
      "pkg:pypi/h11@0.14.0 required",
      "pkg:pypi/h2@4.1.0 required",
      "pkg:pypi/hpack@4.0.0 required",
      "pkg:pypi/httpcore@1.0.5 required",
      "pkg:pypi/httpx@0.27.0 required",
      "pkg:pypi/hyperframe@6.0.1 required",
      "pkg:pypi/idna@3.6 required",
      "pkg:pypi/iniconfig@2.0.0 dev",
      "pkg:pypi/ledger-client@0.7.0 required",
      "pkg:pypi/numpy@1.26.4 required",
      "pkg:pypi/numpy@2.1.3 required",
      "pkg:pypi/opentelemetry-api@1.23.0 optional",
      "pkg:pypi/packaging@24.0 dev",
      "pkg:pypi/payments-core@0.3.0 required",
      "pkg:pypi/pluggy@1.4.0 dev",
      "pkg:pypi/pydantic-core@2.16.3 required",
      "pkg:pypi/pydantic@2.6.4 required",
      "pkg:pypi/pytest@8.1.1 dev",
      "pkg:pypi/sniffio@1.3.1 required",
      "pkg:pypi/starlette@0.36.3 required",
      "pkg:pypi/typing-extensions@4.10.0 required",
    ]);
    const core = byPurl(result, "pkg:pypi/payments-core@0.3.0");
    expect(core.resolved).toBe("packages/core");
    expect(core.kind).toBe("application");
    expect(result.components.filter((c) => c.kind !== undefined).map((c) => c.name)).toEqual(["payments-core"]);
    expect(core.dependsOn).toEqual([
      "pkg:pypi/acme-risk@3.2.0",
      "pkg:pypi/fraud-rules@0.9.0",
      "pkg:pypi/ledger-client@0.7.0",
      "pkg:pypi/numpy@1.26.4",
      "pkg:pypi/numpy@2.1.3",
      "pkg:pypi/pydantic@2.6.4",
    ]);
    expect(byPurl(result, "pkg:pypi/ledger-client@0.7.0").resolved).toBe("git+https://github.com/acme/ledger-client@9b2e4f7c1d3a5b6e8f0a2c4d6e8f0a1b3c5d7e9f");
    expect(byPurl(result, "pkg:pypi/acme-risk@3.2.0").resolved).toBe("https://pypi.acme.example/simple");
    expect(byPurl(result, "pkg:pypi/fastapi@0.110.0").resolved).toBeUndefined();
    const fraud = byPurl(result, "pkg:pypi/fraud-rules@0.9.0");
    expect(fraud.resolved).toBe("https://files.example.com/legacy/fraud_rules-0.9.0.tar.gz");
    expect(fraud.hashes).toEqual([{ alg: "SHA-256", content: "5532e612d845db90638f5c750208e0fea2e0a3b0c153766b7da2c7cd2022b191" }]);
    const pydanticCore = byPurl(result, "pkg:pypi/pydantic-core@2.16.3");
    expect(pydanticCore.hashes).toHaveLength(3);
    expect(pydanticCore.hashes.every((h) => h.alg === "SHA-256" && /^[0-9a-f]{64}$/.test(h.content))).toBe(true);
    expect(byPurl(result, "pkg:pypi/httpx@0.27.0").dependsOn).toEqual([
      "pkg:pypi/anyio@4.3.0",
      "pkg:pypi/certifi@2024.2.2",
      "pkg:pypi/httpcore@1.0.5",
      "pkg:pypi/idna@3.6",
      "pkg:pypi/sniffio@1.3.1",
      "pkg:pypi/h2@4.1.0",
    ]);
  });

  it("reads a single virtual project whose version is dynamic", () => {
    const result = readFixture(uvReader, "uv/single/uv.lock");
    expect(result.root).toEqual({ name: "settlement-cli", purl: "pkg:pypi/settlement-cli", dependsOn: ["pkg:pypi/click@8.1.7", "pkg:pypi/ruff@0.3.4"] });
    expect(purlsWithScope(result)).toEqual(["pkg:pypi/click@8.1.7 required", "pkg:pypi/ruff@0.3.4 dev"]);
  });

  it("throws on malformed input with the line", () => {
    expect(() => readText(uvReader, '[[package]]\nname = "a"\n', "uv.lock")).toThrow(/^uv\.lock:1: no lock `version`/);
    expect(() => readText(uvReader, 'version = 1\n[[package]]\nname = "a"\nsource = { registry = "https://pypi.org/simple" }\n', "uv.lock")).toThrow(
      /^uv\.lock:2: package #1 has no name, or a registry package no version/,
    );
    expect(() => readText(uvReader, 'version = 1\n[[package]]\nname = "a"\nsdist = { url = "https://x', "uv.lock")).toThrow(LockfileError);
    expect(() => readText(uvReader, 'version = 1\n[[package]]\nname = "a"\nsdist = { url = "https://x', "uv.lock")).toThrow(/^uv\.lock:4: invalid TOML/);
  });

  it("warns about a newer lock version and does not link ambiguous names", () => {
    const text = [
      "version = 2",
      '[[package]]\nname = "a"\nversion = "1"\nsource = { registry = "https://pypi.org/simple" }\ndependencies = [{ name = "b" }]',
      '[[package]]\nname = "b"\nversion = "1"\nsource = { registry = "https://pypi.org/simple" }',
      '[[package]]\nname = "b"\nversion = "2"\nsource = { registry = "https://pypi.org/simple" }',
    ].join("\n");
    const result = readText(uvReader, text, "uv.lock");
    expect(result.warnings).toEqual(["uv.lock: uv.lock version 2 is newer than this reader knows (1); read as version 1"]);
    expect(byPurl(result, "pkg:pypi/a@1").dependsOn).toEqual([]);
  });
});
