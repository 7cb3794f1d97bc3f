/**
 * CycloneDX 1.6 JSON, built and serialized with @cyclonedx/cyclonedx-library.
 *
 * - bom-ref of every component is its purl (unique in the model); the subject's is its purl, or
 *   `peptide:subject` when it has none or shares one with a component.
 * - scope: required -> `required`, optional -> `optional`, dev -> `excluded`. CycloneDX 1.6 defines
 *   `excluded` as "component usage for test and other non-runtime purposes ... not reachable within
 *   a call graph at runtime", which is what a dev dependency is. cyclonedx-npm instead leaves dev
 *   packages unscoped and marks them with the property `cdx:npm:package:development`; that
 *   property is written too for npm packages, so filters written for either tool keep working.
 * - licenses: one SPDX id as `license.id`, anything else as an `expression` (LicenseRef- included).
 * - hashes the model calls non-digests (go.sum `h1:`, Yarn's zip checksum) become `peptide:hash:<alg>`
 *   properties; every file a component was read from a `peptide:source` property.
 */
// Subpath imports load a fraction of the library (its index also loads validation and contrib).
import * as Enums from "@cyclonedx/cyclonedx-library/Enums";
import * as Models from "@cyclonedx/cyclonedx-library/Models";
import * as Serialize from "@cyclonedx/cyclonedx-library/Serialize";
import * as Spec from "@cyclonedx/cyclonedx-library/Spec";
import type { Component, Sbom, Scope, Subject } from "../model.js";
import { spdxExpressionOf } from "../readers/license-expression.js";
import { groupOf } from "./package-name.js";
import { documentIdentity, sortedComponents, type WriteOptions } from "./reproducible.js";

const SCOPES: Record<Scope, Enums.ComponentScope> = {
  required: Enums.ComponentScope.Required,
  optional: Enums.ComponentScope.Optional,
  dev: Enums.ComponentScope.Excluded,
};

const SUBJECT_REF = "peptide:subject";

/** The SBOM as a CycloneDX 1.6 JSON document (pretty-printed, ending in a newline). */
export function toCycloneDx(sbom: Sbom, options: WriteOptions = {}): string {
  const { timestamp, uuid } = documentIdentity(sbom, "cyclonedx-1.6", options);
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${uuid}` });
  bom.metadata.timestamp = timestamp;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, "peptide", options.toolVersion ? { version: options.toolVersion } : {}),
  );

  const byPurl = new Map<string, Models.Component>();
  const components = sortedComponents(sbom.components);
  for (const component of components) {
    if (byPurl.has(component.purl)) continue;
    const model = componentModel(component);
    byPurl.set(component.purl, model);
    bom.components.add(model);
  }
  for (const component of components) {
    const model = byPurl.get(component.purl);
    if (!model) continue;
    for (const dep of component.dependsOn) {
      const target = byPurl.get(dep);
      if (target && target !== model) model.dependencies.add(target.bomRef);
    }
  }

  const subject = subjectModel(sbom.subject, byPurl);
  for (const dep of sbom.rootDependsOn) {
    const target = byPurl.get(dep);
    if (target) subject.dependencies.add(target.bomRef);
  }
  bom.metadata.component = subject;

  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

function componentModel(component: Component): Models.Component {
  const type = component.kind === "application" ? Enums.ComponentType.Application : Enums.ComponentType.Library;
  const model = new Models.Component(type, component.name, {
    bomRef: component.purl,
    purl: component.purl,
    scope: SCOPES[component.scope],
  });
  if (component.version !== "") model.version = component.version;
  const group = groupOf(component);
  if (group !== undefined) model.group = group;
  for (const hash of component.hashes) model.hashes.set(hash.alg as Enums.HashAlgorithm, hash.content);
  const license = licenseModel(component.license);
  if (license) model.licenses.add(license);
  const reference = externalReference(component.resolved);
  if (reference) model.externalReferences.add(reference);
  if (component.scope === "dev" && component.ecosystem === "npm") {
    model.properties.add(new Models.Property("cdx:npm:package:development", "true"));
  }
  for (const other of component.otherHashes ?? []) model.properties.add(new Models.Property(`peptide:hash:${other.alg}`, other.value));
  for (const source of component.sources ?? [component.source]) model.properties.add(new Models.Property("peptide:source", source));
  return model;
}

function subjectModel(subject: Subject, byPurl: Map<string, Models.Component>): Models.Component {
  const type = subject.digest?.startsWith("sha256:") && !subject.purl ? Enums.ComponentType.Container : Enums.ComponentType.Application;
  const ref = subject.purl && !byPurl.has(subject.purl) ? subject.purl : SUBJECT_REF;
  const model = new Models.Component(type, subject.name || "unnamed", { bomRef: ref });
  if (subject.version) model.version = subject.version;
  if (subject.purl) model.purl = subject.purl;
  const digest = /^sha256:([0-9a-f]{64})$/.exec(subject.digest ?? "")?.[1];
  if (digest) model.hashes.set(Enums.HashAlgorithm["SHA-256"], digest);
  return model;
}

function licenseModel(license: string | undefined): Models.License | undefined {
  const expression = license === undefined ? undefined : spdxExpressionOf(license);
  if (expression === undefined) return undefined;
  const single = /^[A-Za-z0-9.+-]+$/.test(expression) && !expression.startsWith("LicenseRef-") && !expression.endsWith("+");
  const model = single ? new Models.SpdxLicense(expression) : new Models.LicenseExpression(expression);
  model.acknowledgement = Enums.LicenseAcknowledgement.Declared;
  return model;
}

function externalReference(resolved: string | undefined): Models.ExternalReference | undefined {
  if (resolved === undefined || !URL.canParse(resolved)) return undefined;
  if (/^https?:\/\//.test(resolved)) return new Models.ExternalReference(resolved, Enums.ExternalReferenceType.Distribution);
  if (/^git\+https?:\/\//.test(resolved)) return new Models.ExternalReference(resolved, Enums.ExternalReferenceType.VCS);
  return undefined;
}
