/**
 * Narrowing parsed lockfile values (`unknown`) without trusting their shape. Only own properties
 * are read, so a `__proto__` or `constructor` key is just another key.
 */

export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The own property `key` of a dict, or undefined (never an inherited one). */
export function own(value: unknown, key: string): unknown {
  return isDict(value) && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

/** The own string property `key`, or undefined. */
export function stringAt(value: unknown, key: string): string | undefined {
  const v = own(value, key);
  return typeof v === "string" ? v : undefined;
}

/** The own dict property `key`, or undefined. */
export function dictAt(value: unknown, key: string): Dict | undefined {
  const v = own(value, key);
  return isDict(v) ? v : undefined;
}

/** The own array property `key`, or an empty array. */
export function arrayAt(value: unknown, key: string): unknown[] {
  const v = own(value, key);
  return Array.isArray(v) ? v : [];
}

/** Own enumerable [key, value] pairs of a dict (empty for anything else). */
export function entriesOf(value: unknown): Array<[string, unknown]> {
  return isDict(value) ? Object.entries(value) : [];
}
