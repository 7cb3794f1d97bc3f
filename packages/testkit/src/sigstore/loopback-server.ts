/**
 * A node:http server on 127.0.0.1 that answers a route table, counts requests per route and can
 * be told to fail the next N requests of a route (to exercise clients' retries).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RouteRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export interface RouteResponse {
  status: number;
  body: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Route {
  /** Counter name in `requests` (e.g. `fulcio`). */
  name: string;
  method: "GET" | "POST";
  /** Exact path, or a pattern tested against the path. */
  path: string | RegExp;
  handle(request: RouteRequest): Promise<RouteResponse> | RouteResponse;
}

export interface Fault {
  /** HTTP status to answer with, or `reset` to destroy the connection. */
  status: number | "reset";
  /** How many requests in a row fail. Default 1. */
  times?: number;
}

export interface LoopbackServer {
  url: string;
  host: string;
  requests: Record<string, number>;
  fail(routeName: string, fault: Fault): void;
  close(): Promise<void>;
}

export async function startLoopbackServer(
  routes: () => readonly Route[],
  /** Counters to add to; shared when several servers make one service set. */
  requests: Record<string, number> = {},
): Promise<LoopbackServer> {
  const faults = new Map<string, { status: number | "reset"; remaining: number }>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void respond(req, res, Buffer.concat(chunks));
    });
  });

  async function respond(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const route = routes().find(
      (r) => r.method === method && (typeof r.path === "string" ? r.path === url.pathname : r.path.test(url.pathname)),
    );
    if (!route) {
      send(res, { status: 404, body: JSON.stringify({ code: 404, message: `no route for ${method} ${url.pathname}` }), contentType: "application/json" });
      return;
    }
    requests[route.name] = (requests[route.name] ?? 0) + 1;
    const fault = faults.get(route.name);
    if (fault && fault.remaining > 0) {
      fault.remaining -= 1;
      if (fault.status === "reset") {
        req.socket.destroy();
        return;
      }
      send(res, { status: fault.status, body: JSON.stringify({ code: fault.status, message: "injected fault" }), contentType: "application/json" });
      return;
    }
    try {
      send(res, await route.handle({ method, url, headers: req.headers, body }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      send(res, { status: 500, body: JSON.stringify({ code: 500, message }), contentType: "application/json" });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    url: `http://${host}`,
    host,
    requests,
    fail(routeName, fault) {
      faults.set(routeName, { status: fault.status, remaining: fault.times ?? 1 });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: ServerResponse, response: RouteResponse): void {
  res.writeHead(response.status, {
    "content-type": response.contentType ?? "text/plain; charset=utf-8",
    ...response.headers,
  });
  res.end(response.body);
}
