import { scalarText } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";

/** How messages name a step: `step "Build" in job release`, `step 3 (actions/checkout) in job test`. */
export function stepLabel(step: StepModel, job?: JobModel): string {
  const uses = scalarText(step.uses);
  const name = step.name ?? step.id;
  const what = name ? `step "${name}"` : uses ? `step ${step.index + 1} (${uses.split("@")[0]})` : `step ${step.index + 1}`;
  return job ? `${what} in job ${job.id}` : what;
}

/** An environment variable name for a context path: `github.event.issue.title` → `ISSUE_TITLE`. */
export function envNameFor(path: string): string {
  const parts = path
    .replace(/\s*\(.*$/, "")
    .split(".")
    .filter((p) => p !== "*" && p !== "github" && p !== "event" && p !== "outputs" && p !== "inputs" && p !== "env");
  const tail = parts.slice(-2);
  const name = tail.join("_").replace(/[^A-Za-z0-9_]/g, "_").toUpperCase();
  return name === "" ? "VALUE" : /^[0-9]/.test(name) ? `V_${name}` : name;
}
