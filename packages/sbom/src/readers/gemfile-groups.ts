/**
 * The Bundler groups a `Gemfile` puts each gem in, read line by line without running Ruby:
 * `group :development, :test do … end` blocks and `group:` / `groups:` options on `gem` lines.
 * Gems it cannot place stay in the default group, so an unusual Gemfile can only make a gem
 * required, never hide a runtime gem as dev.
 */

/** Groups whose gems are not needed at run time. */
const DEV_GROUPS = new Set(["development", "test", "dev", "ci", "lint"]);
/** Longer lines are not Gemfile declarations; skipping them keeps the regexes linear in the file. */
const MAX_LINE = 2000;
/** Ruby keywords that open a block closed by `end` when they start a line. */
const BLOCK_KEYWORDS = /^(?:if|unless|case|while|until|begin|def|class|module)\b/;

export interface GemfileGroups {
  /** Gem names declared only in development groups. */
  dev: Set<string>;
  /** Every gem name the Gemfile declares. */
  declared: Set<string>;
  /** The Gemfile calls `gemspec` (the project's gemspec supplies dependencies). */
  gemspec: boolean;
}

export function readGemfileGroups(text: string): GemfileGroups {
  const out: GemfileGroups = { dev: new Set(), declared: new Set(), gemspec: false };
  const stack: Array<string[] | undefined> = [];
  const groupsOfGem = new Map<string, boolean>();
  for (const rawLine of text.split("\n")) {
    if (rawLine.length > MAX_LINE) continue;
    const line = stripComment(rawLine).trim();
    if (line === "") continue;
    if (line === "end" || line.startsWith("end ") || line.startsWith("end.")) {
      stack.pop();
      continue;
    }
    const group = /^group\s*\(?\s*((?::\w+|["']\w+["'])(?:\s*,\s*(?::\w+|["']\w+["']))*)(?:\s*,\s*[\w:]+\s*(?:=>|:)\s*[^,]+)*\s*\)?\s*do\b/.exec(line);
    if (group?.[1]) {
      stack.push(symbols(group[1]));
      continue;
    }
    const gem = /^gem\s*\(?\s*["']([^"']+)["'](.*)$/.exec(line);
    if (gem?.[1]) {
      const inline = /\bgroups?\s*(?::|=>)\s*(\[[^\]]*\]|:\w+|["']\w+["'])/.exec(gem[2] ?? "");
      const groups = [...stack.flatMap((g) => g ?? []), ...(inline?.[1] ? symbols(inline[1]) : [])];
      const devOnly = groups.length > 0 && groups.every((g) => DEV_GROUPS.has(g));
      out.declared.add(gem[1]);
      groupsOfGem.set(gem[1], (groupsOfGem.get(gem[1]) ?? true) && devOnly);
      if (/\bdo\s*(\|[^|]*\|)?$/.test(line)) stack.push(undefined);
      continue;
    }
    if (/^gemspec\b/.test(line)) out.gemspec = true;
    if (/\bdo\s*(\|[^|]*\|)?$/.test(line) || BLOCK_KEYWORDS.test(line)) stack.push(undefined);
  }
  for (const [name, devOnly] of groupsOfGem) if (devOnly) out.dev.add(name);
  return out;
}

function symbols(list: string): string[] {
  return [...list.matchAll(/:(\w+)|["'](\w+)["']/g)].map((m) => m[1] ?? m[2] ?? "").filter((s) => s !== "");
}

/** Drops a `#` comment that is not inside a string. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === "#") {
      return line.slice(0, i);
    }
  }
  return line;
}
