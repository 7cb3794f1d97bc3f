import { describe, expect, it } from "vitest";
import { SourceFile, auditSource, ruleById } from "@peptide/workflow";

/**
 * Provider-format tokens are assembled from fragments here instead of living in a fixture file,
 * so that no token-shaped string is committed (secret scanners and push protection would flag
 * it, and rightly so).
 */
const part = (...pieces: string[]) => pieces.join("");
const TOKENS = {
  github: part("gh", "p_", "R8mK2vQx9LtB4nWc7YhJ3pZs6DfGa1Ue5Xo0"),
  slack: part("xo", "xb-", "2049173650-8412093756-Qm7RtYk2LpWx9NvB"),
  stripe: part("sk", "_li", "ve_", "51HqT8mLk2VxP9wRc7Jd3Nf6"),
  npm: part("np", "m_", "Vb8Kq2Lm7Xr4Tz9Wc3Nd6Pf1Hs5Gj0Ya2Ek8"),
};
const KEY_BODY = part("MIIEow", "IBAAKCAQEAq3Rz8mVw2Lk9Tx4Pb7Hn1Jc6Fd0Gs5Ye3Ua8Wi2Qo7Zr4Xm9Kv1Bp6Nt3Cl");

function findings(text: string) {
  const rule = ruleById("hardcoded-credentials")!;
  return auditSource(new SourceFile("wf.yml", text), "workflow", { rules: [rule] }).findings;
}

describe("hardcoded-credentials: provider token formats", () => {
  it.each(Object.entries(TOKENS))("finds a literal %s token in env and masks it", (_, token) => {
    const text = ["on: push", "jobs:", "  a:", "    runs-on: ubuntu-latest", "    steps:", "      - run: ./x", "        env:", `          SOME_VALUE: ${token}`, ""].join("\n");
    const found = findings(text);
    expect(found).toHaveLength(1);
    expect(found[0]!.line).toBe(8);
    expect(found[0]!.message).toContain(`${token.slice(0, 4)}…`);
    expect(found[0]!.message).not.toContain(token.slice(4, 12));
  });

  it("finds a token inside a run script and points at it", () => {
    const text = ["on: push", "jobs:", "  a:", "    runs-on: ubuntu-latest", "    steps:", "      - run: |", `          curl -H "Authorization: token ${TOKENS.github}" https://api.github.com/user`, ""].join("\n");
    const found = findings(text);
    expect(found.map((f) => [f.line, f.column, f.severity])).toEqual([[7, 41, "critical"]]);
  });

  it("finds a private key block with key material, not a header alone", () => {
    const key = ["on: push", "jobs:", "  a:", "    runs-on: ubuntu-latest", "    steps:", "      - run: |", "          cat > id <<'EOF'", "          -----BEGIN RSA PRIVATE KEY-----", `          ${KEY_BODY}`, "          -----END RSA PRIVATE KEY-----", "          EOF", ""].join("\n");
    const found = findings(key);
    expect(found.map((f) => f.line)).toEqual([8]);
    expect(found[0]!.message).not.toContain(KEY_BODY.slice(0, 12));
    const header = ["on: push", "jobs:", "  a:", "    runs-on: ubuntu-latest", "    steps:", "      - run: grep -q 'BEGIN RSA PRIVATE KEY' key.pem", ""].join("\n");
    expect(findings(header)).toEqual([]);
  });

  it("ignores placeholders and tokens inside expressions", () => {
    const text = ["on: push", "env:", `  A: ${part("gh", "p_")}${"x".repeat(36)}`, `  B: \${{ format('${TOKENS.github.slice(0, 4)}{0}', secrets.X) }}`, "jobs:", "  a:", "    runs-on: ubuntu-latest", "    steps:", "      - run: echo", ""].join("\n");
    expect(findings(text)).toEqual([]);
  });
});
