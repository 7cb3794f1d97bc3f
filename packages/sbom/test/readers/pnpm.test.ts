import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { npmReader } from "../../src/readers/npm.js";
import { pnpmReader } from "../../src/readers/pnpm.js";
import { byPurl, purlsWithScope, readFixture, readText } from "./read-fixture.js";

describe("pnpm-lock.yaml reader", () => {
  it("reads a v9 lockfile made by pnpm 9: snapshots with peers, an alias, a workspace, scopes from importers", () => {
    const result = readFixture(pnpmReader, "pnpm/v9/pnpm-lock.yaml");
    expect(result.warnings).toEqual([]);
    expect(result.components).toHaveLength(31);
    expect(result.root).toEqual({
      name: "ledger-ui",
      version: "0.9.1",
      purl: "pkg:npm/ledger-ui@0.9.1",
      dependsOn: [
        "pkg:npm/%40babel/code-frame@7.29.7",
        "pkg:npm/%40pay/util@0.3.0",
        "pkg:npm/left-pad@1.3.0",
        "pkg:npm/react-dom@18.2.0",
        "pkg:npm/string-width@4.2.3",
        "pkg:npm/fsevents@2.3.3",
        "pkg:npm/chokidar@3.6.0",
      ],
    });
    expect(byPurl(result, "pkg:npm/react-dom@18.2.0")).toEqual({
      ecosystem: "npm",
      name: "react-dom",
      version: "18.2.0",
      purl: "pkg:npm/react-dom@18.2.0",
      hashes: [{ alg: "SHA-512", content: expect.stringMatching(/^[0-9a-f]{128}$/) as unknown as string }],
      scope: "required",
      source: "pnpm/v9/pnpm-lock.yaml",
      dependsOn: ["pkg:npm/loose-envify@1.4.0", "pkg:npm/react@18.3.1", "pkg:npm/scheduler@0.23.2"],
    });
    expect(byPurl(result, "pkg:npm/%40pay/util@0.3.0")).toMatchObject({ kind: "application", dependsOn: ["pkg:npm/ms@2.1.3"] });
    expect(byPurl(result, "pkg:npm/chokidar@3.6.0").scope).toBe("dev");
    expect(byPurl(result, "pkg:npm/fsevents@2.3.3").scope).toBe("optional");
    expect(byPurl(result, "pkg:npm/ms@2.1.3").scope).toBe("required");
  });

  it("reads the v6 lockfile pnpm 8 wrote for the same project to the same result", () => {
    const v9 = readFixture(pnpmReader, "pnpm/v9/pnpm-lock.yaml");
    const v6 = readFixture(pnpmReader, "pnpm/v6/pnpm-lock.yaml");
    const strip = (r: typeof v9) => r.components.map((c) => ({ ...c, source: "" })).sort((a, b) => (a.purl < b.purl ? -1 : 1));
    expect(strip(v6)).toEqual(strip(v9));
    expect(v6.root).toEqual(v9.root);
  });

  it("matches npm's packages and scopes for the same dependencies", () => {
    const pnpm = readFixture(pnpmReader, "pnpm/v9/pnpm-lock.yaml");
    const npm = readFixture(npmReader, "npm/v3/package-lock.json");
    const added = /code-frame|helper-validator-identifier|picocolors|string-width|strip-ansi|ansi-regex|emoji-regex|is-fullwidth-code-point|%40pay\/util|\/ms@/;
    expect(purlsWithScope(pnpm).filter((p) => !added.test(p))).toEqual(purlsWithScope(npm));
  });

  it("reads a single-project v5 lockfile (`/name/version` keys, peer suffixes with `_`)", () => {
    const text = [
      "lockfileVersion: 5.4",
      "",
      "specifiers:",
      "  react-dom: ^18.2.0",
      "  typescript: ^5.0.0",
      "",
      "dependencies:",
      "  react-dom: 18.2.0_react@18.2.0",
      "",
      "devDependencies:",
      "  typescript: 5.0.4",
      "",
      "packages:",
      "",
      "  /react-dom/18.2.0_react@18.2.0:",
      "    resolution: {integrity: sha512-zvj65TkFeIt3i6aj5bIvJDzjjQQGs4o/sNoezg1F1kYap9Nu2jcUdpwzRSJTHMMzG0H7bZkn4rNQpImhuxWX2A==}",
      "    peerDependencies:",
      "      react: ^18.2.0",
      "    dependencies:",
      "      react: 18.2.0",
      "    dev: false",
      "",
      "  /react/18.2.0:",
      "    resolution: {integrity: sha512-zvj65TkFeIt3i6aj5bIvJDzjjQQGs4o/sNoezg1F1kYap9Nu2jcUdpwzRSJTHMMzG0H7bZkn4rNQpImhuxWX2A==}",
      "    dev: false",
      "",
      "  /typescript/5.0.4:",
      "    resolution: {integrity: sha512-zvj65TkFeIt3i6aj5bIvJDzjjQQGs4o/sNoezg1F1kYap9Nu2jcUdpwzRSJTHMMzG0H7bZkn4rNQpImhuxWX2A==}",
      "    engines: {node: '>=12.20'}",
      "    hasBin: true",
      "    dev: true",
      "",
    ].join("\n");
    const result = readText(pnpmReader, text, "pnpm-lock.yaml");
    expect(purlsWithScope(result)).toEqual(["pkg:npm/react-dom@18.2.0 required", "pkg:npm/react@18.2.0 required", "pkg:npm/typescript@5.0.4 dev"]);
    expect(byPurl(result, "pkg:npm/react-dom@18.2.0").dependsOn).toEqual(["pkg:npm/react@18.2.0"]);
    expect(result.root).toEqual({ name: "", dependsOn: ["pkg:npm/react-dom@18.2.0", "pkg:npm/typescript@5.0.4"] });
  });

  it("keeps tarball and git origins, and names packages the key does not (v9)", () => {
    const text = [
      "lockfileVersion: '9.0'",
      "importers:",
      "  .:",
      "    dependencies:",
      "      forked:",
      "        specifier: github:acme/forked#0123456",
      "        version: https://codeload.github.com/acme/forked/tar.gz/0123456",
      "packages:",
      "  forked@https://codeload.github.com/acme/forked/tar.gz/0123456:",
      "    resolution: {tarball: https://codeload.github.com/acme/forked/tar.gz/0123456}",
      "    version: 2.1.0",
      "snapshots:",
      "  forked@https://codeload.github.com/acme/forked/tar.gz/0123456: {}",
    ].join("\n");
    const result = readText(pnpmReader, text, "pnpm-lock.yaml");
    expect(result.components).toEqual([
      {
        ecosystem: "npm",
        name: "forked",
        version: "2.1.0",
        purl: "pkg:npm/forked@2.1.0",
        hashes: [],
        scope: "required",
        source: "pnpm-lock.yaml",
        resolved: "https://codeload.github.com/acme/forked/tar.gz/0123456",
        dependsOn: [],
      },
    ]);
  });

  describe("bad input", () => {
    it("a malformed lockfile names the file and the line", () => {
      const text = "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-x\n  b@1.0.0: {}\n";
      expect(() => pnpmReader.read(text, "svc/pnpm-lock.yaml")).toThrow(LockfileError);
      expect(() => pnpmReader.read(text, "svc/pnpm-lock.yaml")).toThrow(/^svc\/pnpm-lock\.yaml:\d+: expected `,` or `}` in a flow mapping/);
      expect(() => pnpmReader.read("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n\tresolution: {}\n", "pnpm-lock.yaml")).toThrow("pnpm-lock.yaml:4: tab used for indentation");
    });

    it("refuses lockfile versions it does not know", () => {
      expect(() => pnpmReader.read("lockfileVersion: '4.0'\n", "pnpm-lock.yaml")).toThrow("pnpm-lock.yaml:1: unsupported pnpm lockfileVersion \"4.0\"");
      expect(() => pnpmReader.read("- a\n- b\n", "pnpm-lock.yaml")).toThrow("not a pnpm lockfile");
    });

    it("treats __proto__ keys as plain keys, polluting nothing", () => {
      const text = "lockfileVersion: '9.0'\nimporters:\n  __proto__:\n    dependencies:\n      __proto__: {specifier: '1', version: 1.0.0}\npackages:\n  __proto__@1.0.0:\n    resolution: {integrity: sha1-aSbRsZT7xze47tUTdW3i/Np+pAg=}\nsnapshots:\n  __proto__@1.0.0: {}\n";
      const result = readText(pnpmReader, text, "pnpm-lock.yaml");
      expect(purlsWithScope(result)).toEqual(["pkg:npm/__proto__@1.0.0 required"]);
      expect(({} as Record<string, unknown>).dependencies).toBeUndefined();
    });
  });
});
