/** Reading untyped JSON (statements, bundles) without trusting its shape. */

export function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * A non-empty string (a number as its text), else undefined. Control characters (line breaks,
 * ANSI escapes) become spaces: what an attestation says is shown on one line, as text.
 */
export function text(value: unknown): string | undefined {
  if (typeof value === "number") return String(value);
  // eslint-disable-next-line no-control-regex
  return typeof value === "string" && value !== "" ? value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ") : undefined;
}
