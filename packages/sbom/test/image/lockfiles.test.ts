import { describe, expect, it } from "vitest";
import type { LockfileReader } from "../../src/model.js";
import { purlOf } from "../../src/purl.js";
import { pkg, sbomOf } from "./image-fixture.js";

/** A reader for `demo.lock` (`name version` lines) that reads `demo.json` beside it for the root name. */
const demoReader: LockfileReader = {
  ecosystem: "generic",
  matches: (name) => name === "demo.lock",
  read(text, file, context) {
    if (text.startsWith("!")) throw new Error(`${file}:1: bad line`);
    const root = context?.sibling?.("demo.json");
    return {
      components: text
        .trim()
        .split("\n")
        .map((line) => {
          const [name = "", version = ""] = line.split(" ");
          return { ecosystem: "generic" as const, name, version, purl: purlOf("generic", undefined, name, version), hashes: [], scope: "required" as const, source: file, dependsOn: [] };
        }),
      warnings: root ? [] : ["no demo.json beside it"],
    };
  },
};

describe("lockfiles in an image", () => {
  it("reads lockfiles with the readers given, siblings from the image, skipping vendored ones and reporting broken ones", async () => {
    const { purls, warnings, inputs } = await sbomOf(
      [
        { "srv/app/demo.lock": "alpha 1.0\nbeta 2.0\n", "srv/app/demo.json": "{}", "srv/app/node_modules/x/demo.lock": "vendored 9\n", "srv/app/node_modules/x/package.json": pkg("x") },
        { "opt/tool/demo.lock": "gamma 3.0\n", "opt/broken/demo.lock": "!\n" },
      ],
      { lockfileReaders: [demoReader], lockfileSiblings: new Set(["demo.json"]) },
    );
    expect(purls).toEqual(["pkg:generic/alpha@1.0", "pkg:generic/beta@2.0", "pkg:generic/gamma@3.0", "pkg:npm/x@1.0.0"]);
    expect(warnings).toEqual(["/opt/broken/demo.lock: not read (opt/broken/demo.lock:1: bad line)", "/opt/tool/demo.lock: no demo.json beside it"]);
    expect(inputs).toEqual([
      { file: "opt/tool/demo.lock", ecosystem: "generic", components: 1 },
      { file: "srv/app/demo.lock", ecosystem: "generic", components: 2 },
    ]);
  });

  it("reads an application's package-lock.json with the default readers, merged with what node_modules holds", async () => {
    const integrity = "sha512-" + Buffer.alloc(64, 1).toString("base64");
    const lock = {
      name: "payments-api",
      version: "1.0.0",
      lockfileVersion: 3,
      packages: {
        "": { name: "payments-api", version: "1.0.0", dependencies: { "left-pad": "^1.3.0" } },
        "node_modules/left-pad": { version: "1.3.0", integrity },
      },
    };
    const { components } = await sbomOf([
      {
        "srv/app/package-lock.json": JSON.stringify(lock),
        "srv/app/package.json": pkg("payments-api", "1.0.0", { dependencies: { "left-pad": "^1.3.0" } }),
        "srv/app/node_modules/left-pad/package.json": pkg("left-pad", "1.3.0", { license: "WTFPL" }),
      },
    ]);
    const by = new Map(components.map((c) => [c.name, c]));
    expect(by.get("left-pad")).toMatchObject({
      purl: "pkg:npm/left-pad@1.3.0",
      license: "WTFPL",
      hashes: [{ alg: "SHA-512", content: Buffer.alloc(64, 1).toString("hex") }],
      sources: ["srv/app/node_modules/left-pad/package.json", "srv/app/package-lock.json"],
    });
    expect(by.get("payments-api")).toMatchObject({ kind: "application", purl: "pkg:npm/payments-api@1.0.0", dependsOn: ["pkg:npm/left-pad@1.3.0"] });
    expect(components).toHaveLength(2);
  });
});
