import { describe, expect, test } from "vitest";
import { matchesRepository, matchesSignerWorkflow, refGlob } from "../../src/verify/matchers.js";

const SIGNER = "https://github.com/peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.2";

describe("signer workflow (anchored)", () => {
  test.each([
    ["owner/repo/path", "peptide-dev/payments/.github/workflows/release.yml"],
    ["with the same ref", "peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.2"],
    ["as a full URL", "https://github.com/peptide-dev/payments/.github/workflows/release.yml"],
    ["repository in another case", "Peptide-Dev/Payments/.github/workflows/release.yml"],
  ])("matches %s", (_, expected) => {
    expect(matchesSignerWorkflow(expected, SIGNER)).toBe(true);
  });

  test.each([
    ["the .attacker.yml suffix", "https://github.com/peptide-dev/payments/.github/workflows/release.yml.attacker.yml@refs/tags/v1.4.2"],
    ["another repository with the same path", "https://github.com/evil/payments/.github/workflows/release.yml@refs/tags/v1.4.2"],
    ["a repository whose name starts the same", "https://github.com/peptide-dev/payments-fork/.github/workflows/release.yml@refs/tags/v1.4.2"],
    ["another host", "https://github.example.com/peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1.4.2"],
    ["a workflow in a subfolder", "https://github.com/peptide-dev/payments/.github/workflows/x/release.yml@refs/tags/v1.4.2"],
    ["a path in another case", "https://github.com/peptide-dev/payments/.github/workflows/Release.yml@refs/tags/v1.4.2"],
    ["no signer at all", undefined],
  ])("refuses %s", (_, actual) => {
    expect(matchesSignerWorkflow("peptide-dev/payments/.github/workflows/release.yml", actual)).toBe(false);
  });

  test("a ref in the policy must be the signer's ref exactly", () => {
    expect(matchesSignerWorkflow("peptide-dev/payments/.github/workflows/release.yml@refs/tags/v1", SIGNER)).toBe(false);
    expect(matchesSignerWorkflow("peptide-dev/payments/.github/workflows/release.yml@refs/heads/main", SIGNER)).toBe(false);
  });

  test("GitHub Enterprise hosts through serverUrl", () => {
    const ghes = "https://ghe.example.com/bank/ledger/.github/workflows/release.yml@refs/heads/main";
    expect(matchesSignerWorkflow("bank/ledger/.github/workflows/release.yml", ghes)).toBe(false);
    expect(matchesSignerWorkflow("bank/ledger/.github/workflows/release.yml", ghes, "https://ghe.example.com")).toBe(true);
  });
});

describe("source repository", () => {
  test("owner/repo or URL, case-insensitive, whole name only", () => {
    expect(matchesRepository("peptide-dev/payments", "https://github.com/peptide-dev/payments")).toBe(true);
    expect(matchesRepository("https://github.com/Peptide-Dev/Payments.git", "https://github.com/peptide-dev/payments")).toBe(true);
    expect(matchesRepository("peptide-dev/payments", "https://github.com/peptide-dev/payments-fork")).toBe(false);
    expect(matchesRepository("peptide-dev/pay", "https://github.com/peptide-dev/payments")).toBe(false);
    expect(matchesRepository("peptide-dev/payments", undefined)).toBe(false);
  });
});

describe("source ref glob", () => {
  test.each([
    ["refs/tags/v*", "refs/tags/v1.4.2", true],
    ["refs/tags/v*", "refs/heads/feature-x", false],
    ["refs/tags/v*", "refs/tags/release-1", false],
    ["refs/tags/v*", "refs/tags/v1/evil", false],
    ["refs/tags/**", "refs/tags/v1/evil", true],
    ["refs/heads/main", "refs/heads/main", true],
    ["refs/heads/main", "refs/heads/main-backup", false],
    ["refs/heads/release.1", "refs/heads/releasex1", false],
    ["refs/tags/v*", "xrefs/tags/v1", false],
  ])("%s against %s is %s", (pattern, ref, expected) => {
    expect(refGlob(pattern).test(ref)).toBe(expected);
  });
});
