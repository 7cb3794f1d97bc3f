import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from "yaml";
import { PeptideError } from "@peptide/core";
import { entries, pairOf, scalarText, textOf, valueOf, type SourceFile } from "./source.js";
import type { ActionModel, JobModel, PermissionLevel, PermissionsModel, StepModel, TriggerModel, WorkflowModel } from "./types.js";

export type ModelErrorCode = "NOT_A_MAPPING" | "NOT_A_WORKFLOW" | "NOT_AN_ACTION";

/** Raised when a YAML document parses but is not a workflow or action; becomes a `parse-error` finding. */
export class ModelError extends PeptideError<ModelErrorCode> {
  constructor(
    code: ModelErrorCode,
    message: string,
    readonly node?: Node | null,
  ) {
    super(code, message);
  }
}

export function buildWorkflow(source: SourceFile): WorkflowModel {
  const root = source.root;
  if (!root) throw new ModelError("NOT_A_MAPPING", "the document is not a YAML mapping", source.doc.contents);
  const onPair = pairOf(root, "on") ?? pairOf(root, "true");
  const jobsNode = valueOf(root, "jobs");
  if (!onPair) throw new ModelError("NOT_A_WORKFLOW", "a workflow needs an `on:` key", root);
  if (!isMap(jobsNode)) throw new ModelError("NOT_A_WORKFLOW", "a workflow needs a `jobs:` mapping", pairOf(root, "jobs")?.key ?? root);
  const permissionsPair = pairOf(root, "permissions");
  return {
    kind: "workflow",
    source,
    name: textOf(root, "name"),
    triggers: buildTriggers(source, onPair),
    onPos: source.positionOf(onPair),
    permissions: permissionsPair ? buildPermissions(source, permissionsPair) : undefined,
    env: mapOf(valueOf(root, "env")),
    jobs: entries(jobsNode).map(([id, pair]) => buildJob(source, id, pair)),
  };
}

export function buildAction(source: SourceFile): ActionModel {
  const root = source.root;
  if (!root) throw new ModelError("NOT_A_MAPPING", "the document is not a YAML mapping", source.doc.contents);
  const runsPair = pairOf(root, "runs");
  if (!runsPair || !isMap(runsPair.value)) throw new ModelError("NOT_AN_ACTION", "an action needs a `runs:` mapping", root);
  const runs = runsPair.value;
  const usingNode = valueOf(runs, "using");
  const image = valueOf(runs, "image");
  return {
    kind: "action",
    source,
    name: textOf(root, "name"),
    using: scalarText(usingNode),
    usingNode: isScalar(usingNode) ? usingNode : undefined,
    runsPos: source.positionOf(runsPair),
    image: isScalar(image) ? image : undefined,
    steps: buildSteps(source, valueOf(runs, "steps")),
    inputs: entries(valueOf(root, "inputs")).map(([name]) => name),
  };
}

function buildTriggers(source: SourceFile, onPair: Pair<Scalar, Node | null>): TriggerModel[] {
  const value = onPair.value;
  if (isScalar(value)) {
    const event = scalarText(value);
    return event ? [{ event, keyNode: value, pos: source.positionOf(value) }] : [];
  }
  if (isSeq(value)) {
    return value.items.flatMap((item) => {
      const event = scalarText(item);
      return event && isScalar(item) ? [{ event, keyNode: item, pos: source.positionOf(item) }] : [];
    });
  }
  return entries(value).map(([event, pair]) => ({
    event,
    keyNode: pair.key,
    pos: source.positionOf(pair),
    config: pair.value ?? undefined,
  }));
}

function buildJob(source: SourceFile, id: string, pair: Pair<Scalar, Node | null>): JobModel {
  const node = (isMap(pair.value) ? pair.value : undefined) as YAMLMap | undefined;
  const permissionsPair = node ? pairOf(node, "permissions") : undefined;
  const environment = valueOf(node, "environment");
  const uses = valueOf(node, "uses");
  const ifNode = valueOf(node, "if");
  return {
    id,
    keyNode: pair.key,
    node: node ?? (pair.key as unknown as YAMLMap),
    pos: source.positionOf(pair),
    name: textOf(node, "name"),
    runsOn: valueOf(node, "runs-on"),
    permissions: permissionsPair ? buildPermissions(source, permissionsPair) : undefined,
    environment,
    environmentName: isScalar(environment) ? scalarText(environment) : textOf(environment, "name"),
    uses: isScalar(uses) ? uses : undefined,
    with: mapOf(valueOf(node, "with")),
    secrets: valueOf(node, "secrets"),
    steps: buildSteps(source, valueOf(node, "steps")),
    container: valueOf(node, "container"),
    services: valueOf(node, "services"),
    env: mapOf(valueOf(node, "env")),
    if: isScalar(ifNode) ? ifNode : undefined,
    needs: listText(valueOf(node, "needs")),
    strategy: valueOf(node, "strategy"),
  };
}

function buildSteps(source: SourceFile, stepsNode: Node | undefined): StepModel[] {
  if (!isSeq(stepsNode)) return [];
  const steps: StepModel[] = [];
  stepsNode.items.forEach((item, index) => {
    if (!isMap(item)) return;
    const uses = valueOf(item, "uses");
    const run = valueOf(item, "run");
    const ifNode = valueOf(item, "if");
    const withNode = valueOf(item, "with");
    const envNode = valueOf(item, "env");
    steps.push({
      index,
      node: item,
      pos: source.positionOf(item),
      id: textOf(item, "id"),
      name: textOf(item, "name"),
      uses: isScalar(uses) ? uses : undefined,
      run: isScalar(run) ? run : undefined,
      shell: textOf(item, "shell"),
      with: mapOf(withNode),
      withNode: isMap(withNode) ? withNode : undefined,
      env: mapOf(envNode),
      envNode: isMap(envNode) ? envNode : undefined,
      if: isScalar(ifNode) ? ifNode : undefined,
      workingDirectory: textOf(item, "working-directory"),
    });
  });
  return steps;
}

export function buildPermissions(source: SourceFile, pair: Pair<Scalar, Node | null>): PermissionsModel {
  const value = pair.value;
  const pos = source.positionOf(pair);
  const text = scalarText(value);
  if (text === "read-all" || text === "write-all") {
    return { kind: "all", level: text === "read-all" ? "read" : "write", pair, pos };
  }
  const scopes = new Map<string, { level: PermissionLevel; pos: Position }>();
  for (const [scope, scopePair] of entries(value)) {
    const level = scalarText(scopePair.value);
    if (level === "read" || level === "write" || level === "none") scopes.set(scope, { level, pos: source.positionOf(scopePair) });
  }
  return { kind: "map", scopes, pair, pos };
}

function mapOf(node: Node | undefined): Map<string, Scalar | Node> {
  const out = new Map<string, Scalar | Node>();
  for (const [key, pair] of entries(node)) if (pair.value) out.set(key, pair.value);
  return out;
}

function listText(node: Node | undefined): string[] {
  if (isScalar(node)) return scalarText(node) ? [scalarText(node) as string] : [];
  if (isSeq(node)) return node.items.map(scalarText).filter((v): v is string => v !== undefined);
  return [];
}

type Position = import("./source.js").Position;
