import { describe, expect, it } from "vitest";
import { apkComponents } from "../../src/image/apk.js";
import { dpkgComponents, parseDpkgStatus } from "../../src/image/dpkg.js";
import { normalizeEntryPath, resolveLinkTarget, whiteoutOf } from "../../src/image/entry-path.js";
import { FileSelector } from "../../src/image/file-selector.js";
import { linkNodePackages, readNodePackage, type InstalledPackage } from "../../src/image/node-modules.js";
import { parseOsRelease } from "../../src/image/os-release.js";
import { linkPythonDistributions, readPythonMetadata, type InstalledDistribution } from "../../src/image/python-metadata.js";

const debian12 = parseOsRelease('ID=debian\nVERSION_ID="12"\n');
const alpine = parseOsRelease("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n");

describe("dpkg", () => {
  it("lists installed packages only, with distro, arch, upstream and edges through alternatives and Provides", () => {
    const status = [
      "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9\nProvides: libc6-any\n",
      "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\nPre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)\nDepends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1) | nothing\n",
      "Package: debianutils\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.7-0.5\nDepends: libc6-any\n",
      "Package: gone\nStatus: purge ok not-installed\nVersion: 1\n",
      "Package: half\nStatus: install reinstreq half-installed\nVersion: 1\n",
    ].join("\n");
    const components = dpkgComponents(parseDpkgStatus(status, "var/lib/dpkg/status"), debian12);
    expect(components.map((c) => c.purl)).toEqual([
      "pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12&upstream=glibc",
      "pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64&distro=debian-12",
      "pkg:deb/debian/debianutils@5.7-0.5?arch=amd64&distro=debian-12",
    ]);
    expect(components[1]?.dependsOn).toEqual([components[2]!.purl, components[0]!.purl].sort());
    expect(components[2]?.dependsOn).toEqual([components[0]!.purl]);
  });

  it("reads distroless status.d entries, which carry no Status", () => {
    const packages = parseDpkgStatus("Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n", "var/lib/dpkg/status.d/tzdata");
    expect(dpkgComponents(packages, undefined).map((c) => c.purl)).toEqual(["pkg:deb/debian/tzdata@2024a-0+deb12u1?arch=all"]);
  });

  it("keeps epochs and names the vendor after a Debian derivative", () => {
    const ubuntu = parseOsRelease("ID=ubuntu\nID_LIKE=debian\nVERSION_ID=22.04\n");
    const [c] = dpkgComponents(parseDpkgStatus("Package: perl\nStatus: install ok installed\nVersion: 1:5.34.0-3\nArchitecture: amd64\n", "s"), ubuntu);
    expect(c?.purl).toBe("pkg:deb/ubuntu/perl@1:5.34.0-3?arch=amd64&distro=ubuntu-22.04");
  });
});

describe("apk", () => {
  it("lists packages with licenses (several ids meaning all apply), origin and so: edges", () => {
    const db = "P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nL:MIT\no:musl\np:so:libc.musl-x86_64.so.1=1\n\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\nL:Apache-2.0\no:openssl\nD:so:libc.musl-x86_64.so.1\n\nP:scanelf\nV:1.3.7-r2\nA:x86_64\nL:GPL-2.0-only MIT\nD:!conflict musl>=1.2\n";
    const components = apkComponents(db, "lib/apk/db/installed", alpine);
    expect(components.map((c) => [c.purl, c.license, c.dependsOn])).toEqual([
      ["pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1", "MIT", []],
      ["pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1&upstream=openssl", "Apache-2.0", ["pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1"]],
      ["pkg:apk/alpine/scanelf@1.3.7-r2?arch=x86_64&distro=alpine-3.19.1", "GPL-2.0-only AND MIT", ["pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1"]],
    ]);
  });

  it("names the vendor after Wolfi and leaves the distro out on a non-apk distribution", () => {
    const wolfi = parseOsRelease("ID=wolfi\nVERSION_ID=20230201\n");
    expect(apkComponents("P:glibc\nV:2.39-r1\nA:aarch64\n", "f", wolfi)[0]?.purl).toBe("pkg:apk/wolfi/glibc@2.39-r1?arch=aarch64&distro=wolfi-20230201");
    expect(apkComponents("P:musl\nV:1\n", "f", debian12)[0]?.purl).toBe("pkg:apk/alpine/musl@1");
  });
});

describe("os-release", () => {
  it("reads quoted values and comments", () => {
    expect(parseOsRelease("# c\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID='debian'\nVERSION_CODENAME=bookworm\n")).toEqual({ id: "debian", idLike: [], versionCodename: "bookworm", prettyName: "Debian GNU/Linux 12 (bookworm)" });
    expect(parseOsRelease("NAME=x\n")).toBeUndefined();
  });
});

