/**
 * Rekor v1 on @sigstore/mock's transparency log, storing entries the way real Rekor does.
 *
 * The mock's `rekorHandler` logs a proposed `dsse` entry verbatim (`proposedContent` with the
 * whole envelope), which no verifier accepts ("signature count mismatch"). Rekor's dsse v0.0.1
 * type keeps only `envelopeHash`, `payloadHash` and `signatures: [{signature, verifier}]`
 * (rekor pkg/types/dsse/v0.0.1), so the proposed entry is rewritten to that before logging.
 * `hashedrekord` entries are already stored as proposed.
 */
import { createHash } from "node:crypto";
import type { initializeTLog } from "@sigstore/mock";
import { isRecord } from "./jwt.js";
import type { Route, RouteResponse } from "./loopback-server.js";

type TLog = Awaited<ReturnType<typeof initializeTLog>>;

export interface RekorEntry {
  uuid: string;
  logIndex: number;
  integratedTime: number;
  kind: string;
  /** The canonicalized body as stored (decoded). */
  body: Record<string, unknown>;
}

export function rekorRoutes(tlog: TLog, entries: RekorEntry[], beforeLog?: () => void): Route[] {
  const byUuid = new Map<string, unknown>();
  return [
    {
      name: "rekor",
      method: "POST",
      path: "/api/v1/log/entries",
      handle: async ({ body }) => {
        let proposed: unknown;
        try {
          proposed = JSON.parse(body.toString("utf8"));
        } catch {
          return json(400, { code: 400, message: "the request body is not JSON" });
        }
        let entry: Record<string, unknown>;
        try {
          entry = asStored(proposed);
        } catch (cause) {
          return json(400, { code: 400, message: (cause as Error).message });
        }
        beforeLog?.();
        const logged = await tlog.log(entry);
        const [uuid, value] = Object.entries(logged)[0] ?? [];
        if (!uuid || !isRecord(value)) return json(500, { code: 500, message: "the mock log returned no entry" });
        byUuid.set(uuid, value);
        entries.push({
          uuid,
          logIndex: Number(value["logIndex"]),
          integratedTime: Number(value["integratedTime"]),
          kind: String(entry["kind"]),
          body: entry,
        });
        return { ...json(201, logged), headers: { location: `/api/v1/log/entries/${uuid}`, etag: uuid } };
      },
    },
    {
      name: "rekorGet",
      method: "GET",
      path: /^\/api\/v1\/log\/entries\/[0-9a-f]+$/,
      handle: ({ url }) => {
        const uuid = url.pathname.split("/").pop() ?? "";
        const value = byUuid.get(uuid);
        return value ? json(200, { [uuid]: value }) : json(404, { code: 404, message: "entry not found" });
      },
    },
    {
      name: "rekorPublicKey",
      method: "GET",
      path: "/api/v1/log/publicKey",
      handle: () => ({
        status: 200,
        body: `-----BEGIN PUBLIC KEY-----\n${tlog.publicKey.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END PUBLIC KEY-----\n`,
        contentType: "application/x-pem-file",
      }),
    },
  ];
}

/** The body Rekor stores for a proposed entry. */
export function asStored(proposed: unknown): Record<string, unknown> {
  if (!isRecord(proposed) || typeof proposed["kind"] !== "string" || !isRecord(proposed["spec"])) {
    throw new Error("proposed entry needs kind, apiVersion and spec");
  }
  if (proposed["kind"] !== "dsse") return proposed;
  const content = proposed["spec"]["proposedContent"];
  if (!isRecord(content) || typeof content["envelope"] !== "string" || !Array.isArray(content["verifiers"])) {
    throw new Error("dsse entry needs spec.proposedContent.envelope and verifiers");
  }
  const envelopeText = content["envelope"];
  const envelope: unknown = JSON.parse(envelopeText);
  if (!isRecord(envelope) || typeof envelope["payload"] !== "string" || !Array.isArray(envelope["signatures"])) {
    throw new Error("dsse envelope needs payload and signatures");
  }
  const verifiers = content["verifiers"].filter((v): v is string => typeof v === "string");
  const signatures = envelope["signatures"]
    .filter(isRecord)
    .map((sig, i) => ({ signature: String(sig["sig"]), verifier: verifiers[i] ?? verifiers[0] ?? "" }))
    .sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
  return {
    apiVersion: proposed["apiVersion"] ?? "0.0.1",
    kind: "dsse",
    spec: {
      envelopeHash: { algorithm: "sha256", value: sha256(envelopeText) },
      payloadHash: { algorithm: "sha256", value: sha256(Buffer.from(envelope["payload"], "base64")) },
      signatures,
    },
  };
}

function json(status: number, body: unknown): RouteResponse {
  return { status, body: JSON.stringify(body), contentType: "application/json" };
}
