import { open } from "node:fs/promises";
import path from "node:path";
import type { ResourceDescriptor } from "../types.js";
import { sha256File } from "../subjects/digest.js";

const CYCLONEDX_JSON = "application/vnd.cyclonedx+json";
const SPDX_JSON = "application/spdx+json";

/**
 * The SBOM made for the subjects, as the provenance records it (a byproduct): its file name,
 * sha256 and media type, which is sniffed from the first KiB (`bomFormat` → CycloneDX,
 * `spdxVersion` → SPDX) unless given.
 */
export async function sbomDescriptor(file: string, mediaType?: string): Promise<ResourceDescriptor> {
  const sha256 = await sha256File(file);
  return { name: path.basename(file), digest: { sha256 }, mediaType: mediaType ?? (await sniff(file)) };
}

async function sniff(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead).toString("utf8");
    if (head.includes('"spdxVersion"')) return SPDX_JSON;
    if (head.includes('"bomFormat"')) return CYCLONEDX_JSON;
    return /\.spdx(\.json)?$/i.test(file) ? SPDX_JSON : CYCLONEDX_JSON;
  } finally {
    await handle.close();
  }
}
