/**
 * Where the identity token comes from: a token given by the caller, a provider of the caller's,
 * `SIGSTORE_ID_TOKEN` (as cosign reads it), or the runner's token endpoint with audience
 * `sigstore` (the job needs `permissions: id-token: write`).
 */
import type { IdentityProvider } from "@sigstore/sign";
import { requestIdToken, type RequestTokenOptions } from "../oidc/request.js";

export const SIGSTORE_AUDIENCE = "sigstore";

export interface IdentityOptions {
  /** A token to sign with (e.g. from `--identity-token`). */
  identityToken?: string;
  /** Any source of tokens; asked once per certificate. */
  identityProvider?: IdentityProvider;
  /** Where to read `SIGSTORE_ID_TOKEN` and `ACTIONS_ID_TOKEN_REQUEST_*`. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Fetch and retry settings for the runner's token endpoint. */
  tokenRequest?: RequestTokenOptions;
}

export function identityProviderFrom(options: IdentityOptions): IdentityProvider {
  if (options.identityToken !== undefined) {
    const token = options.identityToken;
    return { getToken: () => Promise.resolve(token) };
  }
  if (options.identityProvider) return options.identityProvider;
  const env = options.env ?? process.env;
  const fromEnv = env["SIGSTORE_ID_TOKEN"];
  if (fromEnv) return { getToken: () => Promise.resolve(fromEnv) };
  return { getToken: () => requestIdToken(env, SIGSTORE_AUDIENCE, options.tokenRequest ?? {}) };
}
