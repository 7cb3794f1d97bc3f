import { describe, expect, it } from "vitest";
import { environmentPolicyFields } from "../../src/index.js";

const FILE = {
  "signer-workflow": "acme/pay/.github/workflows/release.yml",
  "forbid-self-approval": false,
  environments: {
    staging: {},
    Production: { "require-previous": "staging", "forbid-self-approval": true, "runner-environment": "github-hosted" },
  },
};

describe("environmentPolicyFields", () => {
  it("merges the environment's fields over the top level and takes its rules out", () => {
    expect(environmentPolicyFields(FILE, "production", "policy.yml")).toEqual({
      fields: { "signer-workflow": "acme/pay/.github/workflows/release.yml", "runner-environment": "github-hosted" },
      rules: { requirePrevious: "staging", forbidSelfApproval: true },
    });
    expect(environmentPolicyFields(FILE, "staging", "policy.yml").rules).toEqual({ forbidSelfApproval: false });
  });

  it("matches environment names case-insensitively, as GitHub does", () => {
    for (const name of ["production", "PRODUCTION", " Production "]) expect(environmentPolicyFields(FILE, name, "p").rules.requirePrevious).toBe("staging");
  });

  it("refuses an environment the file does not list, and names differing only in case", () => {
    expect(() => environmentPolicyFields(FILE, "prod", "policy.yml")).toThrow('policy.yml: environment "prod" is not under "environments" (staging, Production); add "prod: {}" there to promote to it with the top-level policy');
    expect(() => environmentPolicyFields({ environments: { prod: {}, PROD: {} } }, "prod", "p")).toThrow(/differ only in case/);
    expect(() => environmentPolicyFields({ environments: { prod: { "forbid-self-approval": "yes" } } }, "prod", "p")).toThrow(/must be true or false/);
  });

  it("without environments, every environment gets the top level", () => {
    expect(environmentPolicyFields({ "source-ref": "refs/tags/v*", "require-previous": "staging" }, "anything", "p")).toEqual({ fields: { "source-ref": "refs/tags/v*" }, rules: { requirePrevious: "staging", forbidSelfApproval: false } });
  });
});
