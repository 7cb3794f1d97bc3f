import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { nugetReader } from "../../src/readers/nuget.js";
import { byPurl, readFixture, readText } from "./read-fixture.js";

describe("NuGet packages.lock.json reader", () => {
  it("reads every target framework, converts contentHash to SHA-512 hex, and links within a target", () => {
    const result = readFixture(nugetReader, "nuget/packages.lock.json");
    expect(result.warnings).toEqual([]);
    expect(result.components.map((c) => c.purl)).toEqual([
      "pkg:nuget/Microsoft.Extensions.Http@8.0.0",
      "pkg:nuget/Newtonsoft.Json@13.0.3",
      "pkg:nuget/Stripe.net@43.20.0",
      "pkg:nuget/Microsoft.Extensions.Logging@8.0.0",
      "pkg:nuget/Microsoft.Extensions.Options@8.0.0",
      "pkg:nuget/System.Configuration.ConfigurationManager@8.0.0",
      "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.3",
      "pkg:nuget/Microsoft.Extensions.Http@6.0.0",
      "pkg:nuget/Microsoft.Extensions.Logging@6.0.0",
    ]);
    expect(byPurl(result, "pkg:nuget/Newtonsoft.Json@13.0.3")).toEqual({
      ecosystem: "nuget",
      name: "Newtonsoft.Json",
      version: "13.0.3",
      purl: "pkg:nuget/Newtonsoft.Json@13.0.3",
      hashes: [
        {
          alg: "SHA-512",
          content: "77d14304dc4b6fe6d69e37e100b0b7af932fd977078bfe05677c57701437dbe4d78bb2b1c3046861a1dfdcbc703fb5afe930c832d5c8361a8ecdba973bdabc4f",
        },
      ],
      scope: "required",
      source: "nuget/packages.lock.json",
      dependsOn: [],
    });
    expect(byPurl(result, "pkg:nuget/Stripe.net@43.20.0").dependsOn).toEqual([
      "pkg:nuget/Newtonsoft.Json@13.0.3",
      "pkg:nuget/System.Configuration.ConfigurationManager@8.0.0",
    ]);
    expect(byPurl(result, "pkg:nuget/Microsoft.Extensions.Http@8.0.0").dependsOn).toEqual([
      "pkg:nuget/Microsoft.Extensions.Logging@8.0.0",
      "pkg:nuget/Microsoft.Extensions.Options@8.0.0",
    ]);
    expect(byPurl(result, "pkg:nuget/Microsoft.Extensions.Http@6.0.0").dependsOn).toEqual(["pkg:nuget/Microsoft.Extensions.Logging@6.0.0"]);
    expect(result.components.every((c) => c.hashes.length === 1)).toBe(true);
  });

  it("throws on documents that are not a NuGet lock, with the line of JSON errors", () => {
    expect(() => readText(nugetReader, '{"dependencies": {}}', "packages.lock.json")).toThrow(/not a NuGet packages\.lock\.json/);
    expect(() => readText(nugetReader, '{\n  "version": 1,\n  "dependencies": {\n', "packages.lock.json")).toThrow(/^packages\.lock\.json:4: invalid JSON/);
    expect(() => readText(nugetReader, "", "packages.lock.json")).toThrow(LockfileError);
  });

  it("leaves out entries without a resolved version, and keeps hostile keys as data", () => {
    const text =
      '{"version": 1, "dependencies": {"__proto__": {"polluted": {"type": "Direct", "resolved": "1.0.0"}},' +
      ' "net8.0": {"Broken": {"type": "Transitive"}, "constructor": {"type": "Direct", "resolved": "1.0.0", "contentHash": "not base64!"}}}}';
    const result = readText(nugetReader, text, "packages.lock.json");
    expect(result.components.map((c) => c.purl)).toEqual(["pkg:nuget/polluted@1.0.0", "pkg:nuget/constructor@1.0.0"]);
    expect(result.components[1]?.hashes).toEqual([]);
    expect(result.warnings).toEqual(["packages.lock.json: net8.0/Broken: no resolved version; left out"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads a lock written with a byte order mark", () => {
    const text = '\uFEFF{"version": 2, "dependencies": {"net8.0": {"A": {"type": "Direct", "resolved": "1.0.0"}}}}';
    expect(readText(nugetReader, text, "packages.lock.json").components.map((c) => c.purl)).toEqual(["pkg:nuget/A@1.0.0"]);
  });

  it("survives deeply nested JSON", () => {
    const deep = `{"version": 1, "dependencies": {"net8.0": {"A": {"type": "Direct", "resolved": "1.0.0", "dependencies": ${"[".repeat(100_000)}${"]".repeat(100_000)}}}}}`;
    expect(readText(nugetReader, deep, "packages.lock.json").components).toHaveLength(1);
  });
});
