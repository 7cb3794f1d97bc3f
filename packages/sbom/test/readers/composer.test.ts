import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { composerReader } from "../../src/readers/composer.js";
import { spdxDisjunction, spdxExpressionOf } from "../../src/readers/license-expression.js";
import { byPurl, purlsWithScope, readFixture, readText } from "./read-fixture.js";

describe("composer.lock reader", () => {
  it("reads packages and packages-dev with shasums, licenses, edges through provide, and the composer.json root", () => {
    const result = readFixture(composerReader, "composer/app/composer.lock");
    expect(result.warnings).toEqual([]);
    expect(purlsWithScope(result)).toEqual([
      "pkg:composer/acme/fx-rates@dev-main required",
      "pkg:composer/acme/ledger-sdk@4.1.0 required",
      "pkg:composer/brick/math@0.12.1 required",
      "pkg:composer/ezyang/htmlpurifier@v4.17.0 required",
      "pkg:composer/guzzlehttp/guzzle@7.8.1 required",
      "pkg:composer/guzzlehttp/promises@2.0.2 required",
      "pkg:composer/guzzlehttp/psr7@2.6.2 required",
      "pkg:composer/monolog/monolog@3.5.0 required",
      "pkg:composer/mustache/mustache@v2.14.2 required",
      "pkg:composer/paragonie/constant_time_encoding@v2.6.3 required",
      "pkg:composer/phpseclib/phpseclib@3.0.37 required",
      "pkg:composer/phpunit/phpunit@10.5.13 dev",
      "pkg:composer/psr/http-client@1.0.3 required",
      "pkg:composer/psr/http-factory@1.0.2 required",
      "pkg:composer/psr/http-message@2.0 required",
      "pkg:composer/psr/log@3.0.0 required",
      "pkg:composer/ralouphie/getallheaders@3.0.3 required",
      "pkg:composer/sebastian/diff@5.1.1 dev",
      "pkg:composer/squizlabs/php_codesniffer@3.9.0 dev",
      "pkg:composer/stripe/stripe-php@v13.13.0 required",
      "pkg:composer/symfony/deprecation-contracts@v3.4.0 required",
      "pkg:composer/symfony/polyfill-mbstring@v1.29.0 required",
      "pkg:composer/tecnickcom/tcpdf@6.6.5 required",
    ]);
    expect(byPurl(result, "pkg:composer/acme/ledger-sdk@4.1.0")).toEqual({
      ecosystem: "composer",
      namespace: "acme",
      name: "ledger-sdk",
      version: "4.1.0",
      purl: "pkg:composer/acme/ledger-sdk@4.1.0",
      hashes: [{ alg: "SHA-1", content: "109fa2f5dd3d0b56403f6f5abc6c0011260f5fa9" }],
      scope: "required",
      license: "LicenseRef-proprietary",
      source: "composer/app/composer.lock",
      resolved: "https://satis.acme.example/dist/acme/ledger-sdk/acme-ledger-sdk-4.1.0.zip",
      dependsOn: ["pkg:composer/guzzlehttp/guzzle@7.8.1", "pkg:composer/monolog/monolog@3.5.0"],
    });
    expect(byPurl(result, "pkg:composer/acme/fx-rates@dev-main").resolved).toBe("../fx-rates");
    expect(byPurl(result, "pkg:composer/acme/fx-rates@dev-main").dependsOn).toEqual(["pkg:composer/brick/math@0.12.1"]);
    expect(byPurl(result, "pkg:composer/monolog/monolog@3.5.0").resolved).toBeUndefined();
    expect(byPurl(result, "pkg:composer/monolog/monolog@3.5.0").hashes).toEqual([]);
    expect(byPurl(result, "pkg:composer/guzzlehttp/guzzle@7.8.1").dependsOn).toEqual([
      "pkg:composer/guzzlehttp/promises@2.0.2",
      "pkg:composer/guzzlehttp/psr7@2.6.2",
      "pkg:composer/psr/http-client@1.0.3",
      "pkg:composer/symfony/deprecation-contracts@v3.4.0",
    ]);
    expect(byPurl(result, "pkg:composer/stripe/stripe-php@v13.13.0").dependsOn).toEqual([]);
    expect(byPurl(result, "pkg:composer/mustache/mustache@v2.14.2").license).toBe("MIT OR GPL-2.0+");
    expect(byPurl(result, "pkg:composer/tecnickcom/tcpdf@6.6.5").license).toBe("(LGPL-3.0-or-later OR GPL-3.0-or-later)");
    expect(byPurl(result, "pkg:composer/ezyang/htmlpurifier@v4.17.0").license).toBe("LGPL-2.1-or-later");
    expect(byPurl(result, "pkg:composer/phpunit/phpunit@10.5.13").license).toBe("BSD-3-Clause");
    expect(result.root?.name).toBe("acme/checkout");
    expect(result.root?.purl).toBe("pkg:composer/acme/checkout");
    expect(result.root?.dependsOn).toHaveLength(11);
    expect(result.root?.dependsOn).toContain("pkg:composer/phpunit/phpunit@10.5.13");
  });

  it("normalizes license strings to SPDX expressions", () => {
    expect(spdxExpressionOf("mit")).toBe("MIT");
    expect(spdxExpressionOf("apache-2.0")).toBe("Apache-2.0");
    expect(spdxExpressionOf("GPL-2.0-or-later WITH Classpath-exception-2.0")).toBe("GPL-2.0-or-later WITH Classpath-exception-2.0");
    expect(spdxExpressionOf("(MIT and (BSD-3-Clause or Apache-2.0))")).toBe("(MIT AND (BSD-3-Clause OR Apache-2.0))");
    expect(spdxExpressionOf("LicenseRef-Acme-1.0")).toBe("LicenseRef-Acme-1.0");
    expect(spdxExpressionOf("Some Custom License")).toBe("LicenseRef-Some-Custom-License");
    expect(spdxExpressionOf("MIT OR")).toBe("LicenseRef-MIT-OR");
    expect(spdxExpressionOf("__proto__")).toBe("LicenseRef-proto");
    expect(spdxExpressionOf("constructor")).toBe("LicenseRef-constructor");
    expect(spdxExpressionOf("  ")).toBeUndefined();
    expect(spdxDisjunction(["MIT", "mit"])).toBe("MIT");
    expect(spdxDisjunction(["MIT", "Apache-2.0 AND BSD-2-Clause"])).toBe("MIT OR (Apache-2.0 AND BSD-2-Clause)");
    expect(spdxDisjunction([])).toBeUndefined();
  });

  it("throws on malformed documents", () => {
    expect(() => readText(composerReader, '{\n  "packages": [\n    {"name": "a/b", "version": "1.0"\n  ]\n}', "composer.lock")).toThrow(/^composer\.lock:4: invalid JSON/);
    expect(() => readText(composerReader, '{"packages-dev": []}', "composer.lock")).toThrow(/^composer\.lock:1: no `packages` array/);
    expect(() => readText(composerReader, '{"packages": [{"name": "nonamespace", "version": "1.0"}]}', "composer.lock")).toThrow(LockfileError);
    expect(() => readText(composerReader, '{"packages": [{"name": "a/b"}]}', "composer.lock")).toThrow(/packages\[0\] has no "vendor\/name" name or no version/);
  });

  it("treats __proto__ keys in require and license as data", () => {
    const text = JSON.stringify({
      packages: [
        { name: "a/b", version: "1.0", require: JSON.parse('{"__proto__": "1", "constructor": "2", "c/d": "*"}'), license: ["__proto__"] },
        { name: "c/d", version: "2.0", provide: JSON.parse('{"__proto__": "1"}') },
      ],
    });
    const result = readText(composerReader, text, "composer.lock");
    expect(byPurl(result, "pkg:composer/a/b@1.0").dependsOn).toEqual(["pkg:composer/c/d@2.0"]);
    expect(({} as Record<string, unknown>)["1"]).toBeUndefined();
  });
});
