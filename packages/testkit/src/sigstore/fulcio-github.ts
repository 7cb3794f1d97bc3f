/**
 * Fulcio's `POST /api/v2/signingCert` for GitHub Actions tokens, on @sigstore/mock's CA.
 *
 * @sigstore/mock's own `fulcioHandler` only decodes the token, takes the SAN from one claim
 * verbatim (no `https://github.com/` prefix) and leaves out the Deployment Environment; this
 * route does what Fulcio does for the `github-workflow` issuer type
 * (fulcio config/identity/config.yaml `ci-issuer-metadata`, docs/oid-info.md):
 * - verifies the token's ES256 signature against the stand-in issuer's JWKS, its `iss`, its
 *   `aud` (`sigstore`) and its lifetime (401 otherwise);
 * - checks the proof of possession (a signature over the `sub` claim by the submitted key);
 * - SAN URI = `{url}/{job_workflow_ref}`; extensions 1.3.6.1.4.1.57264.1.1–.6 (legacy, raw
 *   bytes) and .8–.23 (DER UTF8String) from the claims; an empty value leaves its extension
 *   out, a missing claim is an error, as in Fulcio's templates.
 */
import { createPublicKey, verify } from "node:crypto";
import type { initializeCA } from "@sigstore/mock";
import { isRecord, verifyJwtSignature, type JwtClaims } from "./jwt.js";
import type { Route, RouteResponse } from "./loopback-server.js";
import type { JsonWebKey } from "node:crypto";

type CA = Awaited<ReturnType<typeof initializeCA>>;
type ExtensionValue = { oid: string; value: string; legacy?: boolean };

/** Fulcio OIDs (docs/oid-info.md), claim templates of the `github-workflow` issuer type. */
export const GITHUB_EXTENSION_TEMPLATES: ReadonlyArray<{ oid: string; name: string; legacy?: true; template: string }> = [
  { oid: "1.3.6.1.4.1.57264.1.1", name: "issuer (v1)", legacy: true, template: "{{iss}}" },
  { oid: "1.3.6.1.4.1.57264.1.2", name: "github workflow trigger", legacy: true, template: "{{event_name}}" },
  { oid: "1.3.6.1.4.1.57264.1.3", name: "github workflow sha", legacy: true, template: "{{sha}}" },
  { oid: "1.3.6.1.4.1.57264.1.4", name: "github workflow name", legacy: true, template: "{{workflow}}" },
  { oid: "1.3.6.1.4.1.57264.1.5", name: "github workflow repository", legacy: true, template: "{{repository}}" },
  { oid: "1.3.6.1.4.1.57264.1.6", name: "github workflow ref", legacy: true, template: "{{ref}}" },
  { oid: "1.3.6.1.4.1.57264.1.8", name: "issuer (v2)", template: "{{iss}}" },
  { oid: "1.3.6.1.4.1.57264.1.9", name: "build signer uri", template: "{{url}}/{{job_workflow_ref}}" },
  { oid: "1.3.6.1.4.1.57264.1.10", name: "build signer digest", template: "{{job_workflow_sha}}" },
  { oid: "1.3.6.1.4.1.57264.1.11", name: "runner environment", template: "{{runner_environment}}" },
  { oid: "1.3.6.1.4.1.57264.1.12", name: "source repository uri", template: "{{url}}/{{repository}}" },
  { oid: "1.3.6.1.4.1.57264.1.13", name: "source repository digest", template: "{{sha}}" },
  { oid: "1.3.6.1.4.1.57264.1.14", name: "source repository ref", template: "{{ref}}" },
  { oid: "1.3.6.1.4.1.57264.1.15", name: "source repository identifier", template: "{{repository_id}}" },
  { oid: "1.3.6.1.4.1.57264.1.16", name: "source repository owner uri", template: "{{url}}/{{repository_owner}}" },
  { oid: "1.3.6.1.4.1.57264.1.17", name: "source repository owner identifier", template: "{{repository_owner_id}}" },
  { oid: "1.3.6.1.4.1.57264.1.18", name: "build config uri", template: "{{url}}/{{workflow_ref}}" },
  { oid: "1.3.6.1.4.1.57264.1.19", name: "build config digest", template: "{{workflow_sha}}" },
  { oid: "1.3.6.1.4.1.57264.1.20", name: "build trigger", template: "{{event_name}}" },
  {
    oid: "1.3.6.1.4.1.57264.1.21",
    name: "run invocation uri",
    template: "{{url}}/{{repository}}/actions/runs/{{run_id}}/attempts/{{run_attempt}}",
  },
  { oid: "1.3.6.1.4.1.57264.1.22", name: "source repository visibility at signing", template: "{{repository_visibility}}" },
  { oid: "1.3.6.1.4.1.57264.1.23", name: "deployment environment", template: "{{environment}}" },
];
const SAN_TEMPLATE = "{{url}}/{{job_workflow_ref}}";
/** Fulcio's default values for the github-workflow type; claims win over them. */
const TEMPLATE_DEFAULTS: Record<string, string> = { url: "https://github.com", environment: "" };

