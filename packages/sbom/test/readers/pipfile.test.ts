import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { pipfileReader } from "../../src/readers/pipfile.js";
import { byPurl, purlsWithScope, readFixture, readText } from "./read-fixture.js";

describe("Pipfile.lock reader", () => {
  it("reads default (required) and develop (dev) with hashes, a private index, git and path entries", () => {
    const result = readFixture(pipfileReader, "pipfile/Pipfile.lock");
    expect(purlsWithScope(result)).toEqual([
      "pkg:pypi/acme-risk@3.2.0 required",
      "pkg:pypi/certifi@2024.2.2 required",
      "pkg:pypi/django@4.2.11 required",
      "pkg:pypi/ledger-client required",
      "pkg:pypi/payouts required",
      "pkg:pypi/pluggy@1.4.0 dev",
      "pkg:pypi/pytest@8.1.1 dev",
      "pkg:pypi/requests@2.31.0 required",
      "pkg:pypi/sqlparse@0.4.4 required",
    ]);
    expect(result.warnings).toEqual(["pipfile/Pipfile.lock: develop.black: version * is not pinned with ==; left out"]);
    expect(byPurl(result, "pkg:pypi/certifi@2024.2.2").hashes).toEqual([
      { alg: "SHA-256", content: "0569859f95fc761b18b45ef421b1290a0f65f147e92a1e5eb3e635f9a5e4e66f" },
      { alg: "SHA-256", content: "dc383c07b76109f368f6106eee2b593b04a011ea4d55f652c6ca24a754d1cdd1" },
    ]);
    expect(byPurl(result, "pkg:pypi/acme-risk@3.2.0").resolved).toBe("https://pypi.acme.example/simple");
    expect(byPurl(result, "pkg:pypi/django@4.2.11").resolved).toBeUndefined();
    expect(byPurl(result, "pkg:pypi/ledger-client").resolved).toBe("git+https://github.com/acme/ledger-client.git@9b2e4f7c1d3a5b6e8f0a2c4d6e8f0a1b3c5d7e9f");
    expect(byPurl(result, "pkg:pypi/payouts").resolved).toBe(".");
    expect(byPurl(result, "pkg:pypi/requests@2.31.0").hashes).toHaveLength(2);
    for (const c of result.components) expect(c.dependsOn).toEqual([]);
  });

  it("throws with the line of a JSON syntax error, and on a document that is not a Pipfile.lock", () => {
    expect(() => readText(pipfileReader, '{\n  "default": {\n    "six": {"version": "==1.16.0",}\n  }\n}\n', "Pipfile.lock")).toThrow(/^Pipfile\.lock:3: invalid JSON/);
    expect(() => readText(pipfileReader, '{\n  "default": {\n    "six": {"version": "==1.16.0"}', "Pipfile.lock")).toThrow(/^Pipfile\.lock:3: invalid JSON/);
    expect(() => readText(pipfileReader, "[]", "Pipfile.lock")).toThrow(LockfileError);
    expect(() => readText(pipfileReader, '{"_meta": {}}', "Pipfile.lock")).toThrow(/not a Pipfile\.lock/);
  });

  it("keeps __proto__ keys as data and skips entries of the wrong shape", () => {
    const text = '{"default": {"__proto__": {"version": "==1.0"}, "constructor": {"version": "==2.0"}, "bad": "x", "toString": {"version": "==3"}}}';
    const result = readText(pipfileReader, text, "Pipfile.lock");
    expect(result.components.map((c) => c.purl)).toEqual(["pkg:pypi/constructor@2.0", "pkg:pypi/tostring@3"]);
    expect(result.warnings).toEqual([
      "Pipfile.lock: default.__proto__: not a valid package name; left out",
      "Pipfile.lock: default.bad: entry is not an object; left out",
    ]);
    expect(({} as Record<string, unknown>).version).toBeUndefined();
  });
});
