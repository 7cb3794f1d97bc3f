/**
 * License strings as lockfiles carry them (`MIT`, `mit`, `GPL-2.0+`, `(LGPL-2.1-only or
 * GPL-3.0-or-later)`, `proprietary`) to SPDX license expressions: known ids get the SPDX list's
 * spelling, operators are upper-cased, anything else becomes a `LicenseRef-`.
 */
import * as SPDX from "@cyclonedx/cyclonedx-library/SPDX";

/** One SPDX expression for several licenses offered as alternatives (composer's license array). */
export function spdxDisjunction(licenses: string[]): string | undefined {
  const parts = licenses.map(spdxExpressionOf).filter((p): p is string => p !== undefined);
  const unique = [...new Set(parts)];
  if (unique.length <= 1) return unique[0];
  return unique.map((p) => (/ (?:AND|OR|WITH) /.test(p) ? `(${p})` : p)).join(" OR ");
}

/** One license string to an SPDX expression; undefined for an empty one. */
export function spdxExpressionOf(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const tokens = trimmed.split(/(\(|\)|\s+)/).filter((t) => t.trim() !== "");
  const out: string[] = [];
  let depth = 0;
  let expectOperand = true;
  for (const token of tokens) {
    const operator = token.toUpperCase();
    if (token === "(") {
      if (!expectOperand) return licenseRef(trimmed);
      depth++;
      out.push("(");
    } else if (token === ")") {
      if (expectOperand || depth === 0) return licenseRef(trimmed);
      depth--;
      out.push(")");
    } else if (operator === "AND" || operator === "OR" || operator === "WITH") {
      if (expectOperand) return licenseRef(trimmed);
      out.push(operator);
      expectOperand = true;
    } else {
      if (!expectOperand) return licenseRef(trimmed);
      out.push(out[out.length - 1] === "WITH" ? token : licenseId(token));
      expectOperand = false;
    }
  }
  if (expectOperand || depth !== 0) return licenseRef(trimmed);
  return out.join(" ").replace(/\( /g, "(").replace(/ \)/g, ")");
}

/** A single license id in the SPDX list's spelling, a `+` kept, an unknown one as LicenseRef. */
function licenseId(token: string): string {
  if (/^(?:LicenseRef|DocumentRef)-[A-Za-z0-9.:-]+$/.test(token)) return token;
  const known = listed(token);
  if (known) return known;
  if (token.endsWith("+")) {
    const base = listed(token.slice(0, -1));
    if (base) return `${base}+`;
  }
  return licenseRef(token);
}

function listed(id: string): string | undefined {
  const found: unknown = SPDX.fixupSpdxId(id);
  return typeof found === "string" ? found : undefined;
}

function licenseRef(text: string): string {
  const idstring = text.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 100);
  return `LicenseRef-${idstring || "unknown"}`;
}
