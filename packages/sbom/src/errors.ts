import { PeptideError } from "@peptide/core";

export type SbomErrorCode = "LOCKFILE_INVALID" | "LOCKFILE_UNSUPPORTED" | "LAYER_TOO_LARGE" | "ARCHIVE_UNSAFE" | "IMAGE_INVALID" | "PURL_INVALID";

/** A lockfile that cannot be read: names the file, and the line when the format has lines. */
export class LockfileError extends PeptideError<SbomErrorCode> {
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
    options: { cause?: unknown } = {},
  ) {
    super("LOCKFILE_INVALID", `${file}${line === undefined ? "" : `:${line}`}: ${message}`, options);
  }
}
