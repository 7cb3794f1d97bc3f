/** A credential format recognizable by its shape alone. */
export interface TokenPattern {
  /** What it is, for messages: `AWS access key id`. */
  what: string;
  re: RegExp;
  /** A live production credential (vs. a key that is often public by design). */
  severity: "critical" | "high" | "medium";
}

/**
 * Provider token formats with fixed prefixes and lengths; matches of these are credentials
 * whatever name they are stored under.
 */
export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  { what: "AWS access key id", re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, severity: "critical" },
  { what: "GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, severity: "critical" },
  { what: "GitHub fine-grained token", re: /\bgithub_pat_[A-Za-z0-9_]{82}\b/g, severity: "critical" },
  { what: "Slack token", re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, severity: "high" },
  { what: "Slack webhook URL", re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/g, severity: "high" },
  { what: "Stripe live key", re: /\b[sr]k_live_[0-9A-Za-z]{20,}\b/g, severity: "critical" },
  { what: "npm token", re: /\bnpm_[A-Za-z0-9]{36}\b/g, severity: "critical" },
  { what: "PyPI token", re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g, severity: "critical" },
  { what: "GitLab token", re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, severity: "critical" },
  { what: "Docker Hub token", re: /\bdckr_pat_[A-Za-z0-9_-]{27,}\b/g, severity: "high" },
  { what: "SendGrid key", re: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, severity: "high" },
  { what: "Google API key", re: /\bAIza[0-9A-Za-z_-]{35}\b/g, severity: "medium" },
];

/** The header of a PEM private key. */
export const PRIVATE_KEY_HEADER = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/;

/** Shows only the first four characters of a credential. Never put a credential in a message whole. */
export function mask(value: string): string {
  return `${value.slice(0, 4)}…`;
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Documentation examples, redactions and fill-in-the-blank values. */
const PLACEHOLDER = /example|sample|dummy|placeholder|fake|redacted|changeme|change-me|not[-_]?a[-_]?real|your[-_]|xxxx|\*\*\*|<[^>]*>|^\.\.\.$|^(?:none|null|nil|todo|tbd|test|testing|secret|password|token)$/i;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || new Set(value).size <= 3;
}

/**
 * A literal that reads like a random credential rather than a word, path, URL, id or version:
 * 16+ characters without spaces, letters and digits mixed, high entropy.
 */
export function looksRandom(value: string, minLength = 16): boolean {
  const v = value.trim();
  if (v.length < minLength || /\s/.test(v) || isPlaceholder(v)) return false;
  if (/^(?:\.{0,2}\/|~\/|[a-z][a-z0-9+.-]*:\/\/|arn:|projects\/)/i.test(v)) return false; // paths, URLs, ARNs, resource names
  if ((v.match(/\//g) ?? []).length >= 2 || /[@:,*[\](){}]/.test(v) || v.startsWith("-") || /=[^=]/.test(v) || /^v?\d+(?:\.\d+)+/.test(v)) return false;
  if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return false;
  if (/^[a-z0-9]+(?:[-_.][a-z0-9]+)+$/.test(v) && !/[0-9]{4,}[a-z]|[a-z][0-9][a-z][0-9]/.test(v)) return false; // kebab-case identifiers
  return entropy(v) >= 3.5;
}
