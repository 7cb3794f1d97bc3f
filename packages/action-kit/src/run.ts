import * as core from "@actions/core";
import { errorMessage, isPeptideError } from "@peptide/core";

/**
 * Runs an action's main function the way every Peptide action ends: a coded error becomes one
 * line on the step (`::error::`) and a failed step; anything else is a bug and also shows its
 * stack in the debug log.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (!isPeptideError(err) && err instanceof Error && err.stack) core.debug(err.stack);
    core.setFailed(isPeptideError(err) ? err.message : `internal error: ${errorMessage(err)}`);
  }
}
