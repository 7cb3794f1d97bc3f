/**
 * End to end: an OCI image built in the test (dpkg status, apk db, node_modules, a Python
 * dist-info, a package deleted by a whiteout in a later layer) is written to an OCI layout and
 * pushed to the loopback docker-registry; reading it from either lists exactly the packages
 * put in, and records the digest the reference resolved to.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import os from "node:os";
import path from "node:path";
import { PackageURL } from "packageurl-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OciLayout, openImage, RegistryClient, staticCredentials } from "@peptide/oci";
import { buildImage, buildIndex, startRegistry, writeImage, type BuiltImage, type FileTree, type LoopbackRegistry } from "@peptide/testkit";
import { imageToSbom, readImage, type ImageSbom } from "../packages/sbom/src/image/index.js";

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';

const DPKG_STATUS = `Package: base-files
Status: install ok installed
Priority: required
Architecture: amd64
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files

Package: libc6
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Depends: libgcc-s1
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: removed-long-ago
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
Description: only its configuration files are left, so it is not installed
`;

const APK_INSTALLED = `C:Q1rL1Nqo3PZq9HEJ1Eu+Y4lYl0yZo=
P:musl
V:1.2.4-r2
A:x86_64
S:383152
I:622592
T:the musl c library (libc) implementation
L:MIT
o:musl

C:Q1Ugf3XnHr9Zd0bg1T7oHYjYbHQ0Q=
P:busybox
V:1.36.1-r15
A:x86_64
L:GPL-2.0-only
o:busybox
D:so:libc.musl-x86_64.so.1
p:cmd:busybox=1.36.1-r15

`.replace("P:musl\n", "P:musl\np:so:libc.musl-x86_64.so.1=1\n");

const METADATA = `Metadata-Version: 2.4
Name: Requests
Version: 2.31.0
Summary: Python HTTP for Humans.
License-Expression: Apache-2.0
Requires-Dist: charset-normalizer<4,>=2
Requires-Dist: PySocks!=1.5.7,>=1.5.6; extra == "socks"

Requests is an elegant and simple HTTP library for Python.
`;

const BASE: FileTree = {
  "etc/": { dir: true },
  "etc/os-release": { symlink: "../usr/lib/os-release" },
  "usr/lib/os-release": OS_RELEASE,
  "var/lib/dpkg/status": DPKG_STATUS,
  "lib/apk/db/installed": APK_INSTALLED,
  "usr/bin/true": { content: "\x7fELF", mode: 0o755 },
};

const APP: FileTree = {
  "app/package.json": JSON.stringify({ name: "payments-api", version: "1.0.0", private: true, dependencies: { "left-pad": "^1.3.0" } }),
  "app/node_modules/left-pad/package.json": JSON.stringify({ name: "left-pad", version: "1.3.0", license: "WTFPL" }),
  "app/node_modules/left-pad/index.js": "module.exports = (s) => s;\n",
  "app/node_modules/@acme/leaked-debug-tool/package.json": JSON.stringify({ name: "@acme/leaked-debug-tool", version: "0.9.0", license: "MIT" }),
  "usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA": METADATA,
  "usr/local/lib/python3.11/site-packages/requests/__init__.py": "",
};

/** The later layer deletes the debug tool that layer 1 installed. */
const CLEANUP: FileTree = {
  "app/node_modules/@acme/leaked-debug-tool": { whiteout: true },
};

const EXPECTED = [
  "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64",
  "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64",
  "pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64&distro=debian-12",
  "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc",
  "pkg:npm/left-pad@1.3.0",
  "pkg:pypi/requests@2.31.0",
];

let registry: LoopbackRegistry;
let work: string;
let image: BuiltImage;
const client = new RegistryClient({ credentials: staticCredentials({}) });

beforeAll(async () => {
  registry = await startRegistry();
  work = await mkdtemp(path.join(os.tmpdir(), "peptide-sbom-image-"));
  image = await buildImage({ layers: [BASE, APP, CLEANUP] });
  await writeImage(await OciLayout.create(path.join(work, "layout")), image, "v1");
  await writeImage(client.repository(registry.host, "peptide/payments-api"), image, "v1");
});

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function purls(sbom: ImageSbom | undefined): string[] {
  return (sbom?.components ?? []).map((c) => c.purl).sort();
}

