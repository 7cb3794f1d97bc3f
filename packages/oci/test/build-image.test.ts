import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, mkdir, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildImageFromDirectory, digestOf, OciLayout, writeDirectoryImage } from "../src/index.js";

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-build-image-"));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

const LONG = `${"deep/".repeat(30)}file-with-a-name-longer-than-the-ustar-fields.js`;

describe("buildImageFromDirectory", () => {
  it("gives the same digest for the same files in two folders, another when one byte changes", async () => {
    const files = { "src/a.js": "a\n", "src/b.js": "b\n", "package.json": "{}\n" };
    const a = await buildImageFromDirectory(await tree(files), { include: ["src", "package.json"] });
    const b = await buildImageFromDirectory(await tree(files), { include: ["package.json", "src"] });
    expect(b.descriptor.digest).toBe(a.descriptor.digest);
    expect(a.descriptor.digest).toBe(digestOf(a.manifest));
    expect(a.layer.diffId).toBe(digestOf(gunzipSync(a.layer.bytes)));
    expect(a.files).toBe(3);
    const changed = await buildImageFromDirectory(await tree({ ...files, "src/b.js": "c\n" }), { include: ["src", "package.json"] });
    expect(changed.descriptor.digest).not.toBe(a.descriptor.digest);
  });

  it("writes a tar that GNU tar reads: sorted, root-owned, epoch times, modes kept, symlinks, PAX for long names", async () => {
    const dir = await tree({ "bin/run": "#!/bin/sh\n", "z.txt": "z", [LONG]: "long" });
    await chmod(path.join(dir, "bin/run"), 0o755);
    await symlink("z.txt", path.join(dir, "link"));
    const image = await buildImageFromDirectory(dir);
    const layer = path.join(dir, "..", `${path.basename(dir)}.tgz`);
    await writeFile(layer, image.layer.bytes);
    const listing = execFileSync("tar", ["-tvzf", layer, "--numeric-owner"], { encoding: "utf8" }).trim().split("\n");
    const names = listing.map((line) => line.split(/\s+/).slice(5).join(" "));
    expect(names[0]).toBe("app/");
    expect(names).toContain(`app/${LONG}`);
    expect(names).toContain("app/link -> z.txt");
    expect([...names].sort()).toEqual(names);
    expect(listing.find((l) => l.endsWith("app/bin/run"))).toMatch(/^-rwxr-xr-x 0\/0 +\d+ 1970-01-01 00:00 /);
    expect(listing.find((l) => l.endsWith("app/z.txt"))).toMatch(/^-rw-r--r-- 0\/0 +1 1970-01-01 00:00 /);
  });

  it("stores the image in a layout that reads it back by tag", async () => {
    const dir = await tree({ "a.txt": "a" });
    const image = await buildImageFromDirectory(dir, { config: { Cmd: ["cat", "a.txt"] } });
    const layout = await OciLayout.create(path.join(dir, "..", `${path.basename(dir)}-layout`));
    const stored = await writeDirectoryImage(layout, image, "v1");
    expect(stored.digest).toBe(image.descriptor.digest);
    expect((await layout.getManifest("v1")).descriptor.digest).toBe(image.descriptor.digest);
    const config = JSON.parse(image.config.bytes.toString("utf8"));
    expect(config.config).toMatchObject({ Cmd: ["cat", "a.txt"], WorkingDir: "/app" });
    expect(config.rootfs.diff_ids).toEqual([image.layer.diffId]);
  });
});
