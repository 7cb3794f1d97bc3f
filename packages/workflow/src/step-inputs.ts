import { scalarText } from "./model/source.js";
import type { StepModel } from "./model/types.js";
import { actionName, parseUses, type UsesRef } from "./uses.js";

/** `owner/repo[/path]` of a step's `uses:`, lower-cased, when it calls a remote action. */
export function stepAction(step: StepModel): string | undefined {
  const ref = stepUses(step);
  return ref?.kind === "remote" ? actionName(ref) : undefined;
}

export function stepUses(step: StepModel): UsesRef | undefined {
  const raw = scalarText(step.uses);
  return raw ? parseUses(raw) : undefined;
}

/** The `with:` input of a step as text, when it is a scalar. */
export function input(step: StepModel, name: string): string | undefined {
  return scalarText(step.with.get(name));
}
