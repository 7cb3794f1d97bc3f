import { errorMessage, fetchWithRetry, type RetryOptions } from "@peptide/core";
import { OidcError } from "./errors.js";

export interface RequestTokenOptions {
  fetch?: typeof globalThis.fetch;
  retry?: Omit<RetryOptions, "fetch">;
}

/**
 * An identity token from the runner, as `core.getIDToken(audience)` gets it: GET
 * `ACTIONS_ID_TOKEN_REQUEST_URL` with `audience=<aud>`, authorized by
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN`; the answer is `{"value": "<jwt>"}`. The runner sets both
 * variables only for jobs with `permissions: id-token: write`. The token is returned, never logged:
 * an action must mask it (`core.setSecret`) before anything else.
 */
export async function requestIdToken(env: Readonly<Record<string, string | undefined>>, audience: string, options: RequestTokenOptions = {}): Promise<string> {
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) {
    throw new OidcError("TOKEN_UNAVAILABLE", 'no identity token: ACTIONS_ID_TOKEN_REQUEST_URL is not set; add "permissions: id-token: write" to the job');
  }
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new OidcError("TOKEN_UNAVAILABLE", "ACTIONS_ID_TOKEN_REQUEST_URL is not a URL");
  }
  url.searchParams.set("audience", audience);
  const response = await fetchWithRetry(
    url,
    { headers: { authorization: `bearer ${requestToken}`, accept: "application/json" } },
    { ...options.retry, fetch: options.fetch, tokenEnv: "ACTIONS_ID_TOKEN_REQUEST_TOKEN" },
  ).catch((cause: unknown) => {
    throw new OidcError("TOKEN_UNAVAILABLE", `no identity token: ${errorMessage(cause)}`, { cause });
  });
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new OidcError("TOKEN_UNAVAILABLE", "no identity token: the runner's answer is not JSON", { cause });
  }
  const value = typeof body === "object" && body !== null && "value" in body ? body.value : undefined;
  if (typeof value !== "string" || value === "") throw new OidcError("TOKEN_UNAVAILABLE", 'no identity token: the runner\'s answer has no "value"');
  return value;
}
