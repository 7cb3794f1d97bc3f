/** The official validators: CycloneDX's strict 1.6 JSON schema (from the library) and the SPDX 2.3 JSON schema (vendored). */
import { readFileSync } from "node:fs";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import Ajv2019 from "ajv/dist/2019.js";
import addFormats from "ajv-formats";
import { PackageURL } from "packageurl-js";

const cyclonedx = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

/** Null when valid, else the validator's errors. */
export async function cycloneDxErrors(json: string): Promise<unknown> {
  return (await cyclonedx.validate(json)) ?? null;
}

const spdxSchema: unknown = JSON.parse(readFileSync(new URL("./schemas/spdx-2.3.schema.json", import.meta.url), "utf8"));
const ajv = new Ajv2019.default({ strict: false, allErrors: true });
addFormats.default(ajv);
const spdxValidate = ajv.compile(spdxSchema as object);

export function spdxErrors(json: string): unknown {
  return spdxValidate(JSON.parse(json)) ? null : spdxValidate.errors;
}

/** Every purl that packageurl-js rejects. */
export function invalidPurls(purls: Iterable<string>): string[] {
  const bad: string[] = [];
  for (const purl of purls) {
    try {
      PackageURL.fromString(purl);
    } catch {
      bad.push(purl);
    }
  }
  return bad;
}
