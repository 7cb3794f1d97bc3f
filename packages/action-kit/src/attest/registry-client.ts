import { dockerCredentials, RegistryClient } from "@peptide/oci";

/**
 * A registry client as the actions reach registries: credentials from the docker config, with
 * the `github-token` input standing in for GITHUB_TOKEN (ghcr.io) when given, and plain HTTP to
 * loopback hosts and the `insecure-registry` ones. Masking the token is the caller's.
 */
export function actionRegistryClient(options: { insecure: readonly string[]; githubToken: string | undefined; env: NodeJS.ProcessEnv }): RegistryClient {
  const env = options.githubToken === undefined ? options.env : { ...options.env, GITHUB_TOKEN: options.githubToken };
  return new RegistryClient({ insecure: options.insecure, credentials: dockerCredentials({ env }) });
}
