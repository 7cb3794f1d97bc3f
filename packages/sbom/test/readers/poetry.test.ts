import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { poetryReader } from "../../src/readers/poetry.js";
import { byPurl, purlsWithScope, readFixture, readText } from "./read-fixture.js";

describe("poetry.lock reader", () => {
  it("reads lock-version 2.1: groups, optional extras, several versions of one name, git / private index / directory sources", () => {
    const result = readFixture(poetryReader, "poetry/lock-2.1/poetry.lock");
    expect(result.warnings).toEqual([]);
    expect(result.root).toBeUndefined();
    expect(purlsWithScope(result)).toEqual([
      "pkg:pypi/acme-risk@3.2.0 required",
      "pkg:pypi/certifi@2024.2.2 required",
      "pkg:pypi/cffi@1.16.0 required",
      "pkg:pypi/colorama@0.4.6 dev",
      "pkg:pypi/cryptography@42.0.5 required",
      "pkg:pypi/iniconfig@2.0.0 dev",
      "pkg:pypi/ledger-client@0.7.0 required",
      "pkg:pypi/numpy@1.24.4 required",
      "pkg:pypi/numpy@1.26.4 required",
      "pkg:pypi/pandas@2.0.3 optional",
      "pkg:pypi/pycparser@2.21 required",
      "pkg:pypi/pytest@8.1.1 dev",
      "pkg:pypi/shared-models@1.4.0 required",
    ]);
    const certifi = byPurl(result, "pkg:pypi/certifi@2024.2.2");
    expect(certifi.hashes).toEqual([
      { alg: "SHA-256", content: "dc383c07b76109f368f6106eee2b593b04a011ea4d55f652c6ca24a754d1cdd1" },
      { alg: "SHA-256", content: "0569859f95fc761b18b45ef421b1290a0f65f147e92a1e5eb3e635f9a5e4e66f" },
    ]);
    expect(byPurl(result, "pkg:pypi/cryptography@42.0.5").hashes).toHaveLength(3);
    expect(byPurl(result, "pkg:pypi/cryptography@42.0.5").dependsOn).toEqual(["pkg:pypi/cffi@1.16.0"]);
    expect(byPurl(result, "pkg:pypi/pandas@2.0.3").dependsOn).toEqual(["pkg:pypi/numpy@1.24.4", "pkg:pypi/numpy@1.26.4"]);
    expect(byPurl(result, "pkg:pypi/pytest@8.1.1").dependsOn).toEqual(["pkg:pypi/colorama@0.4.6", "pkg:pypi/iniconfig@2.0.0"]);
    const ledger = byPurl(result, "pkg:pypi/ledger-client@0.7.0");
    expect(ledger.resolved).toBe("git+https://github.com/acme/ledger-client.git@9b2e4f7c1d3a5b6e8f0a2c4d6e8f0a1b3c5d7e9f");
    expect(ledger.hashes).toEqual([]);
    expect(ledger.dependsOn).toEqual(["pkg:pypi/certifi@2024.2.2"]);
    expect(byPurl(result, "pkg:pypi/acme-risk@3.2.0").resolved).toBe("https://pypi.acme.example/simple");
    expect(byPurl(result, "pkg:pypi/shared-models@1.4.0").resolved).toBe("../shared-models");
    expect(byPurl(result, "pkg:pypi/certifi@2024.2.2").source).toBe("poetry/lock-2.1/poetry.lock");
  });

  it("reads lock-version 1.1: category for dev, hashes from [metadata.files] by normalized name", () => {
    const result = readFixture(poetryReader, "poetry/lock-1.1/poetry.lock");
    expect(purlsWithScope(result)).toEqual([
      "pkg:pypi/attrs@21.4.0 required",
      "pkg:pypi/click@7.1.2 required",
      "pkg:pypi/flask@1.1.4 required",
      "pkg:pypi/itsdangerous@1.1.0 required",
      "pkg:pypi/jinja2@2.11.3 required",
      "pkg:pypi/markupsafe@1.1.1 required",
      "pkg:pypi/mock@4.0.3 dev",
      "pkg:pypi/werkzeug@1.0.1 required",
    ]);
    const flask = byPurl(result, "pkg:pypi/flask@1.1.4");
    expect(flask.name).toBe("Flask");
    expect(flask.hashes.map((h) => h.alg)).toEqual(["SHA-256", "SHA-256"]);
    expect(flask.dependsOn).toEqual(["pkg:pypi/click@7.1.2", "pkg:pypi/itsdangerous@1.1.0", "pkg:pypi/jinja2@2.11.3", "pkg:pypi/werkzeug@1.0.1"]);
    expect(byPurl(result, "pkg:pypi/jinja2@2.11.3").dependsOn).toEqual(["pkg:pypi/markupsafe@1.1.1"]);
    expect(byPurl(result, "pkg:pypi/markupsafe@1.1.1").hashes).toEqual([]);
  });

  it("takes scopes and the root from pyproject.toml when the lock (2.0) records no groups", () => {
    const result = readFixture(poetryReader, "poetry/lock-2.0/poetry.lock");
    expect(result.root).toEqual({
      name: "payouts-gateway",
      version: "1.8.0",
      purl: "pkg:pypi/payouts-gateway@1.8.0",
      dependsOn: ["pkg:pypi/httpx@0.27.0", "pkg:pypi/orjson@3.9.15", "pkg:pypi/respx@0.21.1", "pkg:pypi/ruff@0.3.4"],
    });
    expect(purlsWithScope(result)).toEqual([
      "pkg:pypi/anyio@4.3.0 required",
      "pkg:pypi/httpx@0.27.0 required",
      "pkg:pypi/idna@3.6 required",
      "pkg:pypi/orjson@3.9.15 optional",
      "pkg:pypi/respx@0.21.1 dev",
      "pkg:pypi/ruff@0.3.4 dev",
      "pkg:pypi/sniffio@1.3.1 required",
    ]);
  });

  it("without pyproject.toml and without groups, keeps everything required except optional packages", () => {
    const text = readFileSync(new URL("../fixtures/poetry/lock-2.0/poetry.lock", import.meta.url), "utf8");
    const result = readText(poetryReader, text, "poetry.lock");
    expect(result.root).toBeUndefined();
    expect(result.components.filter((c) => c.scope !== "required").map((c) => `${c.name} ${c.scope}`)).toEqual(["orjson optional"]);
  });

  it("throws on a truncated lock (no [metadata]) and on invalid TOML, with the line", () => {
    expect(() => readText(poetryReader, '[[package]]\nname = "six"\nversion = "1.16.0"\n', "poetry.lock")).toThrow(/^poetry\.lock:4: no \[metadata\] table/);
    expect(() => readText(poetryReader, '[[package]]\nname = "six"\nversion = "1.16.0\n', "poetry.lock")).toThrow(LockfileError);
    expect(() => readText(poetryReader, '[[package]]\nname = "six"\nversion = "1.16.0\n', "poetry.lock")).toThrow(/^poetry\.lock:3: invalid TOML/);
    expect(() => readText(poetryReader, '[[package]]\nname = "six"\nversion = "1.16.0"\n[[package]]\nversion = "1"\n\n[metadata]\nlock-version = "2.0"\n', "poetry.lock")).toThrow(
      /^poetry\.lock:4: package #2 has no name or version/,
    );
  });

  it("keeps __proto__ and constructor as plain data and refuses deep nesting", () => {
    const text = '[[package]]\nname = "constructor"\nversion = "1.0"\n[package.dependencies]\n__proto__ = "*"\nconstructor = "*"\n\n[metadata]\nlock-version = "2.0"\n';
    const result = readText(poetryReader, text, "poetry.lock");
    expect(result.components.map((c) => c.purl)).toEqual(["pkg:pypi/constructor@1.0"]);
    expect(({} as Record<string, unknown>)["*"]).toBeUndefined();
    const deep = `[[package]]\nname = "a"\nversion = "1"\nx = ${"[".repeat(5000)}${"]".repeat(5000)}\n[metadata]\n`;
    expect(() => readText(poetryReader, deep, "poetry.lock")).toThrow(LockfileError);
  });
});
