/**
 * The chain as a Mermaid `flowchart LR`: commit → workflow run → image digest → provenance (and
 * its lockfiles) / SBOM / signatures → each environment reached, with who approved it and when.
 * A missing link is a node of class `missing` (red); it is drawn, never left out.
 *
 * Node ids are fixed words, never taken from the trace. Every label is a `"…"` string whose
 * text from the trace is entity-encoded (`#quot;`, `#91;` …) with line breaks flattened, so a
 * repository name holding `"]`, a backtick fence or a newline stays inside its label.
 */
import { SLSA_PROVENANCE_V1 } from "../types.js";
import { approvalText } from "./links.js";
import type { EnvironmentFact, LinkName, Trace, TraceLink } from "./types.js";

const MAX_LABEL_LINE = 100;

export function traceMermaid(trace: Trace, environments: readonly EnvironmentFact[]): string {
  const link = (name: LinkName): TraceLink | undefined => trace.links.find((l) => l.name === name);
  const shown = (name: LinkName): string => (link(name)?.status === "present" ? (link(name)?.summary ?? "") : "missing");
  const missing = (...names: LinkName[]): boolean => names.some((n) => link(n)?.status === "missing");
  const nodes: Array<{ id: string; lines: string[]; missing: boolean }> = [];
  const edges: string[] = [];
  const provenance = trace.signatures.some((s) => s.predicateType === SLSA_PROVENANCE_V1);

  nodes.push({ id: "commit", lines: ["commit", shown("commit"), ...(missing("repository") ? ["repository missing"] : [shown("repository")])], missing: missing("commit", "repository") });
  nodes.push({ id: "run", lines: ["workflow run", shown("workflow"), shown("run"), `triggered by: ${shown("triggered by")}`], missing: missing("workflow", "run", "triggered by") });
  nodes.push({ id: "image", lines: ["image", trace.image.name, trace.image.digest], missing: false });
  nodes.push({ id: "provenance", lines: ["SLSA provenance", provenance ? "attached" : "missing"], missing: !provenance });
  nodes.push({ id: "lockfiles", lines: ["lockfiles", shown("lockfiles")], missing: missing("lockfiles") });
  nodes.push({ id: "sbom", lines: ["SBOM", shown("sbom")], missing: missing("sbom") });
  nodes.push({ id: "signatures", lines: ["signatures", shown("signatures").replace(/ \(read, not verified.*$/, "")], missing: missing("signatures") });
  edges.push("commit --> run", "run --> image", "image --> provenance", "provenance --> lockfiles", "image --> sbom", "image --> signatures");

  let previous = "signatures";
  environments.forEach((environment, index) => {
    const id = `env${index + 1}`;
    const lines = [`environment: ${environment.environment}`, approvalText(environment.approvals)];
    if (environment.promotedAt !== undefined) lines.push(`promoted at ${environment.promotedAt}`);
    nodes.push({ id, lines, missing: false });
    edges.push(`${previous} --> ${id}`);
    previous = id;
  });
  const out = ["flowchart LR"];
  for (const node of nodes) out.push(`  ${node.id}[${label(node.lines)}]`);
  if (environments.length === 0) out.push(`  none[${label(["no environment yet"])}]`);
  for (const edge of edges) out.push(`  ${edge}`);
  if (environments.length === 0) out.push("  signatures -.-> none");
  out.push("  classDef missing fill:#fdd,stroke:#d00,color:#900", "  classDef none fill:#eee,stroke:#999,stroke-dasharray:4 4,color:#555");
  const red = nodes.filter((n) => n.missing).map((n) => n.id);
  if (red.length > 0) out.push(`  class ${red.join(",")} missing`);
  if (environments.length === 0) out.push("  class none none");
  return out.join("\n");
}

/** A quoted Mermaid label: each line entity-encoded, joined with `<br/>`. */
function label(lines: readonly string[]): string {
  return `"${lines.map((line) => mermaidText(line)).join("<br/>")}"`;
}

/**
 * Text safe inside a quoted Mermaid label: control characters and line breaks become spaces;
 * `#` first (it starts an entity), then quotes, brackets, braces, parentheses, `<`, `>`, `&`, `|`,
 * backticks (a markdown string, or a code fence closing) and `%` become `#<code>;` entities.
 */
export function mermaidText(value: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
  const short = flat.length > MAX_LABEL_LINE ? `${flat.slice(0, MAX_LABEL_LINE - 1)}…` : flat;
  return short.replace(/[#"<>&[\]{}()|`%\\]/g, (c) => (c === '"' ? "#quot;" : `#${c.charCodeAt(0)};`));
}
