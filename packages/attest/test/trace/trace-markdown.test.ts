import { describe, expect, it } from "vitest";
import { SLSA_PROVENANCE_V1, traceMarkdown, type EnvironmentFact, type Trace, type TraceLink } from "@peptide/attest";
import { environmentFacts, promotionsLink } from "../../src/trace/links.js";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const PROVENANCE_MISSING = "no SLSA provenance is attached to the image";

function trace(links: TraceLink[], options: { name?: string; provenance?: boolean } = {}): Trace {
  const signatures = [{ predicateType: "https://cyclonedx.org/bom", signer: "https://github.com/acme/svc/.github/workflows/release.yml@refs/tags/v1.0.0", manifest: `sha256:${"cd".repeat(32)}` }];
  if (options.provenance !== false) signatures.push({ ...signatures[0]!, predicateType: SLSA_PROVENANCE_V1 });
  return {
    version: 1,
    image: { name: options.name ?? "ghcr.io/acme/svc", location: "ghcr.io/acme/svc", digest: DIGEST, mediaType: "application/vnd.oci.image.manifest.v1+json", size: 512 },
    attachments: signatures.length,
    links,
    signatures,
    missing: links.filter((l) => l.status === "missing").map((l) => l.name),
  };
}

const present = (name: TraceLink["name"], summary: string, details?: string[]): TraceLink => ({ name, status: "present", summary, ...(details ? { details } : {}) });
const missing = (name: TraceLink["name"], summary = PROVENANCE_MISSING): TraceLink => ({ name, status: "missing", summary });

const ENVIRONMENTS: EnvironmentFact[] = [
  { environment: "staging", target: "ghcr.io/acme/svc-staging:1.0.0", promotedAt: "2026-11-23T02:00:00.000Z", approvals: [{ user: "ana", at: "2026-11-23T01:59:00Z" }] },
  { environment: "production", target: "ghcr.io/acme/svc-prod:1.0.0", promotedAt: "2026-11-23T03:00:00.000Z", approvals: [{ user: "bo" }] },
];

function fullChain(repository = "https://github.com/acme/svc"): TraceLink[] {
  return [
    present("repository", repository),
    present("commit", `${"1".repeat(40)} (refs/tags/v1.0.0)`),
    present("workflow", ".github/workflows/release.yml @ refs/tags/v1.0.0"),
    present("run", "https://github.com/acme/svc/actions/runs/7/attempts/1 (github-hosted runner)"),
    present("triggered by", "push by maria (id 42)"),
    present("lockfiles", "1 lockfile", [`package-lock.json  sha256:${"ef".repeat(32)}`]),
    present("sbom", "CycloneDX 1.6 of svc@1.0.0, 2 components"),
    present("signatures", "2 Sigstore bundles (read, not verified here: `peptide verify` is the gate)"),
    promotionsLink(ENVIRONMENTS),
  ];
}

/** The lines between the ```mermaid fence and the next fence. */
function mermaid(markdown: string): string[] {
  const lines = markdown.split("\n");
  const start = lines.indexOf("```mermaid");
  const end = lines.indexOf("```", start + 1);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return lines.slice(start + 1, end);
}

