import { createServer } from "node:http";
import { pino } from "pino";
import { PaymentError, Payments } from "./payments.js";

const MAX_BODY_BYTES = 16 * 1024;

/** The HTTP service: POST /payments, GET /healthz. */
export function createApp({ logger = pino({ level: process.env.LOG_LEVEL ?? "info" }), payments = new Payments() } = {}) {
  return createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      if (url.pathname === "/healthz" && req.method === "GET") {
        send(res, 200, { status: "ok" });
      } else if (url.pathname === "/payments" && req.method === "POST") {
        const body = await readJson(req);
        const { payment, replayed } = payments.create(req.headers["idempotency-key"], body);
        if (replayed) res.setHeader("Idempotent-Replayed", "true");
        send(res, replayed ? 200 : 201, payment);
      } else {
        send(res, 404, { error: { code: "not_found", message: `no route for ${req.method} ${url.pathname}` } });
      }
    } catch (err) {
      if (err instanceof PaymentError) send(res, err.status, { error: { code: err.code, message: err.message } });
      else {
        logger.error({ err }, "unhandled error");
        send(res, 500, { error: { code: "internal", message: "internal error" } });
      }
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ method: req.method, path: url.pathname, status: res.statusCode, ms }, "request");
    }
  });
}

async function readJson(req) {
  if (!/^application\/json\b/.test(req.headers["content-type"] ?? "")) {
    throw new PaymentError(415, "content_type", "send the body as application/json");
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new PaymentError(413, "body_too_large", `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new PaymentError(400, "body_invalid", "the body is not valid JSON");
  }
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
