import { PeptideError } from "@peptide/core";

export type StoreErrorCode =
  /** A subject or option that cannot be stored (not an image digest, no repository named). */
  | "STORE_INPUT"
  /** The registry refused or lost the attachment. */
  | "STORE_REGISTRY"
  /** The GitHub attestations API refused the bundle (other than "not on this plan"). */
  | "STORE_GITHUB";

export class StoreError extends PeptideError<StoreErrorCode> {
  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = "StoreError";
  }
}