/** Every diagram line is one of the statements we write: a fixed-id node with one quoted label, an edge, a class line. */
function expectWellFormed(diagram: string[]): void {
  expect(diagram[0]).toBe("flowchart LR");
  for (const line of diagram.slice(1)) {
    expect(line).toMatch(/^ {2}(?:[a-z0-9]+\["[^"\n]*"\]|[a-z0-9]+ -(?:-|\.-)> [a-z0-9]+|classDef [a-z]+ [a-z0-9:#,. -]+|class [a-z0-9,]+ [a-z]+)$/);
  }
}

describe("traceMarkdown", () => {
  it("renders a full chain: every link present, each environment with its approver and time in the diagram", () => {
    const markdown = traceMarkdown(trace(fullChain()), ENVIRONMENTS);
    expect(markdown).toMatch(/^## Peptide trace$/m);
    expect(markdown).toContain("✅ every link is present");
    expect(markdown).toContain("| link | status | what |");
    expect(markdown).toMatch(/^\| repository \| ✅ present \| https:\/\/github\.com\/acme\/svc \|$/m);
    expect(markdown).toMatch(/^\| lockfiles \| ✅ present \| 1 lockfile<br>package-lock\.json {2}sha256:(ef){32} \|$/m);
    expect(markdown).toMatch(/^\| promotions \| ✅ present \| staging → production<br>staging: .* approved by ana at 2026-11-23T01:59:00Z<br>production: .* approved by bo \|$/m);
    expect(markdown).not.toContain("missing**");

    const diagram = mermaid(markdown);
    expectWellFormed(diagram);
    expect(diagram).toEqual(expect.arrayContaining(["  commit --> run", "  run --> image", "  image --> provenance", "  image --> sbom", "  image --> signatures", "  signatures --> env1", "  env1 --> env2"]));
    expect(diagram).toContain('  env1["environment: staging<br/>approved by ana at 2026-11-23T01:59:00Z<br/>promoted at 2026-11-23T02:00:00.000Z"]');
    // An approval recorded without a time reads "approved by bo", not "at undefined".
    expect(diagram).toContain('  env2["environment: production<br/>approved by bo<br/>promoted at 2026-11-23T03:00:00.000Z"]');
    expect(diagram.some((l) => /^ {2}class .* missing$/.test(l))).toBe(false);
    expect(diagram).toContain("  classDef missing fill:#fdd,stroke:#d00,color:#900");
  });

  it("shows a chain without provenance: red nodes in the diagram, ❌ **missing** in the table, and no environment yet", () => {
    const links = [
      ...(["repository", "commit", "workflow", "run", "triggered by", "lockfiles"] as const).map((n) => missing(n)),
      present("sbom", "CycloneDX 1.6, 0 components"),
      present("signatures", "1 Sigstore bundle (read, not verified here: `peptide verify` is the gate)"),
      promotionsLink([]),
    ];
    const markdown = traceMarkdown(trace(links, { provenance: false }), []);
    expect(markdown).toContain("❌ **6 links missing**: repository, commit, workflow, run, triggered by, lockfiles");
    expect(markdown).toMatch(/^\| commit \| ❌ \*\*missing\*\* \| no SLSA provenance is attached to the image \|$/m);
    expect(markdown).toMatch(/^\| promotions \| ➖ none yet \| none recorded \|$/m);

    const diagram = mermaid(markdown);
    expectWellFormed(diagram);
    expect(diagram).toContain("  class commit,run,provenance,lockfiles missing");
    expect(diagram).toContain('  provenance["SLSA provenance<br/>missing"]');
    expect(diagram).toContain("  signatures -.-> none");
  });

  it("keeps hostile text inside its label and its cell: quotes, brackets, newlines, fences, pipes, entities", () => {
    const hostile = 'https://github.com/acme/x"]\n```\nclick commit "javascript:alert(1)"\n  evil[<img src=x onerror=alert(1)>] | #quot; %%';
    const links = fullChain(hostile);
    const environments: EnvironmentFact[] = [{ environment: 'prod"]:::x\n```', approvals: [{ user: "a|b<script>", at: "`now`" }] }];
    links[8] = promotionsLink(environments);
    const markdown = traceMarkdown(trace(links, { name: 'ghcr.io/acme/x"]\n```' }), environments);

    // One fenced block, opened and closed by our own fences.
    expect(markdown.split("\n").filter((l) => l.startsWith("```"))).toEqual(["```mermaid", "```"]);
    const diagram = mermaid(markdown);
    expectWellFormed(diagram);
    expect(diagram.filter((l) => l.startsWith("  commit["))).toHaveLength(1);
    // "click" survives only as text inside a label (expectWellFormed: no line is a statement of its own).
    expect(diagram.join("\n")).not.toMatch(/<img|<script/);
    expect(diagram.join("\n")).toContain("x#quot;#93;");

    // Every table row keeps its three cells: a pipe in the text is escaped.
    const rows = markdown.split("\n").filter((l) => l.startsWith("| "));
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length, row).toBe(5);
    // Outside the diagram, `<` is backslash-escaped: text, not HTML.
    expect(markdown).not.toMatch(/(?<!\\)<(img|script)/);
    expect(markdown).toContain("\\<img src=x");
  });
});

describe("environmentFacts", () => {
  it("reads promotion predicates defensively, oldest first, an approval without a time kept without one", () => {
    const facts = environmentFacts([
      { environment: "production", promotedAt: "2026-11-23T03:00:00Z", target: { name: "r/prod", tag: "1" }, approvals: [{ user: "bo" }, { at: "2026-01-01T00:00:00Z" }, "x"] },
      { environment: "staging", promotedAt: "2026-11-23T02:00:00Z", approvals: [{ user: "ana", at: "2026-11-23T01:00:00Z" }], runUrl: "https://github.com/acme/svc/actions/runs/1" },
      "not a predicate",
    ]);
    expect(facts.map((f) => f.environment)).toEqual(["?", "staging", "production"]);
    expect(facts[2]).toEqual({ environment: "production", target: "r/prod:1", promotedAt: "2026-11-23T03:00:00Z", approvals: [{ user: "bo" }] });
    expect(promotionsLink(facts.slice(1)).details).toEqual([
      "staging: ? at 2026-11-23T02:00:00Z, approved by ana at 2026-11-23T01:00:00Z, run https://github.com/acme/svc/actions/runs/1",
      "production: r/prod:1 at 2026-11-23T03:00:00Z, approved by bo",
    ]);
  });
});
