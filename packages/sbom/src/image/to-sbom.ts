/** An image's result as the model's Sbom, the shape the writers take. */
import type { Sbom } from "../model.js";
import type { ImageSbom } from "./read-image.js";

/** The subject depends on every component nothing else in the image depends on. */
export function imageToSbom(image: ImageSbom): Sbom {
  const dependedOn = new Set(image.components.flatMap((c) => c.dependsOn));
  const rootDependsOn = image.components.map((c) => c.purl).filter((purl) => !dependedOn.has(purl)).sort();
  return { subject: image.subject, components: image.components, rootDependsOn, warnings: image.warnings, inputs: image.inputs };
}
