/**
 * Coded errors. Libraries throw these; the edge (action or CLI) turns a code into words and an
 * exit code. `usage` errors are the user's mistake (exit 2); anything else uncoded is a bug.
 */
export class PeptideError<Code extends string = string> extends Error {
  readonly code: Code;
  override readonly cause?: unknown;

  constructor(code: Code, message: string, options: { cause?: unknown } = {}) {
    super(message);
    this.name = "PeptideError";
    this.code = code;
    this.cause = options.cause;
  }
}

/** Codes for input the user can fix: bad flags, unreadable or hostile files. Exit code 2. */
export type InputErrorCode =
  | "INPUT_INVALID"
  | "INPUT_NOT_FOUND"
  | "INPUT_TOO_LARGE"
  | "INPUT_BINARY"
  | "INPUT_OUTSIDE_ROOT"
  | "CONFIG_INVALID"
  | "NETWORK_UNREACHABLE"
  | "AUTH_FAILED";

export class InputError extends PeptideError<InputErrorCode> {
  constructor(code: InputErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = "InputError";
  }
}

export function isPeptideError(value: unknown): value is PeptideError {
  return value instanceof PeptideError;
}

/** The one-line text of any thrown value, without a stack. */
export function errorMessage(value: unknown): string {
  if (value instanceof Error) return value.message.split("\n")[0] ?? value.name;
  return String(value);
}
