/**
 * Sigstore's SigningConfig (protobuf-specs `dev.sigstore.trustroot.v1.SigningConfig`, media type
 * `application/vnd.dev.sigstore.signingconfig.v0.2+json`) to the services of a run, choosing as
 * the spec says: per kind, the services with an API version we speak that are valid now, newest
 * `validFor.start` first; Rekor and TSA by their selector (ANY: one, EXACT: `count`, ALL: all).
 */
import { ServiceSelector, SigningConfig, type Service, type ServiceConfiguration } from "@sigstore/protobuf-specs";
import { SignError } from "./errors.js";
import type { Endpoints } from "./instances.js";

export const SIGNING_CONFIG_MEDIA_TYPE = "application/vnd.dev.sigstore.signingconfig.v0.2+json";
const MAX_CA_API = 1;
const MAX_TLOG_API = 2;
const MAX_TSA_API = 1;

export function signingConfigEndpoints(document: Record<string, unknown>, now: Date): Endpoints {
  if (document["mediaType"] !== SIGNING_CONFIG_MEDIA_TYPE) {
    throw new SignError("SIGN_CONFIG", `signing config mediaType is ${JSON.stringify(document["mediaType"])}; expected ${SIGNING_CONFIG_MEDIA_TYPE}`);
  }
  let config: SigningConfig;
  try {
    config = SigningConfig.fromJSON(document);
  } catch (cause) {
    throw new SignError("SIGN_CONFIG", `signing config is not valid: ${(cause as Error).message}`, { cause });
  }
  const ca = usable(config.caUrls, MAX_CA_API, now)[0];
  if (!ca) throw new SignError("SIGN_CONFIG", "signing config has no certificate authority (caUrls) valid now with API version 1");
  const tlogs = select("rekorTlogUrls", usable(config.rekorTlogUrls, MAX_TLOG_API, now), config.rekorTlogConfig);
  const tsas = select("tsaUrls", usable(config.tsaUrls, MAX_TSA_API, now), config.tsaConfig);
  return {
    fulcioURL: ca.url,
    tlogs: tlogs.map((s) => ({ url: s.url, majorApiVersion: s.majorApiVersion })),
    tsaURLs: tsas.map((s) => s.url),
  };
}

function usable(services: Service[], maxApi: number, now: Date): Service[] {
  const valid = services.filter(
    (s) => s.majorApiVersion >= 1 && s.majorApiVersion <= maxApi && (!s.validFor?.start || s.validFor.start <= now) && (!s.validFor?.end || s.validFor.end >= now),
  );
  // Highest API version first, then the newest start.
  return valid.sort((a, b) => b.majorApiVersion - a.majorApiVersion || (b.validFor?.start?.getTime() ?? 0) - (a.validFor?.start?.getTime() ?? 0));
}

function select(field: string, services: Service[], config: ServiceConfiguration | undefined): Service[] {
  if (services.length === 0) return [];
  // One per operator: two entries of one operator are one log/TSA in two versions.
  const byOperator = new Map<string, Service>();
  for (const service of services) if (!byOperator.has(service.operator || service.url)) byOperator.set(service.operator || service.url, service);
  const distinct = [...byOperator.values()];
  const selector = config ? config.selector : ServiceSelector.ANY;
  switch (selector) {
    case ServiceSelector.ALL:
      return distinct;
    case ServiceSelector.EXACT: {
      const count = config?.count ?? 1;
      if (distinct.length < count) throw new SignError("SIGN_CONFIG", `signing config asks for ${count} of ${field} but ${distinct.length} are usable now`);
      return distinct.slice(0, count);
    }
    case ServiceSelector.ANY:
      return distinct.slice(0, 1);
    default:
      throw new SignError("SIGN_CONFIG", `signing config has no selector for ${field} (ANY, ALL or EXACT)`);
  }
}
