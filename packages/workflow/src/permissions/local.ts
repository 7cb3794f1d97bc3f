import path from "node:path";
import { readTextFile } from "@peptide/core";
import { buildAction, buildWorkflow } from "../model/build.js";
import { SourceFile, scalarText } from "../model/source.js";
import type { ActionModel, StepModel, WorkflowModel } from "../model/types.js";
import type { ComputeOptions } from "./compute.js";

/**
 * Reads the local actions (`uses: ./.github/actions/x`) and local reusable workflows
 * (`uses: ./.github/workflows/x.yml`) a workflow refers to, under the repository root, so that
 * `requiredPermissions` and `fixPermissions` can classify them instead of reporting them as
 * unknown. Files that cannot be read or parsed stay unknown.
 */
export async function loadLocalUses(workflow: WorkflowModel, repoRoot: string): Promise<ComputeOptions> {
  const actions = new Map<string, ActionModel>();
  const workflows = new Map<string, WorkflowModel>();
  const pending: Array<{ uses: string; depth: number }> = [];
  const queueSteps = (steps: readonly StepModel[], depth: number) => {
    for (const step of steps) {
      const uses = scalarText(step.uses);
      if (uses?.startsWith("./")) pending.push({ uses, depth });
    }
  };
  for (const job of workflow.jobs) {
    queueSteps(job.steps, 0);
    const uses = scalarText(job.uses);
    if (uses?.startsWith("./")) pending.push({ uses, depth: 0 });
  }
  while (pending.length > 0) {
    const { uses, depth } = pending.shift() as { uses: string; depth: number };
    if (depth > 3 || actions.has(uses) || workflows.has(uses)) continue;
    if (/\.ya?ml$/.test(uses)) {
      const model = await read(repoRoot, uses, (s) => buildWorkflow(s));
      if (!model) continue;
      workflows.set(uses, model);
      for (const job of model.jobs) queueSteps(job.steps, depth + 1);
    } else {
      const model = (await read(repoRoot, path.posix.join(uses, "action.yml"), (s) => buildAction(s))) ?? (await read(repoRoot, path.posix.join(uses, "action.yaml"), (s) => buildAction(s)));
      if (!model) continue;
      actions.set(uses, model);
      queueSteps(model.steps, depth + 1);
    }
  }
  return {
    resolveAction: (uses) => actions.get(uses),
    resolveWorkflow: (uses) => workflows.get(uses.replace(/@.*$/, "")),
  };
}

async function read<T>(root: string, relative: string, build: (source: SourceFile) => T): Promise<T | undefined> {
  try {
    const text = await readTextFile(path.join(root, relative), { root });
    const source = new SourceFile(relative, text);
    if (source.doc.errors.length > 0) return undefined;
    return build(source);
  } catch {
    return undefined; // unreadable, outside the root, or not an action: it stays unknown
  }
}
