/**
 * The image as the subject of its SBOM: its name, the tag it was asked by, the digest it
 * resolved to, and its purl (`pkg:oci/<name>@<digest>?repository_url=…&arch=…&tag=…`).
 * https://github.com/package-url/purl-spec/blob/main/types-doc/oci-definition.md
 */
import { PackageURL } from "packageurl-js";
import type { Platform } from "@peptide/oci";
import type { Subject } from "../model.js";

export interface SubjectParts {
  /** `registry/repository`, or a layout's name. */
  name: string;
  digest: string;
  /** Set for registry images: the repository URL qualifier. */
  repositoryUrl?: string;
  tag?: string;
  platform?: Platform;
}

export function imageSubject(parts: SubjectParts): Subject {
  const subject: Subject = { name: parts.name, digest: parts.digest };
  if (parts.tag !== undefined) subject.version = parts.tag;
  const purl = ociPurl(parts);
  if (purl) subject.purl = purl;
  return subject;
}

function ociPurl(parts: SubjectParts): string | undefined {
  const last = parts.name.split("/").pop()?.toLowerCase() ?? "";
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(last)) return undefined;
  const qualifiers: Record<string, string> = {};
  if (parts.platform) qualifiers.arch = parts.platform.variant ? `${parts.platform.architecture}/${parts.platform.variant}` : parts.platform.architecture;
  if (parts.repositoryUrl) qualifiers.repository_url = parts.repositoryUrl;
  if (parts.tag) qualifiers.tag = parts.tag;
  try {
    return new PackageURL("oci", undefined, last, parts.digest, Object.keys(qualifiers).length > 0 ? qualifiers : undefined, undefined).toString();
  } catch {
    return undefined;
  }
}
