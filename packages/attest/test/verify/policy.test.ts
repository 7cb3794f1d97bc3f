import { describe, expect, test } from "vitest";
import { InputError } from "@peptide/core";
import { policyFromJSON } from "../../src/verify/policy.js";

describe("policyFromJSON", () => {
  test("takes the CLI flag names and the camelCase names alike", () => {
    expect(
      policyFromJSON({
        "certificate-oidc-issuer": "https://token.actions.githubusercontent.com",
        "signer-workflow": "peptide-dev/payments/.github/workflows/release.yml",
        sourceRef: "refs/tags/v*",
        "runner-environment": "github-hosted",
        "predicate-type": ["https://slsa.dev/provenance/v1", "https://cyclonedx.org/bom"],
        "tlog-threshold": 0,
      }),
    ).toEqual({
      certificateOidcIssuer: "https://token.actions.githubusercontent.com",
      signerWorkflow: "peptide-dev/payments/.github/workflows/release.yml",
      sourceRef: "refs/tags/v*",
      runnerEnvironment: "github-hosted",
      predicateTypes: ["https://slsa.dev/provenance/v1", "https://cyclonedx.org/bom"],
      tlogThreshold: 0,
    });
  });

  test("a single predicate type is a list of one", () => {
    expect(policyFromJSON({ predicateType: "https://slsa.dev/provenance/v1" }).predicateTypes).toEqual(["https://slsa.dev/provenance/v1"]);
  });

  test.each([
    [{ "certificate-identiy": "x" }, /unknown field "certificate-identiy"/],
    [{ "source-ref": 7 }, /"source-ref" must be a non-empty string/],
    [{ "tlog-threshold": -1 }, /"tlog-threshold" must be a whole number/],
    [{ "certificate-identity-regexp": "(" }, /not a valid regular expression/],
    [{ "signer-workflow": "release.yml" }, /"signer-workflow" must be owner\/repo\/path/],
    [{ "predicate-type": [""] }, /predicate type URI/],
    [[], /expected a mapping/],
  ])("rejects %j", (input, message) => {
    expect(() => policyFromJSON(input, "peptide-policy.yml")).toThrowError(message);
    try {
      policyFromJSON(input, "peptide-policy.yml");
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).code).toBe("CONFIG_INVALID");
      expect((error as InputError).message.startsWith("peptide-policy.yml: ")).toBe(true);
    }
  });
});
