import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap } from "yaml";

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** Aliases allowed before a document is treated as an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/** One YAML file with its text, document and a way back from any node to line and column. */
export class SourceFile {
  readonly lineCounter = new LineCounter();
  readonly doc: Document.Parsed;

  constructor(
    /** Path as given to the user (relative to the working directory when possible). */
    readonly path: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: false, strict: false });
  }

  get root(): YAMLMap | undefined {
    const contents = this.doc.contents;
    return isMap(contents) ? contents : undefined;
  }

  position(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** Where a node starts; for a pair, where its key starts. */
  positionOf(node: Node | Pair | null | undefined): Position {
    if (node === null || node === undefined) return { line: 1, column: 1 };
    const target = isPair(node) ? (node.key as Node | null) : node;
    const range = target && "range" in target ? target.range : undefined;
    return range ? this.position(range[0]) : { line: 1, column: 1 };
  }

  /**
   * Where `needle` occurs inside a node's source text (the `occurrence`-th time, 0-based), falling
   * back to the node's start. Used to point at an expression inside a multi-line `run:` script.
   */
  positionIn(node: Node, needle: string, occurrence = 0): Position {
    const range = node.range;
    if (!range) return this.positionOf(node);
    const raw = this.text.slice(range[0], range[1]);
    let at = -1;
    for (let i = 0; i <= occurrence; i++) {
      at = raw.indexOf(needle, at + 1);
      if (at < 0) break;
    }
    return at < 0 ? this.positionOf(node) : this.position(range[0] + at);
  }

  /** The source line (1-based) as text, without its newline. */
  line(n: number): string {
    const start = this.lineCounter.lineStarts[n - 1];
    if (start === undefined) return "";
    const end = this.lineCounter.lineStarts[n] ?? this.text.length;
    return this.text.slice(start, end).replace(/\r?\n$/, "");
  }

  /** Resolves aliases within the alias budget; throws on an alias bomb. */
  assertAliasBudget(): void {
    this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  }
}

/** The pair for `key` in a map, if any. Keys compare as strings. */
export function pairOf(map: unknown, key: string): Pair<Scalar, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isScalar(item.key) && String(item.key.value) === key) return item as Pair<Scalar, Node | null>;
  }
  return undefined;
}

/** The value node for `key` in a map, if any. */
export function valueOf(map: unknown, key: string): Node | undefined {
  const value = pairOf(map, key)?.value;
  return value ?? undefined;
}

/** A scalar's value as a string (numbers and booleans stringified), or undefined. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (value === null || value === undefined) return undefined;
  return typeof value === "string" ? value : String(value);
}

/** The scalar string for `key`, if the value is a scalar. */
export function textOf(map: unknown, key: string): string | undefined {
  return scalarText(valueOf(map, key));
}

/** Pairs of a map with string keys. */
export function entries(map: unknown): Array<[string, Pair<Scalar, Node | null>]> {
  if (!isMap(map)) return [];
  const out: Array<[string, Pair<Scalar, Node | null>]> = [];
  for (const item of map.items) {
    if (isScalar(item.key)) out.push([String(item.key.value), item as Pair<Scalar, Node | null>]);
  }
  return out;
}

/** Items of a sequence, or the node itself as a one-element list when it is a scalar. */
export function listOf(node: unknown): Node[] {
  if (isSeq(node)) return node.items.filter((item): item is Node => item !== null && typeof item === "object");
  if (isScalar(node) || isMap(node)) return [node];
  return [];
}

export { isMap, isScalar, isSeq, isPair };
export type { Node, Pair, Scalar, YAMLMap };
