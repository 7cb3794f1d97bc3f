import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { sbomFromPath, sourceDateEpochFrom, toCycloneDx, toSpdx, writeSbom } from "../../src/index.js";
import type { Component, Sbom } from "../../src/model.js";
import { cycloneDxErrors, invalidPurls, spdxErrors } from "../validate.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const EPOCH = 1_700_000_000;

interface CdxComponent {
  "bom-ref": string;
  type: string;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  scope?: string;
  hashes?: Array<{ alg: string; content: string }>;
  licenses?: Array<{ license?: { id?: string }; expression?: string }>;
  properties?: Array<{ name: string; value: string }>;
}
interface CdxBom {
  serialNumber: string;
  metadata: { timestamp: string; tools: { components: CdxComponent[] }; component: CdxComponent };
  components: CdxComponent[];
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
}
interface SpdxDoc {
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: Array<{ SPDXID: string; name: string; versionInfo?: string; licenseDeclared: string; checksums?: Array<{ algorithm: string; checksumValue: string }>; externalRefs?: Array<{ referenceLocator: string }> }>;
  relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
  hasExtractedLicensingInfos?: Array<{ licenseId: string }>;
}

const SCANS = ["npm/workspace", "npm/v1", "yarn/v1", "yarn/berry", "pnpm/v9", "pnpm/v6", "."] as const;

