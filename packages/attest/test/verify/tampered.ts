/** Ways to tamper with a serialized bundle, for the tamper suite. Each returns a modified copy. */
type Json = Record<string, unknown>;

function copy(bundle: Json): Json {
  return structuredClone(bundle);
}

function envelope(bundle: Json): { payload: string; payloadType: string; signatures: unknown[] } {
  return bundle.dsseEnvelope as { payload: string; payloadType: string; signatures: unknown[] };
}

function material(bundle: Json): Json {
  return bundle.verificationMaterial as Json;
}

/** Re-encodes the DSSE payload after `edit` changed the statement; the signature is kept. */
export function withStatement(bundle: Json, edit: (statement: Json) => void): Json {
  const out = copy(bundle);
  const env = envelope(out);
  const statement = JSON.parse(Buffer.from(env.payload, "base64").toString("utf8")) as Json;
  edit(statement);
  env.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
  return out;
}

export function withoutLogEntries(bundle: Json): Json {
  const out = copy(bundle);
  material(out).tlogEntries = [];
  return out;
}

export function withoutTimestamps(bundle: Json): Json {
  const out = copy(bundle);
  delete material(out).timestampVerificationData;
  return out;
}

/** Puts `donor`'s signing certificate into `bundle`. */
export function withCertificateOf(bundle: Json, donor: Json): Json {
  const out = copy(bundle);
  material(out).certificate = structuredClone(material(donor).certificate);
  return out;
}

/** Rewrites every occurrence of `from` in the certificate's DER with `to` (same length), leaving the CA's signature as it was. */
export function withForgedCertificate(bundle: Json, from: string, to: string): Json {
  if (from.length !== to.length) throw new Error("a forged value must keep the DER lengths");
  const out = copy(bundle);
  const certificate = material(out).certificate as { rawBytes: string };
  const der = Buffer.from(certificate.rawBytes, "base64").toString("latin1");
  if (!der.includes(from)) throw new Error(`certificate does not contain ${from}`);
  certificate.rawBytes = Buffer.from(der.split(from).join(to), "latin1").toString("base64");
  return out;
}

/** A trusted root without transparency logs, as GitHub's instance publishes. */
export function withoutTransparencyLogs(trustedRoot: Json): Json {
  return { ...trustedRoot, tlogs: [] };
}
