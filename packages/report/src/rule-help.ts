/**
 * Reads a rule's docs page (markdown, handed over by the caller; never read from disk here) into
 * the pieces SARIF wants: the page without its title, a plain-text version, and a one-paragraph
 * description.
 */

/** The page without its leading `# rule-id` title (code scanning shows the rule name already). */
export function helpMarkdown(markdown: string): string {
  return markdown.replace(/^\uFEFF?#[ \t][^\n]*\n+/, "").trim();
}

/** The page as plain text: heading marks and emphasis dropped, code blocks indented. */
export function helpText(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const line of helpMarkdown(markdown).split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      out.push(`    ${line}`);
      continue;
    }
    out.push(stripInline(line.replace(/^#{1,6}[ \t]+/, "")));
  }
  return out.join("\n").trim();
}

/**
 * The first paragraph under "What it finds" (or the first prose paragraph of the page), joined
 * onto one line; undefined when the page has none.
 */
export function summaryParagraph(markdown: string): { text: string; markdown: string } | undefined {
  const paragraphs = paragraphsOf(helpMarkdown(markdown));
  const afterWhat = paragraphs.findIndex((p) => /^#{1,6}\s+what\b/i.test(p));
  const candidates = afterWhat >= 0 ? paragraphs.slice(afterWhat + 1) : paragraphs;
  const first = candidates.find((p) => isProse(p));
  if (first === undefined) return undefined;
  const md = first.split(/\s*\n\s*/).join(" ");
  return { text: stripInline(md), markdown: md };
}

function paragraphsOf(markdown: string): string[] {
  const paragraphs: string[] = [];
  let current: string[] = [];
  let inFence = false;
  const flush = () => {
    if (current.length > 0) paragraphs.push(current.join("\n"));
    current = [];
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence && /^#{1,6}\s/.test(line)) {
      flush();
      paragraphs.push(line);
      continue;
    }
    if (!inFence && line.trim() === "") {
      flush();
      continue;
    }
    current.push(line);
  }
  flush();
  return paragraphs;
}

function isProse(paragraph: string): boolean {
  if (/^#{1,6}\s/.test(paragraph)) return false;
  if (/^\s*(```|~~~|\||>|<)/.test(paragraph)) return false;
  // The "**Severity:** high · **Confidence:** ..." line under the title is metadata, not prose.
  if (/^\*\*[^*]+:\*\*/.test(paragraph)) return false;
  return true;
}

function stripInline(text: string): string {
  return text.replace(/\*\*([^*]+)\*\*/g, "$1").replace(/\[([^\]]+)\]\(([^)]+)\)/g, "$1 ($2)");
}
