/**
 * Sigstore bundles in an OCI registry, attached to the image they are about as OCI 1.1 artifact
 * manifests (the layout cosign and `gh attestation` read):
 *
 *   artifactType  application/vnd.dev.sigstore.bundle.v0.3+json
 *   config        the OCI empty descriptor (`{}`)
 *   layers        [the bundle, same media type]
 *   subject       the image manifest or index
 *   annotations   dev.sigstore.bundle.content, dev.sigstore.bundle.predicateType, created
 *
 * Found through the referrers API, or the `sha256-<hex>` referrers tag where the registry has no
 * such API (pushReferrer in @peptide/oci keeps it). For a multi-platform index the bundle is
 * attached to the index and to each platform manifest, so a consumer pulling one platform by
 * digest finds it too (the statement should name those digests as subjects).
 */
import {
  digestOf,
  listReferrers,
  MediaType,
  OciError,
  parseManifest,
  pushReferrer,
  readBlobBytes,
  type Descriptor,
  type ImageStore,
  type ReferrersMethod,
} from "@peptide/oci";
import { mapLimit } from "@peptide/core";
import { BUNDLE_V03_MEDIA_TYPE, type SigstoreBundle } from "../sign/session.js";
import { StoreError } from "./errors.js";

export const SIGSTORE_BUNDLE_ARTIFACT_TYPE = BUNDLE_V03_MEDIA_TYPE;
/** The OCI empty descriptor's content and digest (image-spec 1.1 "Guidance for an empty descriptor"). */
export const OCI_EMPTY_JSON = Buffer.from("{}");
export const OCI_EMPTY_DESCRIPTOR: Descriptor = {
  mediaType: MediaType.ociEmpty,
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2,
};
/** Bundles larger than this are not read back from a registry (a hostile one cannot exhaust memory). */
export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

export interface AttachOptions {
  /** Also attach to each platform manifest of an index. Default true. */
  platforms?: boolean;
  /** `org.opencontainers.image.created`; default now. */
  created?: Date;
}

export interface AttachedBundle {
  /** The image manifest or index the bundle was attached to. */
  subject: Descriptor;
  /** The artifact manifest holding the bundle. */
  manifest: Descriptor;
  method: ReferrersMethod;
}

/** Attaches one bundle to the image `digest` in `store` (and its platform manifests). */
export async function attachBundle(store: ImageStore, digest: string, bundle: SigstoreBundle, options: AttachOptions = {}): Promise<AttachedBundle[]> {
  const subject = await resolveSubject(store, digest);
  const subjects = [subject];
  if (options.platforms !== false && (subject.mediaType === MediaType.ociIndex || subject.mediaType === MediaType.dockerManifestList)) {
    subjects.push(...(await platformManifests(store, subject)));
  }
  const bytes = Buffer.from(JSON.stringify(bundle));
  const layer: Descriptor = { mediaType: SIGSTORE_BUNDLE_ARTIFACT_TYPE, digest: digestOf(bytes), size: bytes.length };
  try {
    await store.putBlob(OCI_EMPTY_DESCRIPTOR, OCI_EMPTY_JSON);
    await store.putBlob({ digest: layer.digest, size: layer.size }, bytes);
  } catch (cause) {
    throw new StoreError("STORE_REGISTRY", `${store.location}: cannot upload the bundle: ${(cause as Error).message}`, { cause });
  }
  const annotations = bundleAnnotations(bundle, options.created ?? new Date());
  const attached: AttachedBundle[] = [];
  for (const target of subjects) {
    const manifest = artifactManifest(layer, target, annotations);
    try {
      const pushed = await pushReferrer(store, manifest);
      attached.push({ subject: target, manifest: pushed.descriptor, method: pushed.method });
    } catch (cause) {
      throw new StoreError("STORE_REGISTRY", `${store.location}: cannot attach the bundle to ${target.digest}: ${(cause as Error).message}`, { cause });
    }
  }
  return attached;
}

/** The artifact manifest that carries `layer` (a bundle) for `subject`, as bytes to push. */
export function artifactManifest(layer: Descriptor, subject: Descriptor, annotations: Record<string, string>): Buffer {
  const json = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: SIGSTORE_BUNDLE_ARTIFACT_TYPE,
    config: OCI_EMPTY_DESCRIPTOR,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  return Buffer.from(JSON.stringify(json));
}

export interface FoundBundle {
  /** The artifact manifest the bundle came from. */
  manifest: Descriptor;
  bundle: unknown;
}

/**
 * The Sigstore bundles attached to `digest` (parsed JSON, not yet verified: give them to
 * verifyBundles). `predicateType` keeps only those whose annotation names it.
 */
