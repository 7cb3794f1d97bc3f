/**
 * Workflow commands an action prints on stdout (`::error file=a.ts,line=3::message`), parsed the
 * way the runner does (actions/runner src/Runner.Worker/ActionCommandManager.cs, v2 syntax).
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 */

export type AnnotationLevel = "error" | "warning" | "notice" | "debug";

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

export interface WorkflowCommands {
  annotations: Annotation[];
  /** Values passed to `::add-mask::`. */
  masks: string[];
  /** Names of `::group::` sections, in order. */
  groups: string[];
}

const LEVELS = new Set<string>(["error", "warning", "notice", "debug"]);
const NUMERIC = new Set(["line", "endLine", "col", "endColumn"]);

export function parseWorkflowCommands(stdout: string): WorkflowCommands {
  const out: WorkflowCommands = { annotations: [], masks: [], groups: [] };
  let stopToken: string | undefined;
  for (const raw of stdout.split(/\r?\n/)) {
    const command = parseCommand(raw);
    if (!command) continue;
    if (stopToken !== undefined) {
      if (command.name === stopToken) stopToken = undefined;
      continue;
    }
    if (command.name === "stop-commands") {
      stopToken = command.message;
      continue;
    }
    if (command.name === "add-mask") out.masks.push(command.message);
    else if (command.name === "group") out.groups.push(command.message);
    else if (LEVELS.has(command.name)) out.annotations.push(toAnnotation(command.name as AnnotationLevel, command));
  }
  return out;
}

interface Command {
  name: string;
  properties: Map<string, string>;
  message: string;
}

function parseCommand(raw: string): Command | undefined {
  const line = raw.trimStart();
  if (!line.startsWith("::")) return undefined;
  const end = line.indexOf("::", 2);
  if (end < 0) return undefined;
  const info = line.slice(2, end);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  if (name === "") return undefined;
  const properties = new Map<string, string>();
  if (space >= 0) {
    for (const part of info.slice(space + 1).split(",")) {
      const eq = part.indexOf("=");
      if (eq <= 0) continue;
      properties.set(part.slice(0, eq).trim(), unescapeProperty(part.slice(eq + 1)));
    }
  }
  return { name, properties, message: unescapeData(line.slice(end + 2)) };
}

function toAnnotation(level: AnnotationLevel, command: Command): Annotation {
  const annotation: Annotation = { level, message: command.message };
  for (const [key, value] of command.properties) {
    if (NUMERIC.has(key)) {
      const n = Number(value);
      if (Number.isInteger(n)) (annotation as unknown as Record<string, number>)[key] = n;
    } else if (key === "file" || key === "title") {
      annotation[key] = value;
    }
  }
  return annotation;
}

/** `%25` `%0D` `%0A` in the message, decoded in one pass. */
export function unescapeData(text: string): string {
  return text.replace(/%(25|0D|0A)/gi, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
}

/** Property values also escape `:` and `,`. */
export function unescapeProperty(text: string): string {
  return text.replace(/%(25|0D|0A|3A|2C)/gi, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
}
