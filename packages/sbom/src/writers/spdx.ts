/**
 * SPDX 2.3 JSON.
 *
 * - The document DESCRIBES one package, the subject; the subject DEPENDS_ON its direct
 *   dependencies and every package DEPENDS_ON its own. An edge to a dev package is written the
 *   SPDX way round, `<dev> DEV_DEPENDENCY_OF <dependent>`, and one to an optional package
 *   `<optional> OPTIONAL_DEPENDENCY_OF <dependent>`.
 * - licenseDeclared is the lockfile's license as an SPDX expression; licenseConcluded is
 *   NOASSERTION (nothing was concluded by looking at the code). Each `LicenseRef-` used gets a
 *   hasExtractedLicensingInfos entry, as the spec requires.
 * - SPDXIDs are derived from the purl (readable part + 8 hex of its SHA-256), so they are stable.
 */
import { createHash } from "node:crypto";
import type { Component, Hash, Sbom } from "../model.js";
import { spdxExpressionOf } from "../readers/license-expression.js";
import { fullName } from "./package-name.js";
import { compare, documentIdentity, sortedComponents, type WriteOptions } from "./reproducible.js";

const CHECKSUM_ALGORITHMS: Record<Hash["alg"], string> = {
  "SHA-1": "SHA1",
  "SHA-256": "SHA256",
  "SHA-384": "SHA384",
  "SHA-512": "SHA512",
  MD5: "MD5",
};

const DOCUMENT_ID = "SPDXRef-DOCUMENT";
const NOASSERTION = "NOASSERTION";

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: false;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  checksums?: Array<{ algorithm: string; checksumValue: string }>;
  externalRefs?: Array<{ referenceCategory: string; referenceType: string; referenceLocator: string }>;
  primaryPackagePurpose: string;
  comment?: string;
}

interface Relationship {
  spdxElementId: string;
  relationshipType: string;
  relatedSpdxElement: string;
}

/** The SBOM as an SPDX 2.3 JSON document (pretty-printed, ending in a newline). */
export function toSpdx(sbom: Sbom, options: WriteOptions = {}): string {
  const { timestamp, uuid } = documentIdentity(sbom, "spdx-2.3", options);
  const components = sortedComponents(sbom.components);
  const ids = new Map<string, string>();
  const scopes = new Map<string, Component["scope"]>();
  const packages: SpdxPackage[] = [];
  const licenseRefs = new Set<string>();
  for (const component of components) {
    if (ids.has(component.purl)) continue;
    const id = spdxIdOf(component.purl, `${component.ecosystem}-${fullName(component)}-${component.version}`);
    ids.set(component.purl, id);
    scopes.set(component.purl, component.scope);
    const pkg = packageOf(component, id);
    for (const ref of pkg.licenseDeclared.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) licenseRefs.add(ref);
    packages.push(pkg);
  }

  const subjectId = "SPDXRef-Subject";
  const subject = sbom.subject;
  const subjectPackage: SpdxPackage = {
    SPDXID: subjectId,
    name: subject.name || "unnamed",
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    primaryPackagePurpose: subject.digest && !subject.purl ? "CONTAINER" : "APPLICATION",
  };
  if (subject.version) subjectPackage.versionInfo = subject.version;
  const digest = /^sha256:([0-9a-f]{64})$/.exec(subject.digest ?? "")?.[1];
  if (digest) subjectPackage.checksums = [{ algorithm: "SHA256", checksumValue: digest }];
  if (subject.purl) subjectPackage.externalRefs = [purlRef(subject.purl)];

  const relationships: Relationship[] = [{ spdxElementId: DOCUMENT_ID, relationshipType: "DESCRIBES", relatedSpdxElement: subjectId }];
  const edge = (fromId: string, toPurl: string): void => {
    const toId = ids.get(toPurl);
    if (toId === undefined || toId === fromId) return;
    const scope = scopes.get(toPurl);
    if (scope === "dev") relationships.push({ spdxElementId: toId, relationshipType: "DEV_DEPENDENCY_OF", relatedSpdxElement: fromId });
    else if (scope === "optional") relationships.push({ spdxElementId: toId, relationshipType: "OPTIONAL_DEPENDENCY_OF", relatedSpdxElement: fromId });
    else relationships.push({ spdxElementId: fromId, relationshipType: "DEPENDS_ON", relatedSpdxElement: toId });
  };
  for (const dep of new Set(sbom.rootDependsOn)) edge(subjectId, dep);
  const seen = new Set<string>();
  for (const component of components) {
    const fromId = ids.get(component.purl);
    if (fromId === undefined) continue;
    for (const dep of component.dependsOn) {
      const key = `${fromId} ${dep}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edge(fromId, dep);
    }
  }
  relationships.sort(
    (a, b) =>
      compare(a.spdxElementId, b.spdxElementId) || compare(a.relationshipType, b.relationshipType) || compare(a.relatedSpdxElement, b.relatedSpdxElement),
  );

  const document = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: DOCUMENT_ID,
    name: subject.name || "unnamed",
    documentNamespace: `https://spdx.org/spdxdocs/peptide/${slug(subject.name || "unnamed")}-${uuid}`,
    creationInfo: {
      created: timestamp.toISOString().replace(/\.\d{3}Z$/, "Z"),
      creators: [`Tool: peptide${options.toolVersion ? `-${options.toolVersion}` : ""}`],
    },
    packages: [subjectPackage, ...packages],
    relationships,
    ...(licenseRefs.size > 0 ? { hasExtractedLicensingInfos: [...licenseRefs].sort().map(extractedLicense) } : {}),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function packageOf(component: Component, id: string): SpdxPackage {
  const license = component.license === undefined ? undefined : spdxExpressionOf(component.license);
  const pkg: SpdxPackage = {
    SPDXID: id,
    name: fullName(component),
    downloadLocation: downloadLocation(component.resolved),
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: license ?? NOASSERTION,
    copyrightText: NOASSERTION,
    externalRefs: [purlRef(component.purl)],
    primaryPackagePurpose: component.kind === "application" ? "APPLICATION" : "LIBRARY",
  };
  if (component.version !== "") pkg.versionInfo = component.version;
  if (component.hashes.length > 0) {
    pkg.checksums = component.hashes
      .map((h) => ({ algorithm: CHECKSUM_ALGORITHMS[h.alg], checksumValue: h.content }))
      .sort((a, b) => compare(a.algorithm, b.algorithm));
  }
  const sources = component.sources ?? [component.source];
  pkg.comment = `scope: ${component.scope}; from ${sources.join(", ")}`;
  return pkg;
}

function purlRef(purl: string): { referenceCategory: string; referenceType: string; referenceLocator: string } {
  return { referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: purl };
}

/** SPDX 2.3 allows a download location of NOASSERTION, NONE, or a URL / VCS locator. */
function downloadLocation(resolved: string | undefined): string {
  if (resolved === undefined) return NOASSERTION;
  if (/^(?:https?|git\+https?|git\+ssh|git):\/\/\S+$/.test(resolved)) return resolved;
  return NOASSERTION;
}

function spdxIdOf(purl: string, readable: string): string {
  const digest = createHash("sha256").update(purl).digest("hex").slice(0, 8);
  return `SPDXRef-Package-${slug(readable).slice(0, 100)}-${digest}`;
}

/** Letters, digits, `.` and `-` only (what SPDXIDs and namespaces may hold). */
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}

function extractedLicense(licenseId: string): { licenseId: string; name: string; extractedText: string } {
  const name = licenseId.slice("LicenseRef-".length);
  return { licenseId, name, extractedText: `The package metadata names the license "${name}", which is not on the SPDX License List.` };
}