export async function fetchAttachedBundles(store: ImageStore, digest: string, options: { predicateType?: string } = {}): Promise<FoundBundle[]> {
  const { referrers } = await listReferrers(store, digest, { artifactType: SIGSTORE_BUNDLE_ARTIFACT_TYPE });
  return readAttachedBundles(store, referrers, options);
}

/** fetchAttachedBundles over referrers already listed (those of another artifact type are skipped). */
export async function readAttachedBundles(store: ImageStore, referrers: readonly Descriptor[], options: { predicateType?: string } = {}): Promise<FoundBundle[]> {
  const wanted = referrers.filter(
    (r) => r.artifactType === SIGSTORE_BUNDLE_ARTIFACT_TYPE && (options.predicateType === undefined || r.annotations?.["dev.sigstore.bundle.predicateType"] === options.predicateType),
  );
  // A few at a time, in the order listed: each is a manifest and a blob, two round trips.
  const found = await mapLimit(wanted, FETCH_CONCURRENCY, async (referrer): Promise<FoundBundle | undefined> => {
    const { bytes, descriptor } = await store.getManifest(referrer.digest);
    const parsed = parseManifest(bytes, descriptor.mediaType, `referrer ${referrer.digest} of ${store.location}`);
    if (parsed.kind !== "manifest") return undefined;
    const layer = parsed.manifest.layers.find((l) => l.mediaType.startsWith("application/vnd.dev.sigstore.bundle"));
    if (layer === undefined) return undefined;
    const text = await readBlobBytes(store, layer, MAX_BUNDLE_BYTES);
    try {
      return { manifest: referrer, bundle: JSON.parse(text.toString("utf8")) as unknown };
    } catch (cause) {
      throw new StoreError("STORE_REGISTRY", `${store.location}: the bundle in ${referrer.digest} is not JSON`, { cause });
    }
  });
  return found.filter((f): f is FoundBundle => f !== undefined);
}

const FETCH_CONCURRENCY = 6;

async function resolveSubject(store: ImageStore, digest: string): Promise<Descriptor> {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new StoreError("STORE_INPUT", `"${digest}" is not an image digest (sha256:<64 hex>)`);
  try {
    const resolved = await store.resolve(digest);
    return { mediaType: resolved.mediaType, digest: resolved.digest, size: resolved.size };
  } catch (cause) {
    // Only a missing image is the caller's to fix; an unreachable or failing registry is the registry's.
    if (cause instanceof OciError && cause.code === "MANIFEST_UNKNOWN") {
      throw new StoreError("STORE_INPUT", `${store.location}: no image ${digest} to attach the bundle to: ${cause.message}`, { cause });
    }
    throw new StoreError("STORE_REGISTRY", `${store.location}: cannot read image ${digest} to attach the bundle to: ${(cause as Error).message}`, { cause });
  }
}

/** The platform manifests of an index (attestation manifests of `unknown/unknown` left out). */
async function platformManifests(store: ImageStore, index: Descriptor): Promise<Descriptor[]> {
  const { bytes } = await store.getManifest(index.digest);
  const parsed = parseManifest(bytes, index.mediaType, `index ${index.digest} of ${store.location}`);
  if (parsed.kind !== "index") return [];
  return parsed.index.manifests
    .filter((d) => d.platform === undefined || d.platform.os !== "unknown")
    .filter((d) => d.mediaType === MediaType.ociManifest || d.mediaType === MediaType.dockerManifest)
    .map((d) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size }));
}

function bundleAnnotations(bundle: SigstoreBundle, created: Date): Record<string, string> {
  const annotations: Record<string, string> = {
    "dev.sigstore.bundle.content": "dsseEnvelope" in bundle && bundle.dsseEnvelope ? "dsse-envelope" : "message-signature",
  };
  const predicateType = predicateTypeOf(bundle);
  if (predicateType !== undefined) annotations["dev.sigstore.bundle.predicateType"] = predicateType;
  annotations["org.opencontainers.image.created"] = created.toISOString().replace(/\.\d{3}Z$/, "Z");
  return annotations;
}

/** The predicateType of the statement in a DSSE bundle. */
export function predicateTypeOf(bundle: SigstoreBundle): string | undefined {
  if (!("dsseEnvelope" in bundle) || !bundle.dsseEnvelope) return undefined;
  try {
    const statement: unknown = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString("utf8"));
    const type = typeof statement === "object" && statement !== null ? (statement as Record<string, unknown>)["predicateType"] : undefined;
    return typeof type === "string" ? type : undefined;
  } catch {
    return undefined;
  }
}
