import { createHash } from "node:crypto";
import type { Finding } from "@peptide/workflow";

/** The SARIF `partialFingerprints` key; bump the version when the hashed input changes. */
export const FINGERPRINT_KEY = "peptideFindingHash/v1";

/**
 * A finding's identity across runs: a hash of the rule, the file, the job, the step and the
 * message with positions taken out. The line and column are deliberately not part of it, so a
 * finding keeps its identity (and its triage state in code scanning) when lines above it move.
 */
export function findingHash(f: Pick<Finding, "rule" | "file" | "job" | "step" | "message">): string {
  const parts = [f.rule, f.file, f.job ?? "", f.step === undefined ? "" : String(f.step), normalizeMessage(f.message)];
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

/** Lower case, whitespace collapsed, and `line 12` / `lines 3-4` / `:12:7` references removed. */
export function normalizeMessage(message: string): string {
  return message
    .toLowerCase()
    .replace(/\blines? \d+(\s*[-–,]\s*\d+)*(:\d+)?/g, "line")
    .replace(/\b(column|col) \d+/g, "column")
    .replace(/:\d+:\d+\b/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Fingerprints for a list of findings, in order. Two findings with the same hash (the same
 * problem twice in one step) are told apart by their occurrence: `<hash>:1`, `<hash>:2`.
 */
export function fingerprints(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const hash = findingHash(f);
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    return `${hash}:${occurrence}`;
  });
}