export interface FulcioRouteOptions {
  ca: CA;
  jwks: () => readonly JsonWebKey[];
  /** `iss` values this Fulcio accepts (tokens must still be signed by the stand-in issuer). */
  issuers: () => readonly string[];
  /** Fulcio's `url` default (the GitHub server). */
  serverURL?: string;
  /** Current time for token checks, in ms (follows the Fulcio clock skew). */
  now: () => number;
  /** Called before each issuance (the stand-in refreshes the CA's clock here). */
  beforeIssue?: () => void;
}

export function fulcioRoutes(options: FulcioRouteOptions): Route[] {
  const rootPEM = toPEM(options.ca.rootCertificate);
  let queue: Promise<unknown> = Promise.resolve();
  return [
    {
      name: "fulcio",
      method: "POST",
      path: "/api/v2/signingCert",
      handle: ({ body }) => {
        // One issuance at a time: the mock CA reads its clock after an await.
        const next = queue.then(() => issue(options, rootPEM, body));
        queue = next.catch(() => undefined);
        return next;
      },
    },
    {
      name: "fulcioTrustBundle",
      method: "GET",
      path: "/api/v2/trustBundle",
      handle: () => json(200, { chains: [{ certificates: [rootPEM] }] }),
    },
  ];
}

async function issue(options: FulcioRouteOptions, rootPEM: string, body: Buffer): Promise<RouteResponse> {
  let request: unknown;
  try {
    request = JSON.parse(body.toString("utf8"));
  } catch {
    return error(400, "the request body is not JSON");
  }
  const token = isRecord(request) && isRecord(request["credentials"]) ? request["credentials"]["oidcIdentityToken"] : undefined;
  const keyRequest = isRecord(request) ? request["publicKeyRequest"] : undefined;
  if (typeof token !== "string") return error(400, "missing credentials.oidcIdentityToken");
  if (!isRecord(keyRequest) || !isRecord(keyRequest["publicKey"]) || typeof keyRequest["publicKey"]["content"] !== "string") {
    return error(400, "missing publicKeyRequest.publicKey.content (certificate signing requests are not supported by the stand-in)");
  }
  const proof = keyRequest["proofOfPossession"];
  if (typeof proof !== "string") return error(400, "missing publicKeyRequest.proofOfPossession");

  let claims: JwtClaims;
  try {
    claims = verifyJwtSignature(token, options.jwks());
  } catch (cause) {
    return error(401, `There was an error processing the identity token: ${(cause as Error).message}`);
  }
  const tokenProblem = checkToken(claims, options);
  if (tokenProblem) return error(401, `There was an error processing the identity token: ${tokenProblem}`);

  let publicKey;
  try {
    publicKey = createPublicKey(keyRequest["publicKey"]["content"]);
  } catch {
    return error(400, "The public key supplied in the request could not be parsed");
  }
  const subject = String(claims["sub"] ?? "");
  if (!verify("sha256", Buffer.from(subject), publicKey, Buffer.from(proof, "base64"))) {
    return error(400, "The signature supplied in the request could not be verified");
  }

  const values: Record<string, string> = { ...TEMPLATE_DEFAULTS, url: options.serverURL ?? TEMPLATE_DEFAULTS["url"] ?? "" };
  for (const [key, value] of Object.entries(claims)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") values[key] = String(value);
  }
  let extensions: ExtensionValue[];
  let san: string;
  try {
    san = render(SAN_TEMPLATE, values);
    extensions = GITHUB_EXTENSION_TEMPLATES.map((t) => ({ oid: t.oid, value: render(t.template, values), ...(t.legacy ? { legacy: true } : {}) }))
      .filter((ext) => ext.value !== "");
  } catch (cause) {
    return error(401, `There was an error processing the identity token: ${(cause as Error).message}`);
  }

  options.beforeIssue?.();
  const der = await options.ca.issueCertificate({
    publicKey: publicKey.export({ format: "der", type: "spki" }),
    subjectAltName: san,
    extensions,
  });
  return json(201, { signedCertificateEmbeddedSct: { chain: { certificates: [toPEM(der), rootPEM] } } });
}

function checkToken(claims: JwtClaims, options: FulcioRouteOptions): string | undefined {
  const now = Math.floor(options.now() / 1000);
  const iss = claims["iss"];
  if (typeof iss !== "string" || !options.issuers().includes(iss)) return `unknown issuer ${String(iss)}`;
  const aud = claims["aud"];
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes("sigstore")) return `audience ${JSON.stringify(aud)} does not include "sigstore"`;
  const exp = claims["exp"];
  if (typeof exp !== "number") return "token has no exp";
  if (exp <= now) return `token is expired (exp ${new Date(exp * 1000).toISOString()})`;
  const nbf = claims["nbf"];
  // go-oidc allows five minutes of clock skew on nbf.
  if (typeof nbf === "number" && nbf > now + 300) return "token is not valid yet (nbf)";
  if (typeof claims["sub"] !== "string" || claims["sub"] === "") return "token has no sub";
  return undefined;
}

function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`value <${key}> not present in either claims or defaults`);
    return value;
  });
}

function toPEM(der: ArrayBufferView): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}

function json(status: number, body: unknown): RouteResponse {
  return { status, body: JSON.stringify(body), contentType: "application/json" };
}

function error(status: number, message: string): RouteResponse {
  return json(status, { code: status === 401 ? 16 : 3, message });
}
