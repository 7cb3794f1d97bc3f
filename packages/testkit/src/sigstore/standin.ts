/**
 * The loopback Sigstore stand-in: Fulcio (GitHub extensions), Rekor v1 and a timestamp
 * authority from @sigstore/mock, plus a GitHub-Actions-style OIDC issuer, each a node:http server
 * on 127.0.0.1 with its own port, so a separate process (an action's dist, the CLI) can use them
 * through the same URLs it would give the public-good or GitHub instance.
 */
import { generateKeyPairSync } from "node:crypto";
import {
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  tsaHandler,
} from "@sigstore/mock";
import { fulcioRoutes } from "./fulcio-github.js";
import { startLoopbackServer, type Fault, type LoopbackServer, type Route } from "./loopback-server.js";
import { createOidcIssuer, type OidcIssuer } from "./oidc-issuer.js";
import { rekorRoutes, type RekorEntry } from "./rekor-log.js";
import { buildTrustedRoot, type TrustedRootJSON } from "./trusted-root.js";

export interface StartSigstoreOptions {
  /** `iss` of the tokens (default: the issuer server's own URL, e.g. `http://127.0.0.1:PORT`). */
  issuer?: string;
  /** More `iss` values Fulcio accepts from tokens signed by the stand-in issuer. */
  acceptIssuers?: string[];
  /** Fulcio's GitHub server URL for SAN and URI extensions. Default `https://github.com`. */
  serverURL?: string;
}

export type SigstoreService = "fulcio" | "rekor" | "tsa";

export interface SigstoreStandin {
  fulcioURL: string;
  rekorURL: string;
  tsaURL: string;
  oidc: OidcIssuer;
  /** TrustedRoot JSON (mediaType application/vnd.dev.sigstore.trustedroot+json;version=0.1). */
  trustedRoot: TrustedRootJSON;
  /** CA root certificate (PEM), for `openssl verify -CAfile`. */
  caPEM: string;
  /**
   * Requests per endpoint: fulcio, fulcioTrustBundle, rekor, rekorGet, rekorPublicKey, tsa,
   * tsaCertChain, oidcToken, jwks, openidConfiguration. Faulted requests count too.
   */
  requests: Record<string, number>;
  /** Rekor entries in log order, bodies as stored. */
  rekorEntries: RekorEntry[];
  /** Fail the next request(s) of an endpoint (a `requests` name) with a status or a reset. */
  fail(endpoint: string, fault: Fault): void;
  /**
   * Shift a service's clock by `ms` (e.g. `{ rekor: 20 * 60_000 }` logs entries after the
   * 10-minute certificate expired). Skew Rekor/TSA forward rather than Fulcio backward: the CA
   * root's notBefore is its creation time.
   */
  skewClock(offsets: Partial<Record<SigstoreService, number>>): void;
  close(): Promise<void>;
}

export async function startSigstore(options: StartSigstoreOptions = {}): Promise<SigstoreStandin> {
  const validFrom = new Date(Date.now() - 60_000);
  const requests: Record<string, number> = {};
  const rekorEntries: RekorEntry[] = [];
  const offsets: Record<SigstoreService, number> = { fulcio: 0, rekor: 0, tsa: 0 };
  const clocks: Record<SigstoreService, Date> = { fulcio: new Date(), rekor: new Date(), tsa: new Date() };
  // Whole seconds: the mock TSA writes genTime's milliseconds with trailing zeros cut (".5Z"),
  // which DER readers that expect ".sss" refuse; timestamp-authority writes whole seconds too.
  const tick = (service: SigstoreService) => clocks[service].setTime(Math.floor((Date.now() + offsets[service]) / 1000) * 1000);

  let fulcioTable: Route[] = [];
  let rekorTable: Route[] = [];
  let tsaTable: Route[] = [];
  let oidcTable: Route[] = [];
  const servers: LoopbackServer[] = [];
  const start = async (table: () => Route[]) => {
    const server = await startLoopbackServer(table, requests);
    servers.push(server);
    return server;
  };
  const fulcio = await start(() => fulcioTable);
  const rekor = await start(() => rekorTable);
  const tsa = await start(() => tsaTable);
  const oidcServer = await start(() => oidcTable);

  const oidc = createOidcIssuer(oidcServer.url, options.issuer ?? oidcServer.url);
  oidcTable = oidc.routes;

  const ec = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ctKeys = ec();
  const ctLog = await initializeCTLog(ctKeys, clocks.fulcio);
  const ca = await initializeCA(ec(), ctLog, clocks.fulcio);
  const issuers = [oidc.issuer, ...(options.acceptIssuers ?? [])];
  fulcioTable = fulcioRoutes({
    ca,
    jwks: () => oidc.jwks.keys,
    issuers: () => issuers,
    now: () => Date.now() + offsets.fulcio,
    beforeIssue: () => tick("fulcio"),
    ...(options.serverURL ? { serverURL: options.serverURL } : {}),
  });

  const tlogKeys = ec();
  const tlog = await initializeTLog(rekor.url, tlogKeys, clocks.rekor);
  rekorTable = rekorRoutes(tlog, rekorEntries, () => tick("rekor"));

  const tsaAuthority = await initializeTSA(ec(), clocks.tsa);
  const timestamp = tsaHandler(tsaAuthority);
  const tsaChain = [tsaAuthority.intCertificate, tsaAuthority.rootCertificate];
  tsaTable = [
    {
      name: "tsa",
      method: "POST",
      path: timestamp.path,
      handle: async ({ body }) => {
        tick("tsa");
        const result = await timestamp.fn(body.toString("utf8"));
        return {
          status: result.statusCode,
          body: typeof result.response === "string" ? result.response : toBytes(result.response),
          contentType: result.contentType ?? "text/plain",
        };
      },
    },
    {
      name: "tsaCertChain",
      method: "GET",
      path: `${timestamp.path}/certchain`,
      handle: () => ({ status: 200, body: tsaChain.map((der) => pem("CERTIFICATE", der)).join(""), contentType: "application/pem-certificate-chain" }),
    },
  ];

  const trustedRoot = buildTrustedRoot({
    validFrom,
    fulcioURL: fulcio.url,
    caRoot: toBytes(ca.rootCertificate),
    rekorURL: rekor.url,
    rekorKey: tlog.publicKey,
    ctURL: fulcio.url,
    ctKey: ctLog.publicKey,
    ctLogID: toBytes(ctLog.logID),
    tsaURL: tsa.url,
    tsaChain: tsaChain.map(toBytes),
  });

  return {
    fulcioURL: fulcio.url,
    rekorURL: rekor.url,
    tsaURL: tsa.url,
    oidc: {
      issuer: oidc.issuer,
      discoveryURL: oidc.discoveryURL,
      jwksURL: oidc.jwksURL,
      jwks: oidc.jwks,
      requestURL: oidc.requestURL,
      requestToken: oidc.requestToken,
      mintToken: oidc.mintToken,
      runnerEnv: oidc.runnerEnv,
    },
    trustedRoot,
    caPEM: pem("CERTIFICATE", ca.rootCertificate),
    requests,
    rekorEntries,
    fail(endpoint, fault) {
      for (const server of servers) server.fail(endpoint, fault);
    },
    skewClock(next) {
      Object.assign(offsets, next);
    },
    async close() {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}

function toBytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function pem(label: string, der: ArrayBufferView): string {
  const b64 = Buffer.from(toBytes(der)).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
