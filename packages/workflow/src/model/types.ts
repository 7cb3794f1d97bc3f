import type { Node, Pair, Scalar, YAMLMap } from "yaml";
import type { Position, SourceFile } from "./source.js";

export type PermissionLevel = "read" | "write" | "none";

/** A `permissions:` block as written. */
export type PermissionsModel =
  | { kind: "all"; level: "read" | "write"; pair: Pair; pos: Position }
  | { kind: "map"; scopes: Map<string, { level: PermissionLevel; pos: Position }>; pair: Pair; pos: Position };

export interface StepModel {
  /** 0-based index in the job's (or composite action's) `steps:`. */
  index: number;
  node: YAMLMap;
  pos: Position;
  id?: string;
  name?: string;
  /** The `uses:` value node, when the step calls an action. */
  uses?: Scalar;
  /** The `run:` value node, when the step runs a script. */
  run?: Scalar;
  shell?: string;
  with: Map<string, Scalar | Node>;
  withNode?: YAMLMap;
  env: Map<string, Scalar | Node>;
  envNode?: YAMLMap;
  if?: Scalar;
  workingDirectory?: string;
}

export interface JobModel {
  id: string;
  /** The job's key in `jobs:`; findings about the job point here. */
  keyNode: Scalar;
  node: YAMLMap;
  pos: Position;
  name?: string;
  runsOn?: Node;
  permissions?: PermissionsModel;
  environment?: Node;
  /** Name of the deployment environment, when it is a plain string or `{name: x}`. */
  environmentName?: string;
  /** A reusable-workflow call: `jobs.<id>.uses`. */
  uses?: Scalar;
  with: Map<string, Scalar | Node>;
  secrets?: Node;
  steps: StepModel[];
  container?: Node;
  services?: Node;
  env: Map<string, Scalar | Node>;
  if?: Scalar;
  needs: string[];
  strategy?: Node;
}

export interface TriggerModel {
  event: string;
  keyNode: Node;
  pos: Position;
  /** The trigger's configuration (`branches:`, `types:`, `inputs:`...), when a mapping. */
  config?: Node;
}

export interface WorkflowModel {
  kind: "workflow";
  source: SourceFile;
  name?: string;
  triggers: TriggerModel[];
  /** The `on:` key, for findings about the trigger set. */
  onPos: Position;
  permissions?: PermissionsModel;
  env: Map<string, Scalar | Node>;
  jobs: JobModel[];
}

export interface ActionModel {
  kind: "action";
  source: SourceFile;
  name?: string;
  /** `runs.using`: `node24`, `composite`, `docker`... */
  using?: string;
  usingNode?: Scalar;
  runsPos: Position;
  /** `runs.image` for docker actions. */
  image?: Scalar;
  steps: StepModel[];
  inputs: string[];
}

export type AuditTarget = WorkflowModel | ActionModel;