describe("sbom of a container image", () => {
  it("lists exactly the packages put in, from the OCI layout", async () => {
    const opened = await openImage(path.join(work, "layout"));
    const inspection = await readImage(opened.store, { name: opened.name });
    expect(inspection.digest).toBe(image.descriptor.digest);
    expect(inspection.images).toHaveLength(1);
    const [sbom] = inspection.images;
    expect(purls(sbom)).toEqual(EXPECTED);
    expect(sbom?.subject.digest).toBe(image.descriptor.digest);
    expect(sbom?.distro).toMatchObject({ id: "debian", versionId: "12" });
    expect(sbom?.platform).toEqual({ os: "linux", architecture: "amd64" });
    expect(sbom?.warnings).toEqual([]);
  });

  it("lists exactly the packages put in, from the registry by tag, and records the digest", async () => {
    const opened = await openImage(`${registry.host}/peptide/payments-api:v1`, { client });
    const inspection = await readImage(opened.store, { reference: opened.reference, name: opened.name });
    expect(inspection.reference).toBe("v1");
    expect(inspection.digest).toBe(image.descriptor.digest);
    const [sbom] = inspection.images;
    expect(purls(sbom)).toEqual(EXPECTED);
    expect(sbom?.subject).toMatchObject({ name: `${registry.host}/peptide/payments-api`, version: "v1", digest: image.descriptor.digest });
    const purl = PackageURL.fromString(sbom?.subject.purl ?? "");
    expect({ type: purl.type, name: purl.name, version: purl.version, qualifiers: purl.qualifiers }).toEqual({
      type: "oci",
      name: "payments-api",
      version: image.descriptor.digest,
      qualifiers: { arch: "amd64", repository_url: `${registry.host}/peptide/payments-api`, tag: "v1" },
    });
  });

  it("reads the same packages from the registry by digest", async () => {
    const opened = await openImage(`${registry.host}/peptide/payments-api@${image.descriptor.digest}`, { client });
    const inspection = await readImage(opened.store, { reference: opened.reference });
    expect(inspection.digest).toBe(image.descriptor.digest);
    expect(purls(inspection.images[0])).toEqual(EXPECTED);
  });

  it("keeps licenses, sources and edges", async () => {
    const opened = await openImage(path.join(work, "layout"));
    const [sbom] = (await readImage(opened.store)).images;
    const by = new Map((sbom?.components ?? []).map((c) => [c.name, c]));
    expect(by.get("left-pad")).toMatchObject({ license: "WTFPL", source: "app/node_modules/left-pad/package.json" });
    expect(by.get("requests")).toMatchObject({ license: "Apache-2.0", source: "usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA" });
    expect(by.get("musl")?.license).toBe("MIT");
    expect(by.get("busybox")?.dependsOn).toEqual(["pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64"]);
    expect(by.get("libc6")?.source).toBe("var/lib/dpkg/status");
    const document = imageToSbom(sbom!);
    expect(document.subject.digest).toBe(image.descriptor.digest);
    expect(document.rootDependsOn).not.toContain("pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64");
  });

  it("gives one SBOM per platform of a multi-platform index, or one combined", async () => {
    const arm = await buildImage({ layers: [BASE, { "app/node_modules/left-pad/package.json": JSON.stringify({ name: "left-pad", version: "1.3.0" }) }], platform: { os: "linux", architecture: "arm64", variant: "v8" } });
    const index = buildIndex([image, arm]);
    const store = client.repository(registry.host, "peptide/payments-api");
    await writeImage(store, index, "multi");
    const perPlatform = await readImage(store, { reference: "multi" });
    expect(perPlatform.digest).toBe(index.descriptor.digest);
    expect(perPlatform.images.map((i) => [i.platform?.architecture, i.subject.digest, i.indexDigest])).toEqual([
      ["amd64", image.descriptor.digest, index.descriptor.digest],
      ["arm64", arm.descriptor.digest, index.descriptor.digest],
    ]);
    expect(purls(perPlatform.images[1])).toContain("pkg:npm/left-pad@1.3.0");
    expect(purls(perPlatform.images[1])).not.toContain("pkg:pypi/requests@2.31.0");
    const combined = await readImage(store, { reference: "multi", combine: true });
    expect(combined.images).toHaveLength(1);
    expect(combined.images[0]?.subject.digest).toBe(index.descriptor.digest);
    expect(purls(combined.images[0])).toEqual(EXPECTED);
    const armOnly = await readImage(store, { reference: "multi", platform: "linux/arm64" });
    expect(armOnly.images.map((i) => i.subject.digest)).toEqual([arm.descriptor.digest]);
  });
});

describe("peptide sbom on a container image (the built CLI)", () => {
  const cli = fileURLToPath(new URL("../packages/cli/bin/peptide.js", import.meta.url));
  const run = promisify(execFile);

  it.each([
    ["the OCI layout", () => path.join(work, "layout")],
    ["the registry reference by tag", () => `${registry.host}/peptide/payments-api:v1`],
  ])("lists exactly the packages put in, from %s, naming the image digest", async (_what, target) => {
    const out = path.join(work, `cli-${Math.random().toString(36).slice(2)}.cdx.json`);
    const { stderr } = await run(process.execPath, [cli, "sbom", target(), "-o", out]);
    expect(stderr).toContain(image.descriptor.digest);
    const bom = JSON.parse(await readFile(out, "utf8"));
    expect(bom.components.map((c: { purl: string }) => c.purl).sort()).toEqual(EXPECTED);
    expect(JSON.stringify(bom.metadata.component)).toContain(image.descriptor.digest.slice("sha256:".length));
  });
});
