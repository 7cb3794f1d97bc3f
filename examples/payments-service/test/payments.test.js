import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, test } from "node:test";
import { pino } from "pino";
import { createApp } from "../src/app.js";
import { toMinorUnits } from "../src/money.js";

let base;
const server = createApp({ logger: pino({ level: "silent" }) });
before(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

const pay = (body, key = "key_0123456789abcdef") =>
  fetch(`${base}/payments`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify(body),
  });

const card = { amount: "12.50", currency: "EUR", source: "tok_visa4242abcd" };

test("GET /healthz answers ok", async () => {
  const res = await fetch(`${base}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: "ok" });
});

test("POST /payments creates a payment in minor units", async () => {
  const res = await pay(card, "key_create_0000000001");
  assert.equal(res.status, 201);
  const payment = await res.json();
  assert.match(payment.id, /^pay_[0-9A-Z]{26}$/);
  assert.equal(payment.amount_minor, 1250);
  assert.equal(payment.status, "pending");
});

test("the same idempotency key replays the first payment, another body is refused", async () => {
  const first = await (await pay(card, "key_replay_000000001")).json();
  const again = await pay(card, "key_replay_000000001");
  assert.equal(again.status, 200);
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.equal((await again.json()).id, first.id);
  const other = await pay({ ...card, amount: "99.00" }, "key_replay_000000001");
  assert.equal(other.status, 409);
});

test("requests without a valid key, amount or currency are refused", async () => {
  assert.equal((await pay(card, "short")).status, 400);
  assert.equal((await pay({ ...card, currency: "XXX" }, "key_invalid_00000001")).status, 422);
  assert.equal((await pay({ ...card, amount: "0" }, "key_invalid_00000002")).status, 422);
  assert.equal((await pay({ ...card, amount: "1.005" }, "key_invalid_00000003")).status, 422);
  assert.equal((await pay({ ...card, currency: "JPY", amount: "10.5" }, "key_invalid_00000004")).status, 422);
});

test("toMinorUnits uses the currency's minor unit and never floats", () => {
  assert.equal(toMinorUnits("0.10", "USD"), 10);
  assert.equal(toMinorUnits("1234.567", "KWD"), 1234567);
  assert.equal(toMinorUnits("500", "JPY"), 500);
  assert.equal(toMinorUnits("0.1", "JPY"), undefined);
  assert.equal(toMinorUnits("1000000.01", "EUR"), undefined);
});
