import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { npmReader } from "../../src/readers/npm.js";
import { byPurl, purlsWithScope, readFixture, readText } from "./read-fixture.js";

const lock = (packages: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: 3, requires: true, packages, ...extra }, null, 2);

describe("npm lockfile reader", () => {
  it("reads a v3 lockfile made by npm: workspaces, an alias, nested versions, scopes, licenses, integrity", () => {
    const result = readFixture(npmReader, "npm/workspace/package-lock.json");
    expect(result.warnings).toEqual([]);
    expect(result.components).toHaveLength(85);
    expect(result.root).toEqual({
      name: "pay-service",
      version: "1.2.0",
      purl: "pkg:npm/pay-service@1.2.0",
      dependsOn: [
        "pkg:npm/%40babel/code-frame@7.29.7",
        "pkg:npm/express@4.22.3",
        "pkg:npm/string-width@4.2.3",
        "pkg:npm/fsevents@2.3.3",
        "pkg:npm/debug@4.3.4",
        "pkg:npm/typescript@5.9.3",
        "pkg:npm/%40pay/util@0.3.0",
      ],
    });
    expect(byPurl(result, "pkg:npm/%40babel/code-frame@7.29.7")).toEqual({
      ecosystem: "npm",
      namespace: "babel",
      name: "code-frame",
      version: "7.29.7",
      purl: "pkg:npm/%40babel/code-frame@7.29.7",
      hashes: [{ alg: "SHA-512", content: "02ea7b69439fa5b01483644e38937a230e5ff43301973bb4988926fe66a52d014dfd84203b8f300a3d0ac5adec10726f3d5160eec891faa4489f05dddaa8502b" }],
      scope: "required",
      license: "MIT",
      source: "npm/workspace/package-lock.json",
      dependsOn: ["pkg:npm/%40babel/helper-validator-identifier@7.29.7", "pkg:npm/js-tokens@4.0.0", "pkg:npm/picocolors@1.1.1"],
    });
    // The workspace is a project of its own, linked from node_modules/@pay/util.
    expect(byPurl(result, "pkg:npm/%40pay/util@0.3.0")).toMatchObject({ kind: "application", resolved: "file:packages/util", dependsOn: ["pkg:npm/ms@2.1.2"] });
    // `string-width-cjs` is an alias: the component is the real package.
    expect(result.components.some((c) => c.name === "string-width-cjs")).toBe(false);
    expect(byPurl(result, "pkg:npm/typescript@5.9.3")).toMatchObject({ scope: "dev", license: "Apache-2.0" });
    expect(byPurl(result, "pkg:npm/fsevents@2.3.3").scope).toBe("optional");
    expect(byPurl(result, "pkg:npm/debug@4.3.4").scope).toBe("dev");
  });

  it("resolves each edge to the nearest node_modules walking up, as Node does", () => {
    const result = readFixture(npmReader, "npm/workspace/package-lock.json");
    // send has its own ms@2.1.3; its nested debug@2.6.9 has its own ms@2.0.0; the hoisted ms is 2.1.2.
    expect(byPurl(result, "pkg:npm/send@0.19.2").dependsOn).toContain("pkg:npm/ms@2.1.3");
    expect(byPurl(result, "pkg:npm/debug@2.6.9").dependsOn).toEqual(["pkg:npm/ms@2.0.0"]);
    expect(byPurl(result, "pkg:npm/debug@4.3.4").dependsOn).toEqual(["pkg:npm/ms@2.1.2"]);
    // debug@2.6.9 is installed at four paths and is one component.
    expect(result.components.filter((c) => c.name === "debug")).toHaveLength(2);
  });

  it("gives the same packages, scopes and edges from lockfile versions 1, 2 and 3 of one project", () => {
    const [v1, v2, v3] = ["npm/v1/package-lock.json", "npm/v2/package-lock.json", "npm/v3/package-lock.json"].map((f) => readFixture(npmReader, f));
    if (!v1 || !v2 || !v3) throw new Error("fixtures");
    expect(purlsWithScope(v1)).toEqual(purlsWithScope(v3));
    expect(purlsWithScope(v2)).toEqual(purlsWithScope(v3));
    const edges = (r: typeof v1): string[] => r.components.flatMap((c) => c.dependsOn.map((d) => `${c.purl} -> ${d}`)).sort();
    // v1 has no peer edges (react-dom -> react): it records `requires` only.
    expect(edges(v1)).toEqual(edges(v3).filter((e) => e !== "pkg:npm/react-dom@18.2.0 -> pkg:npm/react@18.3.1"));
    expect(edges(v2)).toEqual(edges(v3));
    expect(new Set(v1.root?.dependsOn)).toEqual(new Set(v3.root?.dependsOn));
    expect(purlsWithScope(v3)).toContain("pkg:npm/react@18.3.1 required");
    expect(purlsWithScope(v3)).toContain("pkg:npm/chokidar@3.6.0 dev");
    expect(byPurl(v3, "pkg:npm/left-pad@1.3.0").license).toBe("WTFPL");
  });

  it("keeps every digest of an integrity string, sha512 and sha1, as hex", () => {
    const result = readText(
      npmReader,
      lock({
        "": { dependencies: { a: "1" } },
        "node_modules/a": { version: "1.0.0", integrity: "sha512-zvj65TkFeIt3i6aj5bIvJDzjjQQGs4o/sNoezg1F1kYap9Nu2jcUdpwzRSJTHMMzG0H7bZkn4rNQpImhuxWX2A== sha1-aSbRsZT7xze47tUTdW3i/Np+pAg=" },
      }),
      "package-lock.json",
    );
    expect(byPurl(result, "pkg:npm/a@1.0.0").hashes).toEqual([
      { alg: "SHA-512", content: "cef8fae53905788b778ba6a3e5b22f243ce38d0406b38a3fb0da1ece0d45d6461aa7d36eda3714769c334522531cc3331b41fb6d9927e2b350a489a1bb1597d8" },
      { alg: "SHA-1", content: "6926d1b194fbc737b8eed513756de2fcda7ea408" },
    ]);
  });

  it("maps devOptional to optional, peer-only to required, and keeps non-registry origins", () => {
    const result = readText(
      npmReader,
      lock({
        "": { dependencies: { a: "1", local: "file:../local" }, devDependencies: { b: "1" } },
        "node_modules/a": { version: "1.0.0", optionalDependencies: { c: "1" }, peerDependencies: { p: "1" } },
        "node_modules/b": { version: "1.0.0", dev: true, dependencies: { c: "1" } },
        "node_modules/c": { version: "2.0.0", devOptional: true },
        "node_modules/p": { version: "3.0.0", peer: true },
        "node_modules/g": { version: "1.0.0", resolved: "git+ssh://git@github.com/acme/g.git#0123456789abcdef0123456789abcdef01234567" },
        "node_modules/local": { resolved: "../local", link: true },
        "../local": { name: "local-lib", version: "0.1.0", dependencies: { a: "1" } },
      }),
      "package-lock.json",
    );
    expect(purlsWithScope(result)).toEqual([
      "pkg:npm/a@1.0.0 required",
      "pkg:npm/b@1.0.0 dev",
      "pkg:npm/c@2.0.0 optional",
      "pkg:npm/g@1.0.0 required",
      "pkg:npm/local-lib@0.1.0 required",
      "pkg:npm/p@3.0.0 required",
    ]);
    expect(byPurl(result, "pkg:npm/a@1.0.0").dependsOn).toEqual(["pkg:npm/c@2.0.0", "pkg:npm/p@3.0.0"]);
    expect(byPurl(result, "pkg:npm/g@1.0.0").resolved).toBe("git+ssh://git@github.com/acme/g.git#0123456789abcdef0123456789abcdef01234567");
    // A file: link resolves to the linked folder's package, whose own edges resolve from the root.
    expect(result.root?.dependsOn).toEqual(["pkg:npm/a@1.0.0", "pkg:npm/local-lib@0.1.0", "pkg:npm/b@1.0.0"]);
    expect(byPurl(result, "pkg:npm/local-lib@0.1.0").dependsOn).toEqual(["pkg:npm/a@1.0.0"]);
  });

  it("reads v1 aliases and git versions, and guesses the root's dependencies without package.json", () => {
    const text = JSON.stringify({
      name: "legacy",
      version: "2.0.0",
      lockfileVersion: 1,
      dependencies: {
        "string-width-cjs": { version: "npm:string-width@4.2.3", integrity: "sha1-aSbRsZT7xze47tUTdW3i/Np+pAg=", requires: { "ansi-regex": "^5.0.1" } },
        "ansi-regex": { version: "5.0.1" },
        "forked": { version: "git+https://github.com/acme/forked.git#0123456789abcdef0123456789abcdef01234567", from: "git+https://github.com/acme/forked.git" },
        "tool": { version: "1.0.0", dev: true, requires: { "ansi-regex": "^4" }, dependencies: { "ansi-regex": { version: "4.1.1", dev: true } } },
      },
    });
    const result = readText(npmReader, text, "package-lock.json");
    expect(purlsWithScope(result)).toEqual([
      "pkg:npm/ansi-regex@4.1.1 dev",
      "pkg:npm/ansi-regex@5.0.1 required",
      "pkg:npm/forked@0123456789abcdef0123456789abcdef01234567 required",
      "pkg:npm/string-width@4.2.3 required",
      "pkg:npm/tool@1.0.0 dev",
    ]);
    expect(byPurl(result, "pkg:npm/tool@1.0.0").dependsOn).toEqual(["pkg:npm/ansi-regex@4.1.1"]);
    expect(new Set(result.root?.dependsOn)).toEqual(
      new Set(["pkg:npm/string-width@4.2.3", "pkg:npm/forked@0123456789abcdef0123456789abcdef01234567", "pkg:npm/tool@1.0.0"]),
    );
  });

  it("warns once about dependencies missing from the lockfile and skips entries without a version", () => {
    const result = readText(
      npmReader,
      lock({ "": { dependencies: { a: "1" } }, "node_modules/a": { version: "1.0.0", dependencies: { gone: "1", alsoGone: "2" } }, "node_modules/b": {} }),
      "package-lock.json",
    );
    expect(result.components.map((c) => c.purl)).toEqual(["pkg:npm/a@1.0.0"]);
    expect(result.warnings).toEqual([
      "package-lock.json: node_modules/b has no version; left out",
      "package-lock.json: 2 dependencies name a package that is not in the lockfile; run npm install to refresh it",
    ]);
  });

  describe("bad input", () => {
    it("a truncated lockfile names the file and the line", () => {
      const text = lock({ "node_modules/a": { version: "1.0.0" } });
      const cut = text.slice(0, text.indexOf('"1.0.0"'));
      expect(() => npmReader.read(cut, "app/package-lock.json")).toThrow(LockfileError);
      expect(() => npmReader.read(cut, "app/package-lock.json")).toThrow(/^app\/package-lock\.json:\d+: invalid JSON/);
    });

    it("rejects JSON that is not an npm lockfile", () => {
      expect(() => npmReader.read("[]", "package-lock.json")).toThrow("package-lock.json: not an npm lockfile: the top level is not an object");
      expect(() => npmReader.read('{"lockfileVersion": 3}', "package-lock.json")).toThrow(/no "packages" object/);
      expect(() => npmReader.read(lock({ "node_modules/a": "1.0.0" }), "package-lock.json")).toThrow('packages["node_modules/a"] is not an object');
    });

    it("treats __proto__ and constructor as plain package names, polluting nothing", () => {
      const text = `{"lockfileVersion":3,"packages":{"":{"dependencies":{"__proto__":"1","constructor":"1"}},
        "node_modules/__proto__":{"version":"1.0.0","dependencies":{"constructor":"1"}},
        "node_modules/constructor":{"version":"2.0.0","__proto__":{"polluted":true}}}}`;
      const result = readText(npmReader, text, "package-lock.json");
      expect(purlsWithScope(result)).toEqual(["pkg:npm/__proto__@1.0.0 required", "pkg:npm/constructor@2.0.0 required"]);
      expect(byPurl(result, "pkg:npm/__proto__@1.0.0").dependsOn).toEqual(["pkg:npm/constructor@2.0.0"]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it("survives huge strings, and leaves out what a v1 tree nests past 100 levels", () => {
      const huge = "x".repeat(5_000_000);
      const hugeResult = readText(
        npmReader,
        lock({ [`node_modules/${huge}`]: { version: "1.0.0" }, "node_modules/big": { version: "1.0.0", license: huge, description: huge } }),
        "package-lock.json",
      );
      expect(hugeResult.components.map((c) => c.purl)).toEqual(["pkg:npm/big@1.0.0"]);
      expect(hugeResult.components[0]?.license?.length).toBeLessThan(200);
      expect(hugeResult.warnings).toEqual(["package-lock.json: 1 packages nested deeper than 100 levels or with paths over 8192 characters; left out"]);

      const levels = 10_000;
      const nested = `${'{"version":"1.0.0","dependencies":{"a":'.repeat(levels)}{"version":"1.0.0"}${"}}".repeat(levels)}`;
      const deep = readText(npmReader, `{"lockfileVersion":1,"dependencies":{"a":${nested}}}`, "package-lock.json");
      expect(deep.components.map((c) => c.purl)).toEqual(["pkg:npm/a@1.0.0"]);
      expect(deep.warnings).toEqual(["package-lock.json: 1 packages nested deeper than 100 levels or with paths over 8192 characters; left out"]);
    });
  });
});
