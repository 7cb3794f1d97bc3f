import type { Finding } from "@peptide/workflow";
import { annotationLevel, bySeverityDesc, type AnnotationLevel } from "./severity.js";

/**
 * GitHub workflow commands: `::error file=F,line=L,col=C,title=T::message`. The runner reads
 * them from a step's output and shows each as an annotation on the run and the pull request.
 */

/** How many annotations of each level the runner keeps per step; the rest are dropped silently. */
export type AnnotationCaps = Readonly<Record<AnnotationLevel, number>>;
export const STEP_ANNOTATION_CAPS: AnnotationCaps = { error: 10, warning: 10, notice: 10 };

/** Escapes the message part of a workflow command, as the runner unescapes it. */
export function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a property value (`file=`, `title=`): also `:` and `,`, which delimit properties. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** One finding as one workflow command line (no trailing newline). */
export function toAnnotation(f: Finding): string {
  const props: string[] = [`file=${escapeProperty(f.file)}`];
  if (f.line > 0) props.push(`line=${f.line}`);
  if (f.line > 0 && f.column > 0) props.push(`col=${f.column}`);
  props.push(`title=${escapeProperty(`${f.rule} (${f.severity})`)}`);
  return `::${annotationLevel(f.severity)} ${props.join(",")}::${escapeData(`${f.message}\n${f.docs}`)}`;
}

/**
 * Every finding as a workflow command, most severe first, so that when the runner's per-step caps
 * bite it is the least severe that go. Use `splitAnnotations` to keep the rest for the summary.
 */
export function toGithubCommands(findings: readonly Finding[]): string {
  return bySeverityDesc(findings).map((f) => `${toAnnotation(f)}\n`).join("");
}

export interface AnnotationSplit {
  /** What fits in one step's caps, most severe first. */
  annotations: Finding[];
  /** What the runner would drop, most severe first: put it in the job summary. */
  overflow: Finding[];
}

/** Splits findings into those that fit one step's annotation caps and the overflow. */
export function splitAnnotations(findings: readonly Finding[], caps: AnnotationCaps = STEP_ANNOTATION_CAPS): AnnotationSplit {
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const annotations: Finding[] = [];
  const overflow: Finding[] = [];
  for (const f of bySeverityDesc(findings)) {
    const level = annotationLevel(f.severity);
    if (used[level] < caps[level]) {
      used[level]++;
      annotations.push(f);
    } else {
      overflow.push(f);
    }
  }
  return { annotations, overflow };
}
