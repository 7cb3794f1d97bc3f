import { isMap, isScalar, isSeq, type Scalar } from "yaml";
import { contextPaths, findExpressions, isWholeExpression } from "../expressions.js";
import { entries, scalarText, valueOf } from "../model/source.js";
import type { JobModel } from "../model/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { isDigestPinned, parseUses } from "../uses.js";
import { allSteps } from "../walk.js";

type Pinning = "digest" | "latest" | "untagged" | "tag";

/** How an image reference is pinned: `registry:5000/name:tag@sha256:...`. */
export function imagePinning(image: string): Pinning {
  const ref = image.trim();
  if (isDigestPinned(ref)) return "digest";
  const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon < 0) return "untagged";
  const tag = lastSegment.slice(colon + 1).split("@")[0]!;
  return tag === "latest" || tag === "" ? "latest" : "tag";
}

/**
 * Container images (job containers, service containers, `docker://` steps and Docker actions'
 * `runs.image`) must be pinned by digest: a tag is re-pushed at will by whoever controls it.
 */
export const unpinnedImage: Rule = {
  id: "unpinned-image",
  title: "Container image not pinned by digest",
  severity: "high",
  confidence: "high",
  check(ctx) {
    const { target } = ctx;
    if (target.kind === "action") {
      const image = scalarText(target.image);
      if (target.image && image?.startsWith("docker://")) checkImage(ctx, target.image, image.slice("docker://".length), "the action's runs.image");
    }
    for (const { step, job } of allSteps(target)) {
      const raw = scalarText(step.uses);
      if (!step.uses || !raw) continue;
      const ref = parseUses(raw);
      if (ref.kind === "docker") checkImage(ctx, step.uses, ref.image, `step ${step.name ?? step.index + 1}${job ? ` of job ${job.id}` : ""}`, job, step.index);
    }
    if (target.kind !== "workflow") return;
    for (const job of target.jobs) {
      const container = job.container;
      const image = isScalar(container) ? container : valueOf(container, "image");
      if (isScalar(image)) checkImage(ctx, image, scalarText(image) ?? "", `the container of job ${job.id}`, job);
      for (const [name, pair] of entries(job.services)) {
        const serviceImage = valueOf(pair.value, "image");
        if (isScalar(serviceImage)) checkImage(ctx, serviceImage, scalarText(serviceImage) ?? "", `service ${name} of job ${job.id}`, job);
      }
    }
  },
};

function checkImage(ctx: RuleContext, node: Scalar, image: string, where: string, job?: JobModel, step?: number): void {
  const candidates = resolve(image, job);
  if (!candidates) return;
  let worst: { image: string; pinning: Pinning } | undefined;
  for (const candidate of candidates) {
    const pinning = imagePinning(candidate);
    if (pinning === "digest") continue;
    if (!worst || (worst.pinning === "tag" && pinning !== "tag")) worst = { image: candidate, pinning };
  }
  if (!worst) return;
  const { pinning } = worst;
  const shown = worst.image === image ? image : `${worst.image} (from ${image})`;
  const what = pinning === "tag" ? "a tag that can be re-pushed" : pinning === "latest" ? "`latest`, which moves with every push" : "no tag at all (so `latest`)";
  ctx.report({
    at: ctx.target.source.positionOf(node),
    job: job?.id,
    step,
    severity: pinning === "tag" ? "medium" : "high",
    message: `image ${shown} for ${where} is referenced by ${what}; pin it by digest (\`name:tag@sha256:<digest>\`) and let Dependabot or Renovate update it`,
  });
}

/**
 * The literal images an `image:` value can be: itself, or each value of the matrix key it names
 * (`${{ matrix.image }}`). Undefined when it cannot be known statically, or is empty.
 */
function resolve(image: string, job: JobModel | undefined): string[] | undefined {
  const text = image.trim();
  if (!text) return undefined;
  if (!text.includes("${{")) return [text];
  if (!isWholeExpression(text) || !job) return undefined;
  const inner = findExpressions(text)[0]!.inner;
  const paths = contextPaths(inner);
  if (paths.length !== 1 || !/^[\w-]+$/.test(inner.replace(/^matrix\./, "")) || !paths[0]!.path.startsWith("matrix.")) return undefined;
  const key = inner.replace(/^matrix\./, "").trim();
  return matrixValues(job, key);
}

function matrixValues(job: JobModel, key: string): string[] | undefined {
  const matrix = valueOf(job.strategy, "matrix");
  if (!isMap(matrix)) return undefined;
  const values: string[] = [];
  const list = valueOf(matrix, key);
  if (list !== undefined) {
    if (!isSeq(list)) return undefined;
    for (const item of list.items) {
      const value = scalarText(item);
      if (value === undefined || value.includes("${{")) return undefined;
      values.push(value);
    }
  }
  const include = valueOf(matrix, "include");
  if (include !== undefined) {
    if (!isSeq(include)) return undefined;
    for (const item of include.items) {
      const node = valueOf(item, key);
      if (node === undefined) continue;
      const value = scalarText(node);
      if (value === undefined || value.includes("${{")) return undefined;
      values.push(value);
    }
  }
  return values.length > 0 ? values : undefined;
}
