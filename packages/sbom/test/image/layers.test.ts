import { describe, expect, it } from "vitest";
import { pkg, sbomOf } from "./image-fixture.js";

describe("layers applied in order", () => {
  it("deletes a file whited out in a later layer, and keeps the rest", async () => {
    const { purls } = await sbomOf([
      { "app/node_modules/a/package.json": pkg("a"), "app/node_modules/b/package.json": pkg("b") },
      { "app/node_modules/.wh.b": "" },
    ]);
    expect(purls).toEqual(["pkg:npm/a@1.0.0"]);
  });

  it("whites out a whole directory and a single file", async () => {
    const { purls } = await sbomOf([
      { "srv/node_modules/x/package.json": pkg("x"), "srv/node_modules/y/package.json": pkg("y"), "srv/node_modules/z/package.json": pkg("z") },
      { "srv/node_modules/x": { whiteout: true }, "srv/node_modules/y/package.json": { whiteout: true } },
    ]);
    expect(purls).toEqual(["pkg:npm/z@1.0.0"]);
  });

  it("an opaque directory hides what lower layers had there, not what its own layer adds, wherever the marker is in the tar", async () => {
    const { purls } = await sbomOf([
      { "opt/node_modules/old/package.json": pkg("old"), "opt/keep/node_modules/k/package.json": pkg("k") },
      { "opt/node_modules/new/package.json": pkg("new"), "opt/node_modules": { opaque: true } },
    ]);
    expect(purls).toEqual(["pkg:npm/k@1.0.0", "pkg:npm/new@1.0.0"]);
  });

  it("a whiteout does not delete a file its own layer adds", async () => {
    const { purls } = await sbomOf([
      { "app/node_modules/a/package.json": pkg("a", "1.0.0") },
      { "app/node_modules/a/package.json": pkg("a", "2.0.0"), "app/node_modules/.wh.a": "" },
    ]);
    expect(purls).toEqual(["pkg:npm/a@2.0.0"]);
  });

  it("a later layer replaces a file, and a file replacing a directory hides the directory's contents", async () => {
    const { purls } = await sbomOf([
      { "app/node_modules/a/package.json": pkg("a", "1.0.0"), "usr/lib/node_modules/tool/package.json": pkg("tool") },
      { "app/node_modules/a/package.json": pkg("a", "1.1.0"), "usr/lib/node_modules/tool": { symlink: "/opt/tool" } },
    ]);
    expect(purls).toEqual(["pkg:npm/a@1.1.0"]);
  });

  it("follows symlinked os-release and hard-linked package files", async () => {
    const { purls, distro } = await sbomOf([
      {
        "usr/lib/os-release": 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n',
        "etc/os-release": { symlink: "../usr/lib/os-release" },
        "var/lib/dpkg/status": "Package: bash\nStatus: install ok installed\nArchitecture: arm64\nVersion: 5.2.21-2ubuntu4\n",
        "app/node_modules/a/package.json": pkg("a"),
        "app2/node_modules/a/package.json": { hardlink: "app/node_modules/a/package.json" },
      },
    ]);
    expect(distro).toMatchObject({ id: "ubuntu", versionId: "24.04" });
    expect(purls).toEqual(["pkg:deb/ubuntu/bash@5.2.21-2ubuntu4?arch=arm64&distro=ubuntu-24.04", "pkg:npm/a@1.0.0"]);
  });

  it("lists a package found in several places once, with every source", async () => {
    const { components } = await sbomOf([{ "a/node_modules/x/package.json": pkg("x"), "b/node_modules/x/package.json": pkg("x") }]);
    expect(components).toHaveLength(1);
    expect(components[0]?.sources).toEqual(["a/node_modules/x/package.json", "b/node_modules/x/package.json"]);
  });

  it("reads uncompressed layers and Docker media types", async () => {
    expect((await sbomOf([{ "n/node_modules/x/package.json": pkg("x") }], { uncompressed: true })).purls).toEqual(["pkg:npm/x@1.0.0"]);
    expect((await sbomOf([{ "n/node_modules/x/package.json": pkg("x") }], { docker: true })).purls).toEqual(["pkg:npm/x@1.0.0"]);
  });
});
