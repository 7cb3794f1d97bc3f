import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { InputError } from "@peptide/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectSubjects, expandBraces, expandGlob, globMatcher, imageSubject, parseChecksums, sha256File } from "../../src/subjects/index.js";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const HEX_A = "a".repeat(64);
const HEX_B = "b".repeat(64);

describe("subjects", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "peptide-subjects-"));
    const files: Record<string, string> = {
      "dist/app-linux-amd64.tar.gz": "linux",
      "dist/app-darwin-arm64.tar.gz": "darwin",
      "dist/app.tar.gz.map": "map",
      "dist/.hidden.tar.gz": "hidden",
      "dist/nested/deep/app-extra.tar.gz": "extra",
      "dist/checksums.txt": "",
      "other/app-linux-amd64.tar.gz": "another linux",
      "same/app-linux-amd64.tar.gz": "linux",
      ".git/objects/pack.tar.gz": "git",
      "sbom[1].json": "bracket",
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    mkdirSync(path.join(root, "empty"));
    symlinkSync(path.join(root, "dist"), path.join(root, "loop"));
    symlinkSync(path.join(root, "dist/app-linux-amd64.tar.gz"), path.join(root, "linked.tar.gz"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function inputError(promise: Promise<unknown>): Promise<InputError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }

  describe("globs", () => {
    it("matches within a segment, across directories with **, and dot files", async () => {
      expect(await expandGlob("dist/*.tar.gz", root)).toEqual(["dist/.hidden.tar.gz", "dist/app-darwin-arm64.tar.gz", "dist/app-linux-amd64.tar.gz"]);
      expect(await expandGlob("dist/**/*.tar.gz", root)).toEqual([
        "dist/.hidden.tar.gz",
        "dist/app-darwin-arm64.tar.gz",
        "dist/app-linux-amd64.tar.gz",
        "dist/nested/deep/app-extra.tar.gz",
      ]);
      expect(await expandGlob("dist/**", root)).toHaveLength(6);
      expect(await expandGlob("./dist/app-?????-*.tar.gz", root)).toEqual(["dist/app-linux-amd64.tar.gz"]);
      expect(await expandGlob("dist/app-[dl]*-{amd64,arm64}.tar.gz", root)).toEqual(["dist/app-darwin-arm64.tar.gz", "dist/app-linux-amd64.tar.gz"]);
      expect(await expandGlob("dist/app-[!d]*.tar.gz", root)).toEqual(["dist/app-linux-amd64.tar.gz"]);
      expect(await expandGlob("*/app-linux-amd64.tar.gz", root)).toEqual(["dist/app-linux-amd64.tar.gz", "loop/app-linux-amd64.tar.gz", "other/app-linux-amd64.tar.gz", "same/app-linux-amd64.tar.gz"]);
      expect(await expandGlob(`${root}/dist/*.map`, "/")).toEqual([`${root}/dist/app.tar.gz.map`]);
    });

    it("does not enter .git or symlinked directories through **, and follows symlinked files", async () => {
      const all = await expandGlob("**/*.tar.gz", root);
      expect(all.filter((f) => f.startsWith(".git/") || f.startsWith("loop/"))).toEqual([]);
      expect(all).toContain("linked.tar.gz");
    });

    it("expands braces, nested ones too, and keeps a lone brace literal", () => {
      expect(expandBraces("a/{b,c{d,e}}/*.{tgz,zip}")).toEqual(["a/b/*.tgz", "a/b/*.zip", "a/cd/*.tgz", "a/cd/*.zip", "a/ce/*.tgz", "a/ce/*.zip"]);
      expect(expandBraces("a/{b}/c")).toEqual(["a/{b}/c"]);
      expect(expandBraces("a/{b/c")).toEqual(["a/{b/c"]);
    });

    it("compiles exclusions matched against relative paths", () => {
      const excluded = globMatcher("dist/**/*.map");
      expect(excluded("dist/app.tar.gz.map")).toBe(true);
      expect(excluded("./dist/x/y.map")).toBe(true);
      expect(excluded("dist/app.tar.gz")).toBe(false);
    });
  });

  describe("collectSubjects", () => {
    it("hashes files and globs, removes duplicates and sorts", async () => {
      const subjects = await collectSubjects({ paths: ["dist/*.tar.gz", "dist/app-linux-amd64.tar.gz", "same/app-linux-amd64.tar.gz", "!dist/.hidden*"] }, { cwd: root });
      expect(subjects).toEqual([
        { name: "app-darwin-arm64.tar.gz", digest: { sha256: sha("darwin") } },
        { name: "app-linux-amd64.tar.gz", digest: { sha256: sha("linux") } },
      ]);
    });

    it("names by path when asked, and refuses one name with two digests by basename", async () => {
      const inputs = { paths: ["dist/app-linux-amd64.tar.gz", "other/app-linux-amd64.tar.gz"] };
      const error = await inputError(collectSubjects(inputs, { cwd: root }));
      expect(error.message).toBe("app-linux-amd64.tar.gz: one subject name with two digests (from dist/app-linux-amd64.tar.gz and other/app-linux-amd64.tar.gz); name file subjects by path");
      expect(await collectSubjects(inputs, { cwd: root, naming: "path" })).toEqual([
        { name: "dist/app-linux-amd64.tar.gz", digest: { sha256: sha("linux") } },
        { name: "other/app-linux-amd64.tar.gz", digest: { sha256: sha("another linux") } },
      ]);
    });

    it("takes a file whose name looks like a glob literally when it exists", async () => {
      expect(await collectSubjects({ paths: ["sbom[1].json"] }, { cwd: root })).toEqual([{ name: "sbom[1].json", digest: { sha256: sha("bracket") } }]);
    });

    it("names a bad checksums line by the file as given and its line number", async () => {
      writeFileSync(path.join(root, "BAD256SUMS"), `${HEX_A}  ok.bin\n${HEX_A.slice(2)}  short.bin\n`);
      const error = await inputError(collectSubjects({ checksums: ["BAD256SUMS"] }, { cwd: root }));
      expect(error.message).toBe("BAD256SUMS:2: a 62-character digest, not sha256 (64 hex characters); write the file with sha256sum");
    });

    it("adds checksums files, images by digest and given digests", async () => {
      const sums = path.join(root, "SHA256SUMS");
      writeFileSync(sums, `${sha("linux")}  app-linux-amd64.tar.gz\n${HEX_B} *app.zip\n`);
      const subjects = await collectSubjects(
        {
          paths: ["dist/app-linux-amd64.tar.gz"],
          checksums: ["SHA256SUMS"],
          images: [`ghcr.io/peptide-dev/payments:1.4.0@sha256:${HEX_A.toUpperCase()}`],
          digests: [{ name: "manual.bin", digest: { sha256: `sha256:${HEX_A}` } }],
        },
        { cwd: root },
      );
      expect(subjects).toEqual([
        { name: "app-linux-amd64.tar.gz", digest: { sha256: sha("linux") } },
        { name: "app.zip", digest: { sha256: HEX_B } },
        { name: "ghcr.io/peptide-dev/payments", digest: { sha256: HEX_A } },
        { name: "manual.bin", digest: { sha256: HEX_A } },
      ]);
    });

    it("says which input is wrong, in one line", async () => {
      const cases: Array<[Parameters<typeof collectSubjects>[0], string, string]> = [
        [{ paths: ["dist/missing.tar.gz"] }, "INPUT_NOT_FOUND", "dist/missing.tar.gz: no such file"],
        [{ paths: ["dist/*.exe"] }, "INPUT_NOT_FOUND", `dist/*.exe: the glob matches no file (from ${root})`],
        [{ paths: ["empty/**"] }, "INPUT_NOT_FOUND", `empty/**: the glob matches no file (from ${root})`],
        [{ paths: ["dist/*.map", "!**/*.map"] }, "INPUT_NOT_FOUND", "dist/*.map: every file the glob matches is excluded by a `!` pattern"],
        [{ paths: ["dist/"] }, "INPUT_INVALID", "dist/: a directory; name its files or a glob such as dist/**"],
        [{ checksums: ["nope.txt"] }, "INPUT_NOT_FOUND", "checksums file nope.txt: cannot be read (ENOENT); check the path"],
        [{ images: ["ghcr.io/o/app:1.0"] }, "INPUT_INVALID", "ghcr.io/o/app:1.0: not an image reference by digest; expected name@sha256:<64 hex>"],
        [{ images: [`ghcr.io/o/app@sha512:${HEX_A}${HEX_A}`] }, "INPUT_INVALID", `ghcr.io/o/app@sha512:${HEX_A}${HEX_A}: a sha512 digest; image subjects are attested by sha256`],
        [{ digests: [{ name: "x", digest: { sha256: "abc" } }] }, "INPUT_INVALID", "x: the subject digest is not sha256:<64 hex>"],
        [{}, "INPUT_INVALID", "no subject given; name files, globs, a checksums file or an image by digest"],
      ];
      for (const [inputs, code, message] of cases) {
        const error = await inputError(collectSubjects(inputs, { cwd: root }));
        expect([error.code, error.message]).toEqual([code, message]);
        expect(error.message).not.toContain("\n");
      }
    });

    it("handles 2,000 file subjects in one call", async () => {
      const many = path.join(root, "many");
      for (let i = 0; i < 2000; i++) {
        const dir = path.join(many, `d${i % 20}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, `asset-${String(i).padStart(4, "0")}.bin`), `asset ${i}`);
      }
      const started = performance.now();
      const subjects = await collectSubjects({ paths: ["many/**/*.bin"] }, { cwd: root });
      const elapsed = performance.now() - started;
      expect(subjects).toHaveLength(2000);
      expect(subjects[0]).toEqual({ name: "asset-0000.bin", digest: { sha256: sha("asset 0") } });
      expect(subjects[1999]).toEqual({ name: "asset-1999.bin", digest: { sha256: sha("asset 1999") } });
      expect(elapsed).toBeLessThan(10_000);
    });
  });

  describe("checksums files", () => {
    it("reads text mode, binary mode, escaped names, BSD tags, CRLF, blanks and comments", () => {
      const text = [
        `${HEX_A}  app.tar.gz`,
        `${HEX_B.toUpperCase()} *app.zip\r`,
        "",
        "# made by sha256sum",
        `\\${HEX_A}  dir\\\\back\\nslash.txt`,
        `SHA256 (with space.txt) = ${HEX_B}`,
        `${HEX_A}   leading-space.txt`,
      ].join("\n");
      expect(parseChecksums(text, "SHA256SUMS")).toEqual([
        { name: "app.tar.gz", digest: { sha256: HEX_A } },
        { name: "app.zip", digest: { sha256: HEX_B } },
        { name: "dir\\back\nslash.txt", digest: { sha256: HEX_A } },
        { name: "with space.txt", digest: { sha256: HEX_B } },
        { name: " leading-space.txt", digest: { sha256: HEX_A } },
      ]);
    });

    it("names the file and line of a bad line", () => {
      const bad: Array<[string, string]> = [
        [`${HEX_A}  ok\nnot a checksum line`, "SUMS:2: not a checksum line; expected `<sha256 hex>  <name>` or `<sha256 hex> *<name>`"],
        [`${"c".repeat(40)}  app.tar.gz`, "SUMS:1: a sha1 digest, not sha256 (64 hex characters); write the file with sha256sum"],
        [`${"c".repeat(128)}  app.tar.gz`, "SUMS:1: a sha512 digest, not sha256 (64 hex characters); write the file with sha256sum"],
        [`\n\n${HEX_A}  `, "SUMS:3: a digest without a file name"],
        [`SHA512 (x) = ${HEX_A}`, "SUMS:1: a SHA512 checksum, not SHA256; write the file with sha256sum"],
        ["\n# nothing\n", "SUMS: no checksum line; expected `<sha256 hex>  <name>` lines as sha256sum writes them"],
      ];
      for (const [text, message] of bad) {
        let error: unknown;
        try {
          parseChecksums(text, "SUMS");
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(InputError);
        expect((error as Error).message).toBe(message);
      }
    });
  });

  describe("images", () => {
    it("keeps the repository, drops the tag, lower-cases the digest", () => {
      expect(imageSubject(`localhost:5000/o/app:1.2@sha256:${HEX_A}`)).toEqual({ name: "localhost:5000/o/app", digest: { sha256: HEX_A } });
      expect(imageSubject(`alpine@sha256:${HEX_B}`)).toEqual({ name: "alpine", digest: { sha256: HEX_B } });
      expect(() => imageSubject(`@sha256:${HEX_A}`)).toThrow("not an image reference by digest");
      expect(() => imageSubject(`app@sha256:${HEX_A.slice(1)}`)).toThrow("the digest is not 64 hex characters");
    });
  });

  it("streams a file's sha256", async () => {
    const file = path.join(root, "big.bin");
    const block = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    writeFileSync(file, block);
    expect(await sha256File(file, { highWaterMark: 65536 })).toBe(createHash("sha256").update(block).digest("hex"));
    await expect(sha256File(path.join(root, "dist"))).rejects.toThrow(`${root}/dist: a directory, not a file`);
  });
});
