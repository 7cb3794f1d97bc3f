/**
 * Retry settings handed to @sigstore/sign's clients (its fetchWithRetry retries 408, 429 and
 * 5xx with promise-retry): a number of retries, or promise-retry's options.
 */
export type SigstoreRetry =
  | number
  | { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number; randomize?: boolean };

/** Three retries, 0.5 s then 1 s then 2 s (bounded at 5 s). */
export const DEFAULT_RETRY: SigstoreRetry = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000 };
export const DEFAULT_TIMEOUT_MS = 15_000;
