import Big from "big.js";

/** ISO 4217 currencies the service accepts, with the number of digits of their minor unit. */
export const CURRENCIES = Object.freeze({ EUR: 2, USD: 2, GBP: 2, CHF: 2, SEK: 2, JPY: 0, KWD: 3 });

/** Largest single payment, in major units, whatever the currency. */
const MAX_AMOUNT = new Big("1000000");

/**
 * Converts a decimal string amount ("12.50") to integer minor units (1250) without floating
 * point. Returns undefined when the amount has more decimals than the currency allows, is not
 * positive or is above the limit.
 */
export function toMinorUnits(amount, currency) {
  const digits = CURRENCIES[currency];
  if (digits === undefined) return undefined;
  let value;
  try {
    value = new Big(amount);
  } catch {
    return undefined;
  }
  if (value.lte(0) || value.gt(MAX_AMOUNT)) return undefined;
  const minor = value.times(new Big(10).pow(digits));
  if (!minor.eq(minor.round(0, Big.roundDown))) return undefined;
  return Number(minor.toFixed(0));
}
