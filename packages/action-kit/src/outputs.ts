import * as core from "@actions/core";

export function setOutput(name: string, value: string | number | boolean): void {
  core.setOutput(name, String(value));
}

/** Appends markdown to the job summary. */
export async function writeSummary(markdown: string): Promise<void> {
  await core.summary.addRaw(markdown, true).write();
}

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
  column?: number;
}

/** Emits annotations through the runner's workflow commands (escaping handled by @actions/core). */
export function annotate(annotations: readonly Annotation[]): void {
  for (const a of annotations) {
    const props = { title: a.title, file: a.file, startLine: a.line, startColumn: a.column };
    if (a.level === "error") core.error(a.message, props);
    else if (a.level === "warning") core.warning(a.message, props);
    else core.notice(a.message, props);
  }
}

/**
 * Text for the log that cannot act as a workflow command: the runner reads any line starting with
 * `::` (or the old `##[`) as one, so text taken from an image, a registry or an API (a repository
 * name in an attestation) could forge annotations or `::add-mask::` real output. Such lines get a
 * leading space; other control characters (ANSI escapes) are shown as `?`.
 */
export function logText(message: string): string {
  return message
    .split(/\r?\n|\r/)
    .map((line) => {
      // eslint-disable-next-line no-control-regex
      const clean = line.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "?");
      return /^\s*(::|##\[)/.test(clean) ? ` ${clean}` : clean;
    })
    .join("\n");
}

export const log = {
  info: (message: string) => core.info(logText(message)),
  warning: (message: string) => core.warning(message),
  debug: (message: string) => core.debug(message),
  group: <T>(name: string, fn: () => Promise<T>) => core.group(name, fn),
  fail: (message: string) => core.setFailed(message),
  mask: (secret: string) => core.setSecret(secret),
};
