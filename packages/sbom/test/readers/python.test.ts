import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { pythonReader } from "../../src/readers/python.js";
import { byPurl, readFixture, readText } from "./read-fixture.js";

describe("requirements.txt reader", () => {
  it("matches requirements file names", () => {
    for (const name of ["requirements.txt", "requirements-dev.txt", "requirements_test.txt", "dev-requirements.txt", "requirements.prod.txt"]) {
      expect(pythonReader.matches(name), name).toBe(true);
    }
    for (const name of ["requirements.in", "myrequirements.txt", "constraints.txt", "requirements.txt.bak"]) {
      expect(pythonReader.matches(name), name).toBe(false);
    }
  });

  it("reads a pip-compile file with hashes, markers, extras and via edges", () => {
    const result = readFixture(pythonReader, "python/compiled/requirements.txt");
    expect(result.warnings).toEqual([]);
    expect(result.components.map((c) => [c.name, c.version, c.purl])).toEqual([
      ["anyio", "4.3.0", "pkg:pypi/anyio@4.3.0"],
      ["certifi", "2024.2.2", "pkg:pypi/certifi@2024.2.2"],
      ["charset-normalizer", "3.3.2", "pkg:pypi/charset-normalizer@3.3.2"],
      ["idna", "3.6", "pkg:pypi/idna@3.6"],
      ["pysocks", "1.7.1", "pkg:pypi/pysocks@1.7.1"],
      ["pywin32", "306", "pkg:pypi/pywin32@306"],
      ["requests", "2.31.0", "pkg:pypi/requests@2.31.0"],
      ["sniffio", "1.3.1", "pkg:pypi/sniffio@1.3.1"],
      ["stripe", "8.5.0", "pkg:pypi/stripe@8.5.0"],
      ["urllib3", "2.2.1", "pkg:pypi/urllib3@2.2.1"],
      ["zope.interface", "6.2", "pkg:pypi/zope-interface@6.2"],
    ]);
    expect(byPurl(result, "pkg:pypi/certifi@2024.2.2").hashes).toEqual([
      { alg: "SHA-256", content: "0569859f95fc761b18b45ef421b1290a0f65f147e92a1e5eb3e635f9a5e4e66f" },
      { alg: "SHA-256", content: "dc383c07b76109f368f6106eee2b593b04a011ea4d55f652c6ca24a754d1cdd1" },
    ]);
    expect(byPurl(result, "pkg:pypi/requests@2.31.0").dependsOn.sort()).toEqual([
      "pkg:pypi/certifi@2024.2.2",
      "pkg:pypi/charset-normalizer@3.3.2",
      "pkg:pypi/idna@3.6",
      "pkg:pypi/pysocks@1.7.1",
      "pkg:pypi/urllib3@2.2.1",
    ]);
    expect(byPurl(result, "pkg:pypi/anyio@4.3.0").dependsOn.sort()).toEqual(["pkg:pypi/idna@3.6", "pkg:pypi/sniffio@1.3.1"]);
    expect(byPurl(result, "pkg:pypi/stripe@8.5.0").dependsOn).toEqual(["pkg:pypi/requests@2.31.0"]);
    for (const c of result.components) {
      expect(c.scope).toBe("required");
      expect(c.source).toBe("python/compiled/requirements.txt");
      expect(c.hashes.length).toBeGreaterThan(0);
    }
  });

  it("follows -r and -c includes beside the file, keeps URL and VCS requirements, warns on unpinned lines", () => {
    const result = readFixture(pythonReader, "python/app/requirements.txt");
    expect(result.components.map((c) => `${c.purl} ${c.source}`)).toEqual([
      "pkg:pypi/markupsafe@2.1.5 python/app/requirements/common.txt",
      "pkg:pypi/werkzeug@3.0.1 python/app/requirements/base.txt",
      "pkg:pypi/click@8.1.7 python/app/requirements/base.txt",
      "pkg:pypi/blinker@1.7.0 python/app/requirements/base.txt",
      "pkg:pypi/flask@3.0.2 python/app/requirements.txt",
      "pkg:pypi/gunicorn@21.2.0 python/app/requirements.txt",
      "pkg:pypi/sqlalchemy@2.0.27 python/app/requirements.txt",
      "pkg:pypi/jinja2@3.1.3 python/app/requirements.txt",
      "pkg:pypi/redis@5.0.1 python/app/requirements.txt",
      "pkg:pypi/itsdangerous@2.1.2 python/app/requirements.txt",
      "pkg:pypi/ledger-client python/app/requirements.txt",
      "pkg:pypi/payments-sdk@2.4.1 python/app/requirements.txt",
      "pkg:pypi/fraud-rules@0.9.0 python/app/requirements.txt",
    ]);
    const redis = byPurl(result, "pkg:pypi/redis@5.0.1");
    expect(redis.hashes).toEqual([{ alg: "SHA-256", content: "0dab495cd5753069d3bc650a0dde8a8f9edde16fc5691b689a566eda58100d0f" }]);
    const ledger = byPurl(result, "pkg:pypi/ledger-client");
    expect(ledger.version).toBe("");
    expect(ledger.resolved).toBe("git+https://github.com/acme/ledger-client.git@4f1c9a7e3b2d8c6f5a4e3d2c1b0a9f8e7d6c5b4a#egg=ledger-client");
    expect(byPurl(result, "pkg:pypi/payments-sdk@2.4.1").resolved).toBe("https://files.example.com/simple/payments_sdk-2.4.1-py3-none-any.whl");
    expect(byPurl(result, "pkg:pypi/flask@3.0.2").dependsOn).toEqual(["pkg:pypi/itsdangerous@2.1.2"]);
    expect(byPurl(result, "pkg:pypi/sqlalchemy@2.0.27").name).toBe("SQLAlchemy");
    expect(result.warnings).toEqual([
      "python/app/requirements.txt:28: requirements file ../shared/requirements.txt is outside the directory or remote; not read",
      "python/app/requirements.txt:29: requirements file https://example.com/requirements.txt is outside the directory or remote; not read",
      "python/app/requirements.txt:21: ./vendor/hsm-bridge names no package (add #egg=<name>); left out",
      "python/app/requirements.txt:24: boto3 >=1.34 is not pinned to one version (use ==); left out",
      "python/app/requirements.txt:25: structlog is not pinned to one version (use ==); left out",
    ]);
  });

  it("marks requirements of a dev file dev, and keeps included runtime ones required", () => {
    const result = readFixture(pythonReader, "python/app/requirements-dev.txt");
    expect(byPurl(result, "pkg:pypi/pytest@8.0.2").scope).toBe("dev");
    expect(byPurl(result, "pkg:pypi/pytest-cov@4.1.0").hashes).toEqual([
      { alg: "SHA-256", content: "3904b13dfbfec47f003b8e77fd5b589cd11904a21ddf1ab38a64f204d6a10ef6" },
    ]);
    expect(byPurl(result, "pkg:pypi/flask@3.0.2").scope).toBe("required");
    expect(byPurl(result, "pkg:pypi/werkzeug@3.0.1").scope).toBe("required");
    expect(result.components).toHaveLength(15);
  });

  it("normalizes names per PEP 503 in the purl and keeps the spelling in the name", () => {
    const result = readText(pythonReader, "Zope.Interface==6.2\nruamel.yaml.clib==0.2.8\nfoo__bar==1\n", "requirements.txt");
    expect(result.components.map((c) => [c.name, c.purl])).toEqual([
      ["Zope.Interface", "pkg:pypi/zope-interface@6.2"],
      ["ruamel.yaml.clib", "pkg:pypi/ruamel-yaml-clib@0.2.8"],
      ["foo__bar", "pkg:pypi/foo-bar@1"],
    ]);
  });

  it("treats wildcards and ranges as unpinned and a trailing backslash at the end as the end", () => {
    const result = readText(pythonReader, "django==4.2.*\nnumpy==1.26.4,<2\nrich==13.7.0 \\\n", "requirements.txt");
    expect(result.components.map((c) => c.purl)).toEqual(["pkg:pypi/numpy@1.26.4", "pkg:pypi/rich@13.7.0"]);
    expect(result.warnings).toEqual(["requirements.txt:1: django ==4.2.* is not pinned to one version (use ==); left out"]);
  });

  it("warns on unknown options and malformed hashes", () => {
    const result = readText(pythonReader, "--frobnicate yes\nsix==1.16.0 --hash=sha256:nothex\n", "requirements.txt");
    expect(result.warnings).toEqual([
      "requirements.txt:1: unknown option --frobnicate ignored",
      "requirements.txt:2: --hash sha256:nothex is not a known digest; ignored",
    ]);
    expect(byPurl(result, "pkg:pypi/six@1.16.0").hashes).toEqual([]);
  });

  it("throws a LockfileError naming the file and line of an invalid requirement", () => {
    expect(() => readText(pythonReader, "flask==3.0.2\n\n==1.0\n", "svc/requirements.txt")).toThrow(LockfileError);
    expect(() => readText(pythonReader, "flask==3.0.2\n\n==1.0\n", "svc/requirements.txt")).toThrow(/^svc\/requirements\.txt:3: /);
    expect(() => readText(pythonReader, "flask=>3\n", "requirements.txt")).toThrow(/requirements\.txt:1: "flask=>3" has an invalid version specifier/);
    expect(() => readText(pythonReader, "\u0000\u0001binary\n", "requirements.txt")).toThrow(LockfileError);
  });

  it("reports an error in an included file at that file's line", () => {
    expect(() => readText(pythonReader, "-r base.txt\n", "requirements.txt", { "base.txt": "ok==1\nnot a requirement!\n" })).toThrow(/^base\.txt:2: /);
  });

  it("does not read includes outside the directory, and survives include cycles", () => {
    const seen: string[] = [];
    const result = pythonReader.read("-r ../../etc/passwd\n-r /etc/passwd\n-r a.txt\n", "requirements.txt", {
      sibling: (name) => {
        seen.push(name);
        return name === "a.txt" ? "-r requirements.txt\n-r a.txt\nsix==1.16.0\n" : name === "requirements.txt" ? "-r a.txt\n" : undefined;
      },
    });
    expect(seen).toEqual(["a.txt"]);
    expect(result.components.map((c) => c.purl)).toEqual(["pkg:pypi/six@1.16.0"]);
  });

  it("reads a large file in linear time and hostile names as data", () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`pkg${i}==1.0.${i} --hash=sha256:${"a".repeat(64)}`);
    lines.push("constructor==2.0", "hasOwnProperty==1.0", "toString==3");
    const started = Date.now();
    const result = readText(pythonReader, lines.join("\n"), "requirements.txt");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.components).toHaveLength(100_003);
    expect(() => readText(pythonReader, "__proto__==1.0\n", "requirements.txt")).toThrow(/requirements\.txt:1: "__proto__==1\.0" is not a requirement/);
    expect(({} as Record<string, unknown>).version).toBeUndefined();
  });

  it("handles a huge single line and many continuation lines without blowing up", () => {
    const long = `six==1.16.0 ${"--hash=sha256:".concat("b".repeat(64), " ").repeat(20_000)}`;
    const result = readText(pythonReader, long, "requirements.txt");
    expect(byPurl(result, "pkg:pypi/six@1.16.0").hashes).toHaveLength(1);
    const continued = `six==1.16.0 \\\n${"  --hash=sha256:" + "c".repeat(64) + " \\\n".repeat(1)}`.repeat(1) + "  --hash=sha256:" + "d".repeat(64) + "\n";
    expect(readText(pythonReader, continued, "requirements.txt").components[0]?.hashes).toHaveLength(2);
    expect(() => readText(pythonReader, `${"a".repeat(200_000)}==1 ; ${"(".repeat(100_000)}\n`, "requirements.txt")).not.toThrow();
  });
});