describe("writers", () => {
  const sboms = new Map<string, Sbom>();
  beforeAll(async () => {
    for (const dir of SCANS) sboms.set(dir, await sbomFromPath(`${FIXTURES}${dir}`));
  });
  const sbom = (dir: (typeof SCANS)[number]): Sbom => {
    const found = sboms.get(dir);
    if (!found) throw new Error(dir);
    return found;
  };

  describe.each(SCANS)("the SBOM of fixtures/%s", (dir) => {
    it("is valid CycloneDX 1.6 (strict schema), every purl parses, every edge names a component", async () => {
      const json = toCycloneDx(sbom(dir), { sourceDateEpoch: EPOCH, toolVersion: "0.1.0" });
      expect(await cycloneDxErrors(json)).toBeNull();
      const bom = JSON.parse(json) as CdxBom;
      expect(bom.components.length).toBe(sbom(dir).components.length);
      expect(invalidPurls(bom.components.map((c) => c.purl ?? ""))).toEqual([]);
      const refs = new Set([...bom.components.map((c) => c["bom-ref"]), bom.metadata.component["bom-ref"]]);
      expect(bom.dependencies.flatMap((d) => [d.ref, ...(d.dependsOn ?? [])]).filter((r) => !refs.has(r))).toEqual([]);
    });

    it("is valid SPDX 2.3 (JSON schema), every purl parses, every relationship names a package", () => {
      const json = toSpdx(sbom(dir), { sourceDateEpoch: EPOCH, toolVersion: "0.1.0" });
      expect(spdxErrors(json)).toBeNull();
      const doc = JSON.parse(json) as SpdxDoc;
      expect(doc.packages.length).toBe(sbom(dir).components.length + 1);
      expect(invalidPurls(doc.packages.flatMap((p) => (p.externalRefs ?? []).map((r) => r.referenceLocator)))).toEqual([]);
      const ids = new Set([...doc.packages.map((p) => p.SPDXID), "SPDXRef-DOCUMENT"]);
      expect(doc.relationships.flatMap((r) => [r.spdxElementId, r.relatedSpdxElement]).filter((id) => !ids.has(id))).toEqual([]);
      expect(new Set(doc.packages.map((p) => p.SPDXID)).size).toBe(doc.packages.length);
    });
  });

  describe("CycloneDX content", () => {
    it("names the subject and the tool, and maps scopes, hashes, licenses and the graph", () => {
      const bom = JSON.parse(toCycloneDx(sbom("npm/workspace"), { sourceDateEpoch: EPOCH, toolVersion: "0.1.0" })) as CdxBom;
      expect(bom.metadata.component).toEqual({ type: "application", name: "pay-service", version: "1.2.0", "bom-ref": "pkg:npm/pay-service@1.2.0", purl: "pkg:npm/pay-service@1.2.0" });
      expect(bom.metadata.tools.components).toEqual([{ type: "application", name: "peptide", version: "0.1.0" }]);
      expect(bom.metadata.timestamp).toBe("2023-11-14T22:13:20.000Z");
      const byRef = new Map(bom.components.map((c) => [c["bom-ref"], c]));
      const typescript = byRef.get("pkg:npm/typescript@5.9.3");
      expect(typescript).toMatchObject({ scope: "excluded", licenses: [{ license: { id: "Apache-2.0", acknowledgement: "declared" } }] });
      expect(typescript?.properties).toContainEqual({ name: "cdx:npm:package:development", value: "true" });
      expect(byRef.get("pkg:npm/fsevents@2.3.3")?.scope).toBe("optional");
      expect(byRef.get("pkg:npm/%40babel/code-frame@7.29.7")).toMatchObject({
        group: "@babel",
        name: "code-frame",
        scope: "required",
        hashes: [{ alg: "SHA-512", content: "02ea7b69439fa5b01483644e38937a230e5ff43301973bb4988926fe66a52d014dfd84203b8f300a3d0ac5adec10726f3d5160eec891faa4489f05dddaa8502b" }],
      });
      expect(byRef.get("pkg:npm/%40pay/util@0.3.0")?.type).toBe("application");
      const deps = new Map(bom.dependencies.map((d) => [d.ref, d.dependsOn ?? []]));
      expect(deps.get("pkg:npm/pay-service@1.2.0")).toHaveLength(7);
      expect(deps.get("pkg:npm/debug@4.3.4")).toEqual(["pkg:npm/ms@2.1.2"]);
      // Every component whose lockfile entry has an integrity has a hash.
      expect(bom.components.filter((c) => c.type === "library" && !c.hashes)).toEqual([]);
    });

    it("writes an image subject as a container with its digest, and non-SPDX licenses as expressions", async () => {
      const base = sbom("yarn/v1");
      const withLicenses: Sbom = {
        ...base,
        subject: { name: "registry.example/pay/api", digest: `sha256:${"ab".repeat(32)}` },
        components: base.components.map((c, i) => (i === 0 ? { ...c, license: "MIT OR Apache-2.0" } : i === 1 ? { ...c, license: "Acme Proprietary" } : c)),
      };
      const json = toCycloneDx(withLicenses, { sourceDateEpoch: EPOCH });
      expect(await cycloneDxErrors(json)).toBeNull();
      const bom = JSON.parse(json) as CdxBom;
      expect(bom.metadata.component).toEqual({ type: "container", name: "registry.example/pay/api", "bom-ref": "peptide:subject", hashes: [{ alg: "SHA-256", content: "ab".repeat(32) }] });
      const licenses = bom.components.flatMap((c) => c.licenses ?? []);
      expect(licenses).toContainEqual({ expression: "MIT OR Apache-2.0", acknowledgement: "declared" });
      expect(licenses).toContainEqual({ expression: "LicenseRef-Acme-Proprietary", acknowledgement: "declared" });
    });
  });

  describe("SPDX content", () => {
    it("describes the subject and writes dev and optional edges the SPDX way round", () => {
      const doc = JSON.parse(toSpdx(sbom("npm/workspace"), { sourceDateEpoch: EPOCH, toolVersion: "0.1.0" })) as SpdxDoc;
      expect(doc.creationInfo).toEqual({ created: "2023-11-14T22:13:20Z", creators: ["Tool: peptide-0.1.0"] });
      expect(doc.documentNamespace).toMatch(/^https:\/\/spdx\.org\/spdxdocs\/peptide\/pay-service-[0-9a-f-]{36}$/);
      const idOf = (purl: string): string => {
        const found = doc.packages.find((p) => p.externalRefs?.some((r) => r.referenceLocator === purl));
        if (!found) throw new Error(purl);
        return found.SPDXID;
      };
      const has = (from: string, type: string, to: string): boolean =>
        doc.relationships.some((r) => r.spdxElementId === from && r.relationshipType === type && r.relatedSpdxElement === to);
      expect(has("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Subject")).toBe(true);
      expect(has("SPDXRef-Subject", "DEPENDS_ON", idOf("pkg:npm/express@4.22.3"))).toBe(true);
      expect(has(idOf("pkg:npm/typescript@5.9.3"), "DEV_DEPENDENCY_OF", "SPDXRef-Subject")).toBe(true);
      expect(has(idOf("pkg:npm/fsevents@2.3.3"), "OPTIONAL_DEPENDENCY_OF", "SPDXRef-Subject")).toBe(true);
      expect(has(idOf("pkg:npm/ms@2.1.2"), "DEV_DEPENDENCY_OF", idOf("pkg:npm/debug@4.3.4"))).toBe(false);
      expect(has(idOf("pkg:npm/debug@4.3.4"), "DEPENDS_ON", idOf("pkg:npm/ms@2.1.2"))).toBe(true);
      const frame = doc.packages.find((p) => p.name === "@babel/code-frame");
      expect(frame).toMatchObject({ versionInfo: "7.29.7", licenseDeclared: "MIT", checksums: [{ algorithm: "SHA512" }] });
    });

    it("declares every LicenseRef it uses", () => {
      const base = sbom("npm/v1");
      const json = toSpdx({ ...base, components: base.components.map((c, i) => (i === 0 ? { ...c, license: "Custom: see LICENSE" } : c)) }, { sourceDateEpoch: EPOCH });
      expect(spdxErrors(json)).toBeNull();
      const doc = JSON.parse(json) as SpdxDoc;
      expect(doc.hasExtractedLicensingInfos?.map((l) => l.licenseId)).toEqual(["LicenseRef-Custom-see-LICENSE"]);
    });
  });

  describe("reproducibility", () => {
    it("gives byte-identical documents for two runs with SOURCE_DATE_EPOCH, whatever the component order", async () => {
      const epoch = sourceDateEpochFrom({ SOURCE_DATE_EPOCH: String(EPOCH) });
      expect(epoch).toBe(EPOCH);
      const again = await sbomFromPath(`${FIXTURES}.`);
      const shuffled: Sbom = { ...again, components: shuffle(again.components) };
      for (const format of ["cyclonedx-json", "spdx-json"] as const) {
        const first = writeSbom(sbom("."), format, { sourceDateEpoch: epoch });
        expect(writeSbom(shuffled, format, { sourceDateEpoch: epoch })).toBe(first);
      }
    });

    it("derives the serial number from the content, and draws a random one without SOURCE_DATE_EPOCH", () => {
      const serial = (s: Sbom, epoch?: number): string => (JSON.parse(toCycloneDx(s, epoch === undefined ? {} : { sourceDateEpoch: epoch })) as CdxBom).serialNumber;
      const a = sbom("npm/v1");
      const b = sbom("pnpm/v9");
      expect(serial(a, EPOCH)).toBe(serial(a, EPOCH));
      expect(serial(a, EPOCH)).not.toBe(serial(b, EPOCH));
      expect(serial(a)).not.toBe(serial(a));
      expect(serial(a, EPOCH)).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(sourceDateEpochFrom({})).toBeUndefined();
      expect(sourceDateEpochFrom({ SOURCE_DATE_EPOCH: "yesterday" })).toBeUndefined();
    });
  });
});

/** A fixed permutation (reversed halves interleaved), so the test itself is deterministic. */
function shuffle(components: Component[]): Component[] {
  const reversed = [...components].reverse();
  const half = Math.ceil(reversed.length / 2);
  const out: Component[] = [];
  for (let i = 0; i < half; i++) {
    const a = reversed[i + half];
    const b = reversed[i];
    if (a) out.push({ ...a, dependsOn: [...a.dependsOn].reverse() });
    if (b) out.push(b);
  }
  return out;
}
