import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "@peptide/core";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs with errors a person can act on, as InputError (exit 2). */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O): { values: Record<string, FlagValue>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, FlagValue>, positionals };
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new InputError("INPUT_INVALID", `peptide ${command}: ${message}; see \`peptide ${command} --help\``);
  }
}

export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError("INPUT_INVALID", `--${flag} must be one of ${allowed.join(", ")}, got "${value}"`);
}

export type FlagValue = string | boolean | Array<string | boolean> | undefined;

/** A string flag's value, or undefined. */
export function stringFlag(value: FlagValue): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string flag's values. */
export function listFlag(value: FlagValue): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}
