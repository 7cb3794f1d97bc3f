import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { gemfileReader } from "../../src/readers/gemfile.js";
import { byPurl, purlsWithScope, readFixture, readText } from "./read-fixture.js";

describe("Gemfile.lock reader", () => {
  it("reads GIT, PATH and GEM sections, platform variants, checksums, and scopes from the Gemfile groups", () => {
    const result = readFixture(gemfileReader, "gemfile/app/Gemfile.lock");
    expect(result.warnings).toEqual([]);
    expect(result.root).toBeUndefined();
    expect(purlsWithScope(result)).toEqual([
      "pkg:gem/acme-vault@2.3.0 required",
      "pkg:gem/actionpack@7.1.3.2 required",
      "pkg:gem/activesupport@7.1.3.2 required",
      "pkg:gem/billing@0.2.0 required",
      "pkg:gem/concurrent-ruby@1.2.3 required",
      "pkg:gem/diff-lcs@1.5.1 dev",
      "pkg:gem/i18n@1.14.4 required",
      "pkg:gem/money-rails@1.15.0 required",
      "pkg:gem/money@6.19.0 required",
      "pkg:gem/nokogiri@1.16.3?platform=arm64-darwin required",
      "pkg:gem/nokogiri@1.16.3?platform=x86_64-linux required",
      "pkg:gem/pg@1.5.6 required",
      "pkg:gem/racc@1.7.3 required",
      "pkg:gem/rack@3.0.10 required",
      "pkg:gem/rails@7.1.3.2 required",
      "pkg:gem/rspec-core@3.13.0 dev",
      "pkg:gem/rspec-expectations@3.13.0 dev",
      "pkg:gem/rspec-rails@6.1.2 dev",
      "pkg:gem/rspec-support@3.13.1 dev",
      "pkg:gem/rubocop@1.62.1 dev",
    ]);
    expect(byPurl(result, "pkg:gem/acme-vault@2.3.0")).toEqual({
      ecosystem: "gem",
      name: "acme-vault",
      version: "2.3.0",
      purl: "pkg:gem/acme-vault@2.3.0",
      hashes: [{ alg: "SHA-256", content: "5a9cd8779f7d4b9bf100a6478cb40436d9a5842f1ec73b19747c60d74a33e4a6" }],
      scope: "required",
      source: "gemfile/app/Gemfile.lock",
      resolved: "https://gems.acme.example/",
      dependsOn: ["pkg:gem/concurrent-ruby@1.2.3"],
    });
    expect(byPurl(result, "pkg:gem/money-rails@1.15.0").resolved).toBe("git+https://github.com/acme/money-rails.git@3c1e5f7a9b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e");
    expect(byPurl(result, "pkg:gem/money-rails@1.15.0").hashes).toEqual([]);
    expect(byPurl(result, "pkg:gem/billing@0.2.0").resolved).toBe("engines/billing");
    expect(byPurl(result, "pkg:gem/billing@0.2.0").dependsOn).toEqual(["pkg:gem/money-rails@1.15.0", "pkg:gem/rails@7.1.3.2"]);
    expect(byPurl(result, "pkg:gem/rails@7.1.3.2").resolved).toBeUndefined();
    const nokogiri = byPurl(result, "pkg:gem/nokogiri@1.16.3?platform=x86_64-linux");
    expect(nokogiri.version).toBe("1.16.3");
    expect(nokogiri.hashes).toHaveLength(1);
    expect(nokogiri.dependsOn).toEqual(["pkg:gem/racc@1.7.3"]);
    expect(byPurl(result, "pkg:gem/activesupport@7.1.3.2").dependsOn).toEqual(["pkg:gem/concurrent-ruby@1.2.3", "pkg:gem/i18n@1.14.4"]);
    expect(byPurl(result, "pkg:gem/rack@3.0.10").hashes).toEqual([]);
  });

  it("takes a PATH source at . as the root and marks gemspec development dependencies dev", () => {
    const result = readFixture(gemfileReader, "gemfile/gem/Gemfile.lock");
    expect(result.root).toEqual({
      name: "card-tokenizer",
      version: "0.5.1",
      purl: "pkg:gem/card-tokenizer@0.5.1",
      dependsOn: ["pkg:gem/openssl@3.2.0", "pkg:gem/rake@13.1.0", "pkg:gem/rspec@3.13.0"],
    });
    expect(purlsWithScope(result)).toEqual([
      "pkg:gem/diff-lcs@1.5.1 required",
      "pkg:gem/openssl@3.2.0 required",
      "pkg:gem/rake@13.1.0 dev",
      "pkg:gem/rspec-core@3.13.0 dev",
      "pkg:gem/rspec@3.13.0 dev",
    ]);
  });

  it("reads Windows line endings", () => {
    const text = "GEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n    rack (3.0.10)\r\n\r\nDEPENDENCIES\r\n  rack\r\n";
    expect(readText(gemfileReader, text, "Gemfile.lock").components.map((c) => c.purl)).toEqual(["pkg:gem/rack@3.0.10"]);
  });

  it("without a Gemfile, keeps every gem required", () => {
    const result = readText(gemfileReader, "GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.1.0)\n\nDEPENDENCIES\n  rake\n", "Gemfile.lock");
    expect(purlsWithScope(result)).toEqual(["pkg:gem/rake@13.1.0 required"]);
  });

  it("throws on truncated and malformed locks with the line", () => {
    const truncated = "GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.1.0)\n    rspec (3.1";
    expect(() => readText(gemfileReader, truncated, "Gemfile.lock")).toThrow(LockfileError);
    expect(() => readText(gemfileReader, "GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.1.0)\n", "Gemfile.lock")).toThrow(
      /^Gemfile\.lock:5: no DEPENDENCIES section/,
    );
    expect(() => readText(gemfileReader, "GEM\n  specs:\n     rake (13.1.0)\n\nDEPENDENCIES\n", "Gemfile.lock")).toThrow(/^Gemfile\.lock:3: unexpected indentation of 5 spaces/);
    expect(() => readText(gemfileReader, "GEM\n  specs:\n      rake\n\nDEPENDENCIES\n", "Gemfile.lock")).toThrow(/^Gemfile\.lock:3: dependency line outside a spec/);
    expect(() => readText(gemfileReader, "GEM\n  specs:\n    rake\n\nDEPENDENCIES\n", "Gemfile.lock")).toThrow(/^Gemfile\.lock:3: "rake" is not a spec/);
    expect(() => readText(gemfileReader, "GEM\n  specs:\n<<<<<<< HEAD\n", "Gemfile.lock")).toThrow(/^Gemfile\.lock:3: merge conflict markers/);
    expect(() => readText(gemfileReader, "  rake (1.0)\n", "Gemfile.lock")).toThrow(/^Gemfile\.lock:1: indented line before any section/);
    expect(() => readText(gemfileReader, "GEM\n\tspecs:\n", "Gemfile.lock")).toThrow(/^Gemfile\.lock:2: tab in indentation/);
  });

  it("skips unknown sections with a warning and treats hostile names as data", () => {
    const text = "PLUGIN SOURCE\n  remote: https://plugins.example/\n  specs:\n    constructor (1.0.0)\n      __proto__\n    __proto__ (2.0.0)\n\nFUTURE SECTION\n  whatever\n\nDEPENDENCIES\n  constructor\n";
    const result = readText(gemfileReader, text, "Gemfile.lock");
    expect(result.warnings).toEqual(["Gemfile.lock:8: unknown section FUTURE SECTION skipped"]);
    expect(byPurl(result, "pkg:gem/constructor@1.0.0").dependsOn).toEqual(["pkg:gem/__proto__@2.0.0"]);
    expect(byPurl(result, "pkg:gem/constructor@1.0.0").resolved).toBe("https://plugins.example/");
    expect(({} as Record<string, unknown>).version).toBeUndefined();
  });

  it("reads a Gemfile with blocks, conditionals and inline groups without hiding runtime gems", () => {
    const lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    a (1.0)\n    b (1.0)\n    c (1.0)\n    d (1.0)\n    e (1.0)\n\nDEPENDENCIES\n  a\n  b\n  c\n  d\n  e\n";
    const gemfile = [
      'source "https://rubygems.org"',
      'if ENV["CI"]',
      '  gem "a"',
      "end",
      "group :test do",
      '  platforms :jruby do',
      '    gem "b"',
      "  end",
      "end",
      'gem "c", groups: [:development, :test]',
      'gem "d", group: :production # runtime',
      'group(:development) { gem "e" }',
    ].join("\n");
    const result = readText(gemfileReader, lock, "Gemfile.lock", { Gemfile: gemfile });
    expect(purlsWithScope(result)).toEqual([
      "pkg:gem/a@1.0 required",
      "pkg:gem/b@1.0 dev",
      "pkg:gem/c@1.0 dev",
      "pkg:gem/d@1.0 required",
      "pkg:gem/e@1.0 required",
    ]);
  });
});