describe("npm packages in node_modules", () => {
  it("reads name, version, licenses in each historical form, and resolves dependencies as Node would", () => {
    const files: Array<[string, unknown]> = [
      ["app/node_modules/express/package.json", { name: "express", version: "4.19.2", license: "MIT", dependencies: { debug: "2.6.9", "@types/x": "*" } }],
      ["app/node_modules/express/node_modules/debug/package.json", { name: "debug", version: "2.6.9", license: { type: "MIT" } }],
      ["app/node_modules/debug/package.json", { name: "debug", version: "4.3.4", licenses: [{ type: "MIT" }, { type: "Apache-2.0" }] }],
      ["app/node_modules/@types/x/package.json", { name: "@types/x", version: "1.0.0", license: "mit", dependencies: { debug: "^4" } }],
    ];
    const packages = files.map(([file, json]) => readNodePackage(JSON.stringify(json), file)).filter((p): p is InstalledPackage => !("skipped" in p));
    linkNodePackages(packages);
    expect(packages.map((p) => [p.component.purl, p.component.license, p.component.dependsOn])).toEqual([
      ["pkg:npm/express@4.19.2", "MIT", ["pkg:npm/%40types/x@1.0.0", "pkg:npm/debug@2.6.9"]],
      ["pkg:npm/debug@2.6.9", "MIT", []],
      ["pkg:npm/debug@4.3.4", "MIT OR Apache-2.0", []],
      ["pkg:npm/%40types/x@1.0.0", "MIT", ["pkg:npm/debug@4.3.4"]],
    ]);
    expect(packages[3]?.component).toMatchObject({ namespace: "types", name: "x" });
  });

  it("skips package.json files that do not name a package", () => {
    expect(readNodePackage('{"type":"module"}', "a/node_modules/x/package.json")).toEqual({ skipped: "/a/node_modules/x/package.json: no name and version; skipped" });
    expect(readNodePackage("{", "a/node_modules/x/package.json")).toMatchObject({ skipped: expect.stringMatching(/not valid JSON/) });
  });
});

describe("Python distributions", () => {
  it("reads METADATA: normalized name, License-Expression over License, license texts ignored, Requires-Dist edges beside it", () => {
    const site = "usr/lib/python3/site-packages";
    const dists = [
      [`${site}/Flask-3.0.0.dist-info/METADATA`, "Metadata-Version: 2.1\nName: Flask\nVersion: 3.0.0\nLicense: BSD-3-Clause\nRequires-Dist: Werkzeug>=3.0.0\nRequires-Dist: asgiref>=3.2; extra == \"async\"\n\nbody\nLicense: not a header\n"],
      [`${site}/werkzeug-3.0.1.dist-info/METADATA`, "Metadata-Version: 2.4\nName: werkzeug\nVersion: 3.0.1\nLicense-Expression: BSD-3-Clause\nLicense: Copyright (c) 2007 Pallets\n        |\n        | Redistribution and use in source and binary forms...\n"],
      [`${site}/asgiref-3.7.2.dist-info/METADATA`, "Name: asgiref\nVersion: 3.7.2\nLicense: UNKNOWN\n"],
      [`${site}/legacy.egg-info/PKG-INFO`, "Name: Zope.Interface\nVersion: 6.1\nLicense: Copyright (c) Zope Foundation\n        | and Contributors\n"],
    ] as const;
    const read = dists.map(([file, text]) => readPythonMetadata(text, file)).filter((d): d is InstalledDistribution => !("skipped" in d));
    linkPythonDistributions(read);
    expect(read.map((d) => [d.component.purl, d.component.license, d.component.dependsOn])).toEqual([
      ["pkg:pypi/flask@3.0.0", "BSD-3-Clause", ["pkg:pypi/werkzeug@3.0.1"]],
      ["pkg:pypi/werkzeug@3.0.1", "BSD-3-Clause", []],
      ["pkg:pypi/asgiref@3.7.2", undefined, []],
      ["pkg:pypi/zope-interface@6.1", undefined, []],
    ]);
  });
});

describe("paths", () => {
  it("normalizes tar names into the virtual root", () => {
    expect(normalizeEntryPath("./usr//bin/./x")).toEqual({ path: "usr/bin/x", escaped: false });
    expect(normalizeEntryPath("/etc/passwd")).toEqual({ path: "etc/passwd", escaped: false });
    expect(normalizeEntryPath("a/../../../etc/shadow")).toEqual({ path: "etc/shadow", escaped: true });
    expect(resolveLinkTarget("etc/os-release", "../usr/lib/os-release")).toBe("usr/lib/os-release");
    expect(resolveLinkTarget("a/b/link", "/../../x")).toBe("x");
  });

  it("classifies whiteouts", () => {
    expect(whiteoutOf("a/b/.wh..wh..opq")).toEqual({ kind: "opaque", dir: "a/b" });
    expect(whiteoutOf("a/.wh.b")).toEqual({ kind: "file", path: "a/b" });
    expect(whiteoutOf(".wh.top")).toEqual({ kind: "file", path: "top" });
    expect(whiteoutOf("a/.wh.")).toBeUndefined();
    expect(whiteoutOf("a/b.wh.c")).toBeUndefined();
  });

  it("selects only the files the catalog reads", () => {
    const selector = new FileSelector({ isLockfile: (n) => n === "package-lock.json", siblingNames: new Set(["package.json"]) });
    expect(selector.kindOf("var/lib/dpkg/status.d/tzdata")).toBe("dpkg-status");
    expect(selector.kindOf("var/lib/dpkg/status.d/tzdata.md5sums")).toBeUndefined();
    expect(selector.kindOf("x/node_modules/@s/n/package.json")).toBe("npm-package");
    expect(selector.kindOf("x/node_modules/n/lib/package.json")).toBeUndefined();
    expect(selector.kindOf("x/node_modules/.pnpm/package.json")).toBeUndefined();
    expect(selector.kindOf("app/package-lock.json")).toBe("lockfile");
    expect(selector.kindOf("app/node_modules/x/package-lock.json")).toBeUndefined();
    expect(selector.kindOf("app/package.json")).toBe("lockfile-sibling");
    expect(selector.kindOf("usr/share/doc/README")).toBeUndefined();
  });
});
