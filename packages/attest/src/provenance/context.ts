import { readFile, stat } from "node:fs/promises";
import { InputError } from "@peptide/core";
import { githubClaims, verifyGitHubToken, type GitHubClaims } from "../oidc/claims.js";
import { githubIssuer } from "../oidc/issuer.js";
import type { FetchKeysOptions, JsonWebKeySet } from "../oidc/jwks.js";
import { requestIdToken } from "../oidc/request.js";
import type { ResourceDescriptor } from "../types.js";

export type RunnerEnv = Readonly<Record<string, string | undefined>>;

/**
 * Everything a provenance is made from, as plain data: tests build one from objects,
 * `contextFromRunner` from a live job.
 */
export interface ProvenanceContext {
  /** The claims of the job's identity token, verified against the issuer's keys. */
  claims: GitHubClaims;
  /**
   * The runner's variables. Read: GITHUB_SERVER_URL (default https://github.com), GITHUB_JOB
   * (the job whose permissions are recorded), GITHUB_TRIGGERING_ACTOR.
   */
  env: RunnerEnv;
  /** The webhook payload (the JSON at GITHUB_EVENT_PATH). */
  event?: Record<string, unknown>;
  /** The checkout of the built commit (GITHUB_WORKSPACE): the workflow file and lockfiles are read here. */
  workspace?: string;
  /** When the job started; `contextFromRunner` takes the time the runner wrote the event file. */
  startedOn?: Date;
  /** When the build finished; default the time the statement is made. */
  finishedOn?: Date;
  /** The SBOM made for the subjects, recorded as a byproduct (see `sbomDescriptor`). */
  sbom?: ResourceDescriptor;
}

export interface RunnerContextOptions extends FetchKeysOptions {
  /**
   * The identity token, when the caller already holds one (one token serves a whole run:
   * signing and provenance). Otherwise one is requested from the runner for `audience`.
   */
  token?: string;
  /** Audience to request and to accept. Default `sigstore`, so Fulcio can take the same token. */
  audience?: string;
  /** Expected issuer; default the one of GITHUB_SERVER_URL (`githubIssuer`). */
  issuer?: string;
  /** Keys of the issuer, when known already (no discovery fetch). */
  keys?: JsonWebKeySet;
  sbom?: ResourceDescriptor;
  now?: Date;
}

/**
 * The context of the running job: the identity token (requested from the runner unless given)
 * verified against its issuer's JWKS, the runner's variables, the event payload and the
 * workspace. Never logs the token.
 */
export async function contextFromRunner(env: RunnerEnv, options: RunnerContextOptions = {}): Promise<ProvenanceContext> {
  const audience = options.audience ?? "sigstore";
  const issuer = options.issuer ?? githubIssuer(env.GITHUB_SERVER_URL || "https://github.com");
  const token = options.token ?? (await requestIdToken(env, audience, { fetch: options.fetch, retry: options.retry }));
  const claims = await verifyGitHubToken(token, { issuer, audience, keys: options.keys, fetch: options.fetch, retry: options.retry, now: options.now });
  const eventPath = env.GITHUB_EVENT_PATH;
  return {
    claims,
    env,
    event: eventPath ? await readEvent(eventPath) : undefined,
    workspace: env.GITHUB_WORKSPACE || undefined,
    startedOn: eventPath ? await writtenAt(eventPath) : undefined,
    sbom: options.sbom,
  };
}

/** A context for claims already verified elsewhere, with the same defaults. */
export function contextOf(claims: Record<string, unknown>, env: RunnerEnv, extra: Partial<Omit<ProvenanceContext, "claims" | "env">> = {}): ProvenanceContext {
  return { claims: githubClaims(claims), env, ...extra };
}

async function readEvent(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new InputError("INPUT_NOT_FOUND", `GITHUB_EVENT_PATH ${file}: cannot be read`, { cause });
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InputError("INPUT_INVALID", `GITHUB_EVENT_PATH ${file}: not a JSON object`);
}

/**
 * The runner writes the event payload (`_temp/_github_workflow/event.json`) when the job starts:
 * its modification time is the job's start, to the second, without an API call.
 */
async function writtenAt(file: string): Promise<Date | undefined> {
  try {
    return (await stat(file)).mtime;
  } catch {
    return undefined;
  }
}
