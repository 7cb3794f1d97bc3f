import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { parseLockfileYaml, type YamlValue } from "../../src/readers/lockfile-yaml.js";

/** Maps to plain objects for comparison. */
function plain(value: YamlValue): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

const parse = (text: string): unknown => plain(parseLockfileYaml(text, "lock.yaml"));

describe("lockfile YAML parser", () => {
  it("reads the constructs lockfiles use", () => {
    const text = [
      "# comment",
      "lockfileVersion: '9.0'",
      "plain: 1.10",
      "flags: {dev: true, optional: false, none: null}",
      "quoted: \"tab\\there \\u00e9\"",
      "single: 'it''s'",
      "'@scope/a@1.0.0(b@2.0.0)':",
      "  resolution: {integrity: sha512-abc==, tarball: 'https://x/y.tgz'}",
      "  os: [darwin, linux]",
      "  empty: {}",
      "list:",
      "  - one",
      "  - key: v",
      "    other: w",
      "compact:",
      "- a",
      "- b",
      "? long key",
      ": long value",
      "folded: this is",
      "  continued",
      "multi: {a: 1,",
      "  b: 2}",
      "block: |",
      "  line1",
      "  line2",
      "nothing:",
      "trailing: value # comment",
      "url: http://host:80/path",
    ].join("\n");
    expect(parse(text)).toEqual({
      lockfileVersion: "9.0",
      plain: "1.10",
      flags: { dev: true, optional: false, none: null },
      quoted: "tab\there é",
      single: "it's",
      "@scope/a@1.0.0(b@2.0.0)": { resolution: { integrity: "sha512-abc==", tarball: "https://x/y.tgz" }, os: ["darwin", "linux"], empty: {} },
      list: ["one", { key: "v", other: "w" }],
      compact: ["a", "b"],
      "long key": "long value",
      folded: "this is continued",
      multi: { a: "1", b: "2" },
      block: "line1\nline2\n",
      nothing: null,
      trailing: "value",
      url: "http://host:80/path",
    });
  });

  it("keeps __proto__ as a key of a Map", () => {
    const value = parseLockfileYaml("__proto__:\n  polluted: yes\nflow: {__proto__: x}\n", "lock.yaml");
    expect(value instanceof Map && value.get("__proto__") instanceof Map).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a: "unterminated\nb: c\n', 1, "unterminated quoted string"],
    ["a:\n\tb: c\n", 2, "tab used for indentation"],
    ["a: &x 1\nb: *x\n", 1, "anchors, aliases and tags are not supported in a lockfile"],
    ["a: 1\na: 2\n", 2, 'duplicate key "a"'],
    ["a: [1, 2\nb: 3\n", 2, "expected `,` or `]` in a flow sequence"],
    ["a:\n  b: 1\n c: 2\n", 3, "unexpected indentation"],
    [`a: ${"[".repeat(100_000)}`, 1, "nesting deeper than 64 levels"],
  ])("refuses %j at line %i", (text, line, message) => {
    let error: unknown;
    try {
      parseLockfileYaml(text, "lock.yaml");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LockfileError);
    expect((error as LockfileError).message).toBe(`lock.yaml:${line}: ${message}`);
  });

  it("refuses block nesting past the limit without exhausting the stack", () => {
    const deep = Array.from({ length: 5000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n");
    expect(() => parseLockfileYaml(deep, "lock.yaml")).toThrow("lock.yaml:65: nesting deeper than 64 levels");
  });
});
