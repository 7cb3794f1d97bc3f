import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFileArtifact, digestOf, MediaType, OciError, OciLayout, pullFileArtifact, pushFileArtifact, TITLE_ANNOTATION } from "@peptide/oci";

describe("file artifacts", () => {
  it("lays files out as an OCI 1.1 artifact (empty config, artifactType, titled layers) and reads them back", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-artifact-"));
    await writeFile(path.join(dir, "app.tgz"), "tarball");
    const artifact = await buildFileArtifact([path.join(dir, "app.tgz")]);
    const manifest = JSON.parse(artifact.manifest.toString("utf8"));
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: "application/vnd.peptide.release.v1",
      config: { mediaType: MediaType.ociEmpty, digest: digestOf("{}"), size: 2 },
      layers: [{ mediaType: "application/gzip", digest: digestOf("tarball"), size: 7, annotations: { [TITLE_ANNOTATION]: "app.tgz" } }],
    });
    const layout = await OciLayout.create(path.join(dir, "layout"));
    const pushed = await pushFileArtifact(layout, artifact, "v1");
    expect((await layout.resolve("v1")).digest).toBe(pushed.digest);
    const written = await pullFileArtifact(layout, pushed.digest, path.join(dir, "out"));
    expect(written.map((w) => w.name)).toEqual(["app.tgz"]);
    expect(await readFile(path.join(dir, "out/app.tgz"), "utf8")).toBe("tarball");
    // A directory where the file goes: one coded line, no partial file left.
    await mkdir(path.join(dir, "blocked/app.tgz"), { recursive: true });
    const blocked = await pullFileArtifact(layout, pushed.digest, path.join(dir, "blocked")).catch((e: unknown) => e as OciError);
    expect(blocked).toBeInstanceOf(OciError);
    expect((blocked as OciError).message).toMatch(/app\.tgz: cannot be written \(EISDIR\)/);
    expect(await readdir(path.join(dir, "blocked"))).toEqual(["app.tgz"]);
  });

  it("refuses a layer title that would leave the output directory, and writes nothing", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-artifact-"));
    const layout = await OciLayout.create(path.join(dir, "layout"));
    const content = Buffer.from("evil");
    await layout.putBlob({ digest: digestOf("{}"), size: 2 }, Buffer.from("{}"));
    await layout.putBlob({ digest: digestOf(content), size: content.length }, content);
    for (const title of ["../escape.sh", "/etc/cron.d/x", "..", ".", "a/b", "a\\b", "", " ", "x\ny", "\u001b[2Kx", "nul\u0000"]) {
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociManifest,
          artifactType: "application/vnd.peptide.release.v1",
          config: { mediaType: MediaType.ociEmpty, digest: digestOf("{}"), size: 2 },
          layers: [{ mediaType: "application/octet-stream", digest: digestOf(content), size: content.length, annotations: { [TITLE_ANNOTATION]: title } }],
        }),
      );
      const stored = await layout.putManifest(manifest, MediaType.ociManifest);
      const out = path.join(dir, "out", "inner");
      await expect(pullFileArtifact(layout, stored.digest, out)).rejects.toThrow(/not a plain file name; nothing was written/);
      expect(await readdir(path.join(dir, "out")).catch(() => [])).toEqual([]);
    }
  });
});
