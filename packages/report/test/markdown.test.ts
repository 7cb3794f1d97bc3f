import { describe, expect, it } from "vitest";
import { escapeMarkdown, fileUrl, messageMarkdown, splitAnnotations, toMarkdownSummary } from "../src/index.js";
import { finding } from "./findings.js";

const BASE = "https://github.com/o/r/blob/0123456789abcdef0123456789abcdef01234567/";

describe("markdown summary", () => {
  const findings = [
    finding({ severity: "medium", line: 4, message: "medium one" }),
    finding({ severity: "critical", line: 8, rule: "template-injection", message: "critical one" }),
    finding({ severity: "high", line: 2, message: "high one" }),
  ];

  it("counts by severity, then lists the most severe findings with links", () => {
    const md = toMarkdownSummary({ findings, files: 2 }, { baseUrl: BASE });
    expect(md).toContain("## Peptide audit\n");
    expect(md).toContain("| severity | findings |\n| --- | ---: |\n| critical | 1 |\n| high | 1 |\n| medium | 1 |\n| low | 0 |\n| **total** | **3** |");
    expect(md).toContain("3 findings in 2 files audited.");
    const rows = md.split("\n").filter((l) => /^\| (critical|high|medium|low) \| \[/.test(l));
    expect(rows.map((r) => r.split(" | ")[0])).toEqual(["| critical", "| high", "| medium"]);
    expect(rows[0]).toBe(
      "| critical | [template-injection](https://github.com/peptide-dev/peptide/blob/main/docs/rules/template-injection.md) | " +
        `[.github/workflows/ci.yml:8:15](${BASE}.github/workflows/ci.yml#L8) | critical one |`,
    );
  });

  it("limits the list to the top N and says how many", () => {
    const md = toMarkdownSummary({ findings, files: 2 }, { top: 1 });
    expect(md).toContain("### Most severe findings (1 of 3)");
    expect(md).toContain("critical one");
    expect(md).not.toContain("medium one");
    expect(md).toContain("| .github/workflows/ci.yml:8:15 |");
  });

  it("lists the findings that did not fit as annotations", () => {
    const lots = Array.from({ length: 13 }, (_, i) => finding({ line: i + 1, message: `finding ${i}` }));
    const { overflow } = splitAnnotations(lots);
    const md = toMarkdownSummary({ findings: lots, files: 1 }, { top: 5, overflow, baseUrl: BASE });
    const section = md.slice(md.indexOf("### Not shown as annotations"));
    expect(section).toContain("3 more findings did not fit");
    for (const f of overflow) expect(section).toContain(`#L${f.line})`);
    expect(section.split("\n").filter((l) => l.startsWith("| high |"))).toHaveLength(3);
  });

  it("lists skipped files and says when there are no findings", () => {
    const md = toMarkdownSummary({ findings: [], files: 0, skipped: [{ file: "x.yml", reason: "not followed" }] });
    expect(md).toContain("No findings in 0 files audited.");
    expect(md).toContain("<details><summary>1 file skipped</summary>\n\n- x.yml: not followed\n\n</details>");
  });

  it("stays under its size limit and says what it left out", () => {
    const lots = Array.from({ length: 500 }, (_, i) => finding({ line: i + 1, message: "m".repeat(200) }));
    const md = toMarkdownSummary({ findings: lots, files: 1 }, { top: 500, maxBytes: 20_000 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(20_000);
    expect(md).toMatch(/_\d+ more findings not listed: the summary is at its size limit/);
  });
});

describe("markdown escaping", () => {
  it("escapes table pipes, markdown and HTML in messages", () => {
    expect(escapeMarkdown("a | b")).toBe("a \\| b");
    expect(escapeMarkdown("*bold* _it_ [x](http://e) ![i](u) # h")).toBe("\\*bold\\* \\_it\\_ \\[x\\]\\(http\\://e\\) \\!\\[i\\]\\(u\\) \\# h");
    expect(escapeMarkdown("<img src=x onerror=alert(1)> & @team")).toBe("&lt;img src=x onerror=alert\\(1\\)&gt; &amp; \\@team");
    expect(escapeMarkdown("line\nbreak\r\nhere")).toBe("line break here");
  });

  it("keeps code spans as <code>, escaped inside", () => {
    expect(messageMarkdown("uses `a|b<c>` then | `d*`")).toBe("uses <code>a\\|b&lt;c&gt;</code> then \\| <code>d\\*</code>");
    expect(messageMarkdown("an unpaired ` backtick")).toBe("an unpaired \\` backtick");
  });

  it("cannot break out of a table row", () => {
    const md = toMarkdownSummary({ findings: [finding({ message: "x | y\n| injected | row |", file: "a|b.yml" })], files: 1 });
    const rows = md.split("\n").filter((l) => l.startsWith("| high | ["));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.replace(/\\\|/g, "").split("|")).toHaveLength(6);
  });

  it("builds file links with each path segment encoded", () => {
    expect(fileUrl("https://x/blob/sha", "./dir one/(a)#b.yml", 3)).toBe("https://x/blob/sha/dir%20one/%28a%29%23b.yml#L3");
  });
});
