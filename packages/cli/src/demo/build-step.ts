/**
 * Demo step 3: the example service (src/, package.json, package-lock.json) built into an OCI
 * image in an OCI layout directory, by our own image writer (no container engine).
 */
import { cp, mkdir, writeFile, readFile } from "node:fs/promises";
import path from "node:path";
import { buildImageFromDirectory, OciLayout, writeDirectoryImage, type DirectoryImage, type Descriptor } from "@peptide/oci";

/** What goes into the image, relative to the service's folder. */
export const IMAGE_INPUTS = ["src", "package.json", "package-lock.json"] as const;

export interface BuiltServiceImage {
  layout: OciLayout;
  layoutDir: string;
  image: DirectoryImage;
  descriptor: Descriptor;
  tag: string;
}

export async function buildServiceImage(serviceDir: string, layoutDir: string, tag: string): Promise<BuiltServiceImage> {
  const image = await buildImageFromDirectory(serviceDir, {
    include: IMAGE_INPUTS,
    destination: "app",
    config: { Cmd: ["node", "src/server.js"], ExposedPorts: { "8080/tcp": {} }, User: "1000:1000", Labels: { "org.opencontainers.image.source": "https://github.com/acme-payments/payments-service" } },
    annotations: { "org.opencontainers.image.title": "payments-service" },
  });
  const layout = await OciLayout.create(layoutDir);
  const descriptor = await writeDirectoryImage(layout, image, tag);
  return { layout, layoutDir, image, descriptor: { ...descriptor, ...(image.descriptor.platform ? { platform: image.descriptor.platform } : {}) }, tag };
}

/**
 * A copy of the service with one source file changed, as a hotfix built on a laptop would be:
 * the same inputs, other bytes, so another digest.
 */
export async function modifiedCopy(serviceDir: string, into: string): Promise<{ dir: string; changed: string }> {
  await mkdir(into, { recursive: true });
  for (const input of IMAGE_INPUTS) await cp(path.join(serviceDir, input), path.join(into, input), { recursive: true });
  const changed = "src/payments.js";
  const file = path.join(into, changed);
  await writeFile(file, `${await readFile(file, "utf8")}\n// hotfix: skip the idempotency check for one merchant (built on a laptop)\n`);
  return { dir: into, changed };
}
