/**
 * `WWW-Authenticate` challenges (RFC 7235 §4.1): `Bearer realm="…",service="…",scope="…"` from a
 * registry's 401, or `Basic realm="…"`. Several challenges may share one header.
 * https://distribution.github.io/distribution/spec/auth/token/
 */

export interface Challenge {
  /** Lower case: `bearer`, `basic`. */
  scheme: string;
  /** Parameter names in lower case. */
  params: Record<string, string>;
}

/** Parses every challenge of a header; unknown syntax is skipped, never thrown. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  let current: Challenge | undefined;
  const skip = (pattern: RegExp): void => {
    while (i < header.length && pattern.test(header.charAt(i))) i++;
  };
  while (i < header.length) {
    skip(/[\s,]/);
    const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(header.slice(i))?.[0];
    if (token === undefined) {
      i++;
      continue;
    }
    i += token.length;
    skip(/\s/);
    if (header.charAt(i) === "=" && current !== undefined && !/^=+\s*(,|$)/.test(header.slice(i))) {
      i++;
      skip(/\s/);
      current.params[token.toLowerCase()] = readValue();
      continue;
    }
    if (header.charAt(i) === "=") {
      // token68 (`Basic dXNlcg==`): no parameters to keep
      skip(/=/);
      continue;
    }
    current = { scheme: token.toLowerCase(), params: {} };
    challenges.push(current);
  }
  return challenges;

  function readValue(): string {
    if (header.charAt(i) !== '"') {
      const value = /^[^\s,]*/.exec(header.slice(i))?.[0] ?? "";
      i += value.length;
      return value;
    }
    i++;
    let value = "";
    while (i < header.length && header.charAt(i) !== '"') {
      if (header.charAt(i) === "\\" && i + 1 < header.length) i++;
      value += header.charAt(i);
      i++;
    }
    i++;
    return value;
  }
}
