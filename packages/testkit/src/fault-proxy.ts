/**
 * A loopback HTTP proxy that misbehaves on purpose, for fault tests of registry clients: in front
 * of a target (the loopback docker-registry), a seeded share of requests is dropped (the
 * connection closed before forwarding, or after the target acted so its answer is lost),
 * answered 500 or 429 without forwarding, or stalled (the target's answer held back `stallMs`).
 * The Host header is passed through, so the registry's upload `Location`s point at the proxy.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface FaultProxyOptions {
  /** `http://127.0.0.1:<port>` of the real server. */
  target: string;
  /** Shares of requests, each in [0, 1]; their sum must not exceed 1. */
  dropRate?: number;
  error500Rate?: number;
  error429Rate?: number;
  stallRate?: number;
  /** How long a stalled answer is held back. Default 200 ms. */
  stallMs?: number;
  /** The same seed gives the same sequence of faults for the same sequence of requests. */
  seed?: number;
}

export interface FaultProxyStats {
  requests: number;
  forwarded: number;
  droppedBefore: number;
  droppedAfter: number;
  error500: number;
  error429: number;
  stalled: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `127.0.0.1:<port>`, the registry part of references through the proxy. */
  host: string;
  stats: FaultProxyStats;
  /** Changes the shares of faults from now on (e.g. all zero to let re-runs through). */
  setRates(rates: Pick<FaultProxyOptions, "dropRate" | "error500Rate" | "error429Rate" | "stallRate">): void;
  close(): Promise<void>;
}

type Fault = "drop" | "500" | "429" | "stall" | "none";

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = mulberry32(options.seed ?? 1);
  const rates = { drop: 0, e500: 0, e429: 0, stall: 0 };
  const setRates = (r: Pick<FaultProxyOptions, "dropRate" | "error500Rate" | "error429Rate" | "stallRate">): void => {
    rates.drop = r.dropRate ?? 0;
    rates.e500 = r.error500Rate ?? 0;
    rates.e429 = r.error429Rate ?? 0;
    rates.stall = r.stallRate ?? 0;
    if (rates.drop + rates.e500 + rates.e429 + rates.stall > 1) throw new Error("fault proxy: the fault rates add up to more than 1");
  };
  setRates(options);
  const stallMs = options.stallMs ?? 200;
  const stats: FaultProxyStats = { requests: 0, forwarded: 0, droppedBefore: 0, droppedAfter: 0, error500: 0, error429: 0, stalled: 0 };
  const sockets = new Set<Socket>();

  const pick = (): Fault => {
    let r = random();
    for (const [fault, share] of [["drop", rates.drop], ["500", rates.e500], ["429", rates.e429], ["stall", rates.stall]] as const) {
      if (r < share) return fault;
      r -= share;
    }
    return "none";
  };

  const server = createServer((req, res) => {
    stats.requests++;
    const fault = pick();
    if (fault === "drop" && random() < 0.5) {
      stats.droppedBefore++;
      req.socket.destroy();
      return;
    }
    if (fault === "500" || fault === "429") {
      req.resume();
      req.on("end", () => {
        if (fault === "500") stats.error500++;
        else stats.error429++;
        const status = fault === "500" ? 500 : 429;
        const headers: Record<string, string> = { "content-type": "application/json", connection: "close" };
        if (status === 429) headers["retry-after"] = "0";
        res.writeHead(status, headers);
        res.end(JSON.stringify({ errors: [{ code: fault === "500" ? "UNKNOWN" : "TOOMANYREQUESTS", message: "injected by the fault proxy" }] }));
      });
      return;
    }
    forward(req, res, fault);
  });

  const forward = (req: IncomingMessage, res: ServerResponse, fault: Fault): void => {
    stats.forwarded++;
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (fault === "drop") {
          stats.droppedAfter++;
          answer.resume();
          req.socket.destroy();
          return;
        }
        const send = (): void => {
          if (res.destroyed) {
            answer.resume();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        };
        if (fault === "stall") {
          stats.stalled++;
          setTimeout(send, stallMs);
        } else {
          send();
        }
      },
    );
    upstream.on("error", () => req.socket.destroy());
    req.on("error", () => upstream.destroy());
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    url: `http://${host}`,
    host,
    stats,
    setRates,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
