import { LRUCache } from "lru-cache";
import { monotonicFactory } from "ulid";
import { z } from "zod";
import { CURRENCIES, toMinorUnits } from "./money.js";

const nextUlid = monotonicFactory();

export const PaymentRequest = z.object({
  amount: z.string().regex(/^\d{1,9}(\.\d{1,3})?$/, "amount must be a decimal string such as \"12.50\""),
  currency: z.enum(Object.keys(CURRENCIES)),
  source: z.string().regex(/^tok_[A-Za-z0-9]{8,64}$/, "source must be a card token (tok_...)"),
  description: z.string().max(200).optional(),
});

/** Idempotency keys are client-chosen, 16 to 64 URL-safe characters (a UUID fits). */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,64}$/;

export class PaymentError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Creates payments. The same idempotency key with the same body returns the first payment;
 * with another body it is refused, so a retried request can never charge twice.
 */
export class Payments {
  #byKey = new LRUCache({ max: 50_000, ttl: 24 * 60 * 60 * 1000 });

  create(idempotencyKey, body) {
    if (typeof idempotencyKey !== "string" || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new PaymentError(400, "idempotency_key_invalid", "send an Idempotency-Key header of 16 to 64 characters [A-Za-z0-9_-]");
    }
    const parsed = PaymentRequest.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PaymentError(422, "request_invalid", `${issue.path.join(".") || "body"}: ${issue.message}`);
    }
    const request = parsed.data;
    const amountMinor = toMinorUnits(request.amount, request.currency);
    if (amountMinor === undefined) {
      throw new PaymentError(422, "amount_invalid", `amount ${request.amount} is not a valid positive ${request.currency} amount`);
    }
    const fingerprint = JSON.stringify([request.amount, request.currency, request.source, request.description ?? null]);
    const previous = this.#byKey.get(idempotencyKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw new PaymentError(409, "idempotency_key_reused", "this Idempotency-Key was used with a different request");
      }
      return { payment: previous.payment, replayed: true };
    }
    const payment = {
      id: `pay_${nextUlid()}`,
      status: "pending",
      amount: request.amount,
      amount_minor: amountMinor,
      currency: request.currency,
      description: request.description ?? null,
      created_at: new Date().toISOString(),
    };
    this.#byKey.set(idempotencyKey, { fingerprint, payment });
    return { payment, replayed: false };
  }
}
