import { pairOf, type Position, type SourceFile } from "../model/source.js";
import type { PermissionsModel, StepModel } from "../model/types.js";
import { input, stepAction } from "../step-inputs.js";

/** How a step authenticates to a cloud: with a federated OIDC token, or with a stored key. */
export interface CloudAuth {
  provider: "AWS" | "Google Cloud" | "Azure";
  action: string;
  mode: "oidc" | "static";
  /** The input carrying the static key (`static` mode). */
  keyInput?: string;
  /** Where to point: the key input, or the `uses:`. */
  at: Position;
}

const given = (step: StepModel, name: string): boolean => {
  const value = input(step, name);
  return value !== undefined && value.trim() !== "";
};

/**
 * The cloud login a step performs, for the three providers that federate GitHub's OIDC token:
 * configure-aws-credentials, google-github-actions/auth and azure/login.
 */
export function cloudAuthOf(source: SourceFile, step: StepModel): CloudAuth | undefined {
  const action = stepAction(step);
  const at = (name?: string) => {
    const pair = name ? pairOf(step.withNode, name) : undefined;
    return pair ? source.positionOf(pair) : source.positionOf(step.uses);
  };
  if (action === "aws-actions/configure-aws-credentials") {
    const key = ["aws-access-key-id", "aws-secret-access-key"].find((k) => given(step, k));
    if (key) return { provider: "AWS", action, mode: "static", keyInput: key, at: at(key) };
    if (given(step, "role-to-assume") && !given(step, "web-identity-token-file")) return { provider: "AWS", action, mode: "oidc", at: at() };
    return undefined;
  }
  if (action === "google-github-actions/auth") {
    if (given(step, "credentials_json")) return { provider: "Google Cloud", action, mode: "static", keyInput: "credentials_json", at: at("credentials_json") };
    if (given(step, "workload_identity_provider")) return { provider: "Google Cloud", action, mode: "oidc", at: at() };
    return undefined;
  }
  if (action === "azure/login") {
    if (given(step, "creds")) return { provider: "Azure", action, mode: "static", keyInput: "creds", at: at("creds") };
    if (given(step, "client-id")) return { provider: "Azure", action, mode: "oidc", at: at() };
    return undefined;
  }
  return undefined;
}

/** The `id-token` level a permissions block grants, or undefined when it says nothing. */
export function idTokenLevel(permissions: PermissionsModel | undefined): "write" | "read" | "none" | undefined {
  if (!permissions) return undefined;
  if (permissions.kind === "all") return permissions.level;
  return permissions.scopes.get("id-token")?.level ?? "none";
}
