import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { goReader } from "../../src/readers/go.js";
import { byPurl, readFixture, readText } from "./read-fixture.js";

describe("go.mod + go.sum reader", () => {
  it("reads requires (direct and indirect), applies replace directives, keeps h1: hashes from go.sum", () => {
    const result = readFixture(goReader, "go/service/go.mod");
    expect(result.components.map((c) => c.purl)).toEqual([
      "pkg:golang/github.com/acme-forks/internal-risk@v1.2.1-0.20240301120000-abcdef123456",
      "pkg:golang/github.com/acme/ledger@v0.4.2",
      "pkg:golang/github.com/gin-gonic/gin@v1.9.1",
      "pkg:golang/github.com/google/uuid@v1.6.0",
      "pkg:golang/github.com/jackc/pgx/v5@v5.5.5",
      "pkg:golang/github.com/stripe/stripe-go/v76@v76.21.0",
      "pkg:golang/go.uber.org/zap@v1.27.0",
      "pkg:golang/golang.org/x/crypto@v0.21.0",
      "pkg:golang/google.golang.org/grpc@v1.62.1",
      "pkg:golang/github.com/bytedance/sonic@v1.11.3",
      "pkg:golang/github.com/docker/docker@v24.0.9+incompatible",
      "pkg:golang/github.com/gabriel-vasile/mimetype@v1.4.3",
      "pkg:golang/github.com/golang/protobuf@v1.5.4",
      "pkg:golang/github.com/jackc/pgpassfile@v1.0.0",
      "pkg:golang/github.com/jackc/pgservicefile@v0.0.0-20231201235250-de7065d80cb9",
      "pkg:golang/github.com/pelletier/go-toml/v2@v2.2.0",
      "pkg:golang/go.uber.org/multierr@v1.11.0",
      "pkg:golang/golang.org/x/net@v0.23.0",
      "pkg:golang/golang.org/x/sys@v0.18.0",
      "pkg:golang/golang.org/x/text@v0.14.0",
      "pkg:golang/gopkg.in/yaml.v3@v3.0.1",
    ]);
    const gin = byPurl(result, "pkg:golang/github.com/gin-gonic/gin@v1.9.1");
    expect(gin).toEqual({
      ecosystem: "golang",
      namespace: "github.com/gin-gonic",
      name: "gin",
      version: "v1.9.1",
      purl: "pkg:golang/github.com/gin-gonic/gin@v1.9.1",
      hashes: [],
      otherHashes: [{ alg: "h1", value: "h1:VMq9GHEKKZ01+YtN49+2EriKDIlN+b5Hu80C1lqquXY=" }],
      scope: "required",
      source: "go/service/go.mod",
      dependsOn: [],
    });
    const ledger = byPurl(result, "pkg:golang/github.com/acme/ledger@v0.4.2");
    expect(ledger.resolved).toBe("../ledger");
    expect(ledger.otherHashes).toBeUndefined();
    expect(byPurl(result, "pkg:golang/golang.org/x/net@v0.23.0").otherHashes).toHaveLength(1);
    expect(byPurl(result, "pkg:golang/gopkg.in/yaml.v3@v3.0.1")).toMatchObject({ namespace: "gopkg.in", name: "yaml.v3" });
    expect(byPurl(result, "pkg:golang/github.com/jackc/pgx/v5@v5.5.5")).toMatchObject({ namespace: "github.com/jackc/pgx", name: "v5" });
    expect(result.root).toEqual({
      name: "github.com/acme/payments-gateway",
      purl: "pkg:golang/github.com/acme/payments-gateway",
      dependsOn: result.components.slice(0, 9).map((c) => c.purl),
    });
    expect(result.warnings).toEqual(["go/service/go.mod:21: github.com/docker/docker v24.0.9+incompatible has no h1: hash in go.sum"]);
    expect(result.components.filter((c) => !c.otherHashes).map((c) => c.name)).toEqual(["ledger", "docker"]);
  });

  it("reads a pre-1.17 go.mod without go.sum: quoted paths, single-line requires", () => {
    const result = readFixture(goReader, "go/legacy/go.mod");
    expect(result.components.map((c) => c.purl)).toEqual([
      "pkg:golang/github.com/sirupsen/logrus@v1.8.1",
      "pkg:golang/github.com/aws/aws-sdk-go@v1.44.0",
      "pkg:golang/github.com/lib/pq@v1.10.9",
    ]);
    expect(result.root?.name).toBe("github.com/acme/settlement-batch");
    expect(result.root?.dependsOn).toHaveLength(3);
    expect(result.warnings).toEqual([
      "go/legacy/go.mod: no go.sum beside it; modules have no hashes",
      "go/legacy/go.mod: go 1.16 predates module graph pruning (1.17); indirect modules may be missing from go.mod",
    ]);
  });

  it("throws on truncated or malformed go.mod and go.sum with the line", () => {
    expect(() => readText(goReader, "module example.com/a\n\nrequire (\n\tgithub.com/x/y v1.0.0\n", "go.mod")).toThrow(/^go\.mod:3: require block opened here is never closed/);
    expect(() => readText(goReader, "module example.com/a\nrequire github.com/x/y master\n", "go.mod")).toThrow(/^go\.mod:2: "master" is not a module version/);
    expect(() => readText(goReader, "module example.com/a\nrequire github.com/x/y\n", "go.mod")).toThrow(/^go\.mod:2: require takes a module path and a version/);
    expect(() => readText(goReader, "go 1.22\n", "go.mod")).toThrow(/^go\.mod:1: no module directive/);
    expect(() => readText(goReader, 'module "example.com/a\n', "go.mod")).toThrow(/^go\.mod:1: unterminated quoted string/);
    expect(() => readText(goReader, "module example.com/a\nreplace a.b/c => a.b/d\n", "go.mod")).toThrow(/^go\.mod:2: replacement a\.b\/d needs a version/);
    expect(() =>
      readText(goReader, "module example.com/a\nrequire github.com/x/y v1.0.0\n", "svc/go.mod", { "go.sum": "github.com/x/y v1.0.0 h1:abc=\ngarbage\n" }),
    ).toThrow(/^svc\/go\.sum:2: expected `module version hash`/);
    expect(() => readText(goReader, "module example.com/a\nfrobnicate (\n)\n", "go.mod")).toThrow(LockfileError);
  });

  it("ignores unknown single-line directives with a warning and newer ones silently", () => {
    const result = readText(goReader, "module example.com/a\ngo 1.24\ntool golang.org/x/tools/cmd/stringer\ngodebug default=go1.21\nfrobnicate x\n", "go.mod");
    expect(result.warnings).toEqual(['go.mod:5: unknown directive "frobnicate" ignored']);
    expect(result.components).toEqual([]);
  });

  it("reads a 100,000-module go.mod in linear time", () => {
    const lines = ["module example.com/big", "", "require ("];
    const sums: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      lines.push(`\texample.com/m${i} v1.0.${i} // indirect`);
      sums.push(`example.com/m${i} v1.0.${i} h1:${"A".repeat(43)}=`);
    }
    lines.push(")");
    for (let i = 0; i < 100_000; i++) lines.push(`replace example.com/r${i} => example.com/s${i} v1.0.0`);
    const started = Date.now();
    const result = readText(goReader, lines.join("\n"), "go.mod", { "go.sum": sums.join("\n") });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.components).toHaveLength(100_000);
    expect(result.root?.dependsOn).toEqual([]);
  });
});
