import { booleanInput, enumInput, stringInput } from "../index.js";
import { InputError } from "@peptide/core";
import type { SigningOptions } from "@peptide/attest";

/** instance, fulcio-url, rekor-url, tsa-url, signing-config → SigningOptions (no identity yet). */
export function readSigningInputs(): SigningOptions {
  const instance = enumInput("instance", ["public-good", "github", "custom"], "public-good");
  const options: SigningOptions = {};
  const fulcioURL = stringInput("fulcio-url");
  const rekorURL = stringInput("rekor-url");
  const tsaURL = stringInput("tsa-url");
  const signingConfig = stringInput("signing-config");
  if (signingConfig !== undefined) options.signingConfig = signingConfig;
  else if (instance !== "custom") options.instance = instance;
  else if (fulcioURL === undefined) throw new InputError("INPUT_INVALID", 'input "instance" is custom: give "fulcio-url" with "rekor-url" and/or "tsa-url", or a "signing-config"');
  if (fulcioURL !== undefined) options.fulcioURL = fulcioURL;
  if (rekorURL !== undefined) options.rekorURL = rekorURL;
  if (tsaURL !== undefined) options.tsaURL = tsaURL;
  return options;
}

export interface StorageInputs {
  bundleDir: string | undefined;
  bundleLayout: "per-subject" | "jsonl";
  pushToRegistry: boolean;
  githubAttestations: boolean;
  githubToken: string | undefined;
}

export function readStorageInputs(): StorageInputs {
  return {
    bundleDir: stringInput("bundle-dir"),
    bundleLayout: enumInput("bundle-layout", ["per-subject", "jsonl"], "per-subject"),
    pushToRegistry: booleanInput("push-to-registry", false),
    githubAttestations: booleanInput("github-attestations", false),
    githubToken: stringInput("github-token"),
  };
}
