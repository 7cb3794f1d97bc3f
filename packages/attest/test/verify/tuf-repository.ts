/**
 * A TUF repository on loopback (node:http): one ed25519 key for the root, timestamp, snapshot
 * and targets roles (threshold 1), metadata signed over the OLPC canonical JSON of `signed`,
 * consistent snapshots laid out as tuf-js fetches them (`1.root.json`, `timestamp.json`,
 * `<v>.snapshot.json`, `<v>.targets.json`, `targets/<sha256>.<name>`), serving one target:
 * trusted_root.json.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { canonicalize } from "@tufjs/canonical-json";

export interface TufRepositoryOptions {
  /** Served as the target `trusted_root.json`. */
  trustedRoot: unknown;
  /** Sign targets.json, then alter its `signed` part, so its signature no longer verifies. */
  tamperTargets?: boolean;
  /** Serve different bytes for trusted_root.json than targets.json describes. */
  swapTarget?: Buffer;
}

export interface TufRepository {
  url: string;
  /** The repository's root.json, to give the client as its initial root. */
  rootJSON: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

const SPEC_VERSION = "1.0.31";
const TARGET = "trusted_root.json";

interface Signed {
  _type: string;
  [field: string]: unknown;
}

export async function startTufRepository(options: TufRepositoryOptions): Promise<TufRepository> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const key = { keytype: "ed25519", scheme: "ed25519", keyval: { public: raw.toString("hex") } };
  const keyid = createHash("sha256").update(canonicalize(key)).digest("hex");
  const expires = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const role = { keyids: [keyid], threshold: 1 };
  const common = { spec_version: SPEC_VERSION, version: 1, expires };

  const target = Buffer.from(JSON.stringify(options.trustedRoot));
  const sha256 = createHash("sha256").update(target).digest("hex");
  const sha512 = createHash("sha512").update(target).digest("hex");

  const root = signed(privateKey, keyid, {
    _type: "root",
    ...common,
    consistent_snapshot: true,
    keys: { [keyid]: key },
    roles: { root: role, timestamp: role, snapshot: role, targets: role },
  });
  const targetsBody = { _type: "targets", ...common, targets: { [TARGET]: { length: target.length, hashes: { sha256, sha512 } } } };
  const targetsDocument = signed(privateKey, keyid, targetsBody);
  // After signing: the signature no longer covers what is served.
  if (options.tamperTargets) targetsBody.targets[TARGET].length += 1;
  const snapshot = signed(privateKey, keyid, { _type: "snapshot", ...common, meta: { "targets.json": { version: 1 } } });
  const timestamp = signed(privateKey, keyid, { _type: "timestamp", ...common, meta: { "snapshot.json": { version: 1 } } });

  const rootJSON = JSON.stringify(root);
  const files = new Map<string, Buffer | string>([
    ["/1.root.json", rootJSON],
    ["/timestamp.json", JSON.stringify(timestamp)],
    ["/1.snapshot.json", JSON.stringify(snapshot)],
    ["/1.targets.json", JSON.stringify(targetsDocument)],
    [`/targets/${sha256}.${TARGET}`, options.swapTarget ?? target],
  ]);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = req.url ?? "/";
    requests.push(url);
    const body = files.get(url);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rootJSON,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function signed(privateKey: KeyObject, keyid: string, body: Signed): { signatures: { keyid: string; sig: string }[]; signed: Signed } {
  const sig = sign(null, Buffer.from(canonicalize(body)), privateKey).toString("hex");
  return { signatures: [{ keyid, sig }], signed: body };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
