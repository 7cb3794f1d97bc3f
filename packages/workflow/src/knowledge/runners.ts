import { isMap, isScalar, isSeq } from "yaml";
import { findExpressions } from "../expressions.js";
import { listOf, scalarText, valueOf, type Node } from "../model/source.js";
import type { JobModel } from "../model/types.js";

/** GitHub-hosted runner labels, standard and larger (`ubuntu-24.04-arm`, `macos-15-xlarge`, `ubuntu-latest-8-cores`). */
const GITHUB_HOSTED = /^(?:ubuntu|windows|macos)-[\w.-]+$/i;
/** Ephemeral runners rented from a hosting service, not machines of yours. */
const THIRD_PARTY_HOSTED = /^(?:buildjet-|namespace-profile-|nscloud-|blacksmith-|depot-|warp-|ubicloud)/i;

export interface RunnerLabel {
  label: string;
  node: Node;
  /** `self-hosted` said outright, or only a label GitHub does not host. */
  certainty: "explicit" | "inferred";
}

/**
 * The labels of a job's `runs-on:` that point at a self-hosted runner: `self-hosted`, or labels
 * that are neither GitHub-hosted nor a hosting service's. `${{ matrix.x }}` is resolved against
 * literal matrix values; other expressions are unknown and yield nothing.
 */
export function selfHostedLabels(job: JobModel): RunnerLabel[] {
  const runsOn = job.runsOn;
  if (!runsOn) return [];
  // { group: name, labels: [...] }: the group may be GitHub-hosted larger runners; judge the labels
  const labelsNode = isMap(runsOn) ? valueOf(runsOn, "labels") : runsOn;
  const nodes = listOf(labelsNode).filter((n) => isScalar(n));
  // a scalar `${{ matrix.os }}` is one runner per matrix value; a list is one runner with all labels
  const sets: Array<Array<{ label: string; node: Node }>> =
    isScalar(labelsNode) && nodes[0] ? resolve(nodes[0], job).map((label) => [{ label, node: nodes[0]! }]) : [nodes.flatMap((node) => resolve(node, job).map((label) => ({ label, node })))];
  for (const labels of sets) {
    if (labels.length === 0) continue;
    const explicit = labels.find((l) => l.label.toLowerCase() === "self-hosted");
    if (explicit) return [{ ...explicit, certainty: "explicit" }];
    if (labels.some(({ label }) => GITHUB_HOSTED.test(label) || THIRD_PARTY_HOSTED.test(label) || label.includes("${{"))) continue;
    return [{ ...labels[0]!, certainty: "inferred" }];
  }
  return [];
}

/** The label values a scalar can take: itself, or the literal values of the matrix key it names. */
function resolve(node: Node, job: JobModel): string[] {
  const text = scalarText(node);
  if (!text) return [];
  const spans = findExpressions(text);
  if (spans.length === 0) return [text.trim()];
  if (spans.length !== 1 || text.trim() !== spans[0]!.text) return [text];
  const simple = /^matrix\.([\w-]+)$/.exec(spans[0]!.inner);
  if (!simple || !simple[1]) return [text];
  const key = simple[1];
  const matrix = valueOf(job.strategy, "matrix");
  const out: string[] = [];
  for (const item of listOf(valueOf(matrix, key))) {
    if (isSeq(item)) continue;
    const value = scalarText(item);
    out.push(value ?? text);
  }
  for (const entry of listOf(valueOf(matrix, "include"))) {
    const value = scalarText(valueOf(entry, key));
    if (value) out.push(value);
  }
  return out.length > 0 ? out : [text];
}
