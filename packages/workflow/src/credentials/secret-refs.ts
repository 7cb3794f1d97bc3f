import { isMap, isPair, isScalar, isSeq, type Scalar } from "yaml";
import { contextPaths, findExpressions } from "../expressions.js";
import { scalarText, type Position, type SourceFile } from "../model/source.js";
import type { JobModel, WorkflowModel } from "../model/types.js";

/** One read of the `secrets` context. */
export interface SecretRef {
  /**
   * `named`: `secrets.NAME` or `secrets['NAME']`; `dynamic`: `secrets[expr]`; `all`: the whole
   * context, as in `toJSON(secrets)`.
   */
  kind: "named" | "dynamic" | "all";
  /** Upper-case secret name for `named` refs (GitHub secret names are case-insensitive). */
  name?: string;
  /** The `${{ ... }}` text that reads it. */
  expression: string;
  /** The scalar holding the expression. */
  node: Scalar;
  pos: Position;
  /** True when only a boolean derived from the secret is used (`secrets.X != ''`). */
  sanitized: boolean;
}

/** Every scalar value below a node (map keys excluded), in document order. */
export function scalarsIn(node: unknown): Scalar[] {
  const out: Scalar[] = [];
  collectScalars(node, out);
  return out;
}

function collectScalars(n: unknown, out: Scalar[]): void {
  if (isScalar(n)) out.push(n);
  else if (isMap(n)) for (const item of n.items) collectScalars(item.value, out);
  else if (isSeq(n)) for (const item of n.items) collectScalars(item, out);
  else if (isPair(n)) collectScalars(n.value, out);
}

/**
 * Reads of the `secrets` context in a scalar's expressions. Worked out once per scalar and shared
 * by the rules that ask: do not modify the result.
 */
export function secretRefsOf(source: SourceFile, node: Scalar): SecretRef[] {
  const text = scalarText(node);
  if (!text || !text.includes("secrets")) return [];
  const cached = refsCache.get(node);
  if (cached && cached.source === source) return cached.refs;
  const refs = findSecretRefs(source, node, text);
  refsCache.set(node, { source, refs });
  return refs;
}

const refsCache = new WeakMap<Scalar, { source: SourceFile; refs: SecretRef[] }>();

function findSecretRefs(source: SourceFile, node: Scalar, text: string): SecretRef[] {
  const refs: SecretRef[] = [];
  const seen = new Map<string, number>();
  for (const span of findExpressions(text)) {
    const occurrence = seen.get(span.text) ?? 0;
    seen.set(span.text, occurrence + 1);
    for (const { path, sanitized } of contextPaths(span.inner)) {
      if (path !== "secrets" && !path.startsWith("secrets.")) continue;
      const rest = path.slice("secrets.".length);
      const kind = path === "secrets" ? "all" : rest === "*" || rest.startsWith("*") ? "dynamic" : "named";
      const name = kind === "named" ? rest.split(".")[0]!.toUpperCase() : undefined;
      refs.push(new FoundRef(source, kind, name, span.text, node, occurrence, sanitized));
    }
  }
  return refs;
}

/** A secret read whose position is worked out only when a rule reports it. */
class FoundRef implements SecretRef {
  private at?: Position;

  constructor(
    private readonly source: SourceFile,
    readonly kind: SecretRef["kind"],
    readonly name: string | undefined,
    readonly expression: string,
    readonly node: Scalar,
    private readonly occurrence: number,
    readonly sanitized: boolean,
  ) {}

  get pos(): Position {
    this.at ??= this.source.positionIn(this.node, this.expression, this.occurrence);
    return this.at;
  }
}

/** Reads of the `secrets` context anywhere below a node. */
export function secretRefsIn(source: SourceFile, node: unknown): SecretRef[] {
  const out: SecretRef[] = [];
  for (const scalar of scalarsIn(node)) {
    const refs = secretRefsOf(source, scalar);
    for (const ref of refs) out.push(ref);
  }
  return out;
}

/** True for the always-present token, which is not a stored secret. */
export function isGithubToken(ref: SecretRef): boolean {
  return ref.kind === "named" && ref.name === "GITHUB_TOKEN";
}

/** Secret reads that reach a job: its own body plus the workflow-level `env:`. */
export function jobSecretRefs(workflow: WorkflowModel, job: JobModel): SecretRef[] {
  const source = workflow.source;
  const fromWorkflowEnv = [...workflow.env.values()].flatMap((value) => secretRefsIn(source, value));
  return [...fromWorkflowEnv, ...secretRefsIn(source, job.node)];
}

