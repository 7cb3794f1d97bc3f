/**
 * A layer blob as a stream of tar bytes: fetched from the store (verified against its digest
 * as it flows), decompressed by what its first bytes say (gzip, zstd or plain tar, whatever
 * the media type claims), and cut off with a LAYER_TOO_LARGE error naming the layer as soon as
 * it is over the size limits or expands like a gzip bomb.
 */
import { pipeline, Transform, type Readable, type TransformCallback } from "node:stream";
import zlib from "node:zlib";
import { PeptideError } from "@peptide/core";
import type { Descriptor, ImageStore } from "@peptide/oci";
import type { SbomErrorCode } from "../errors.js";
import { formatBytes, type ImageLimits } from "./limits.js";

export async function openLayer(store: ImageStore, layer: Descriptor, limits: ImageLimits): Promise<Readable> {
  const name = `layer ${layer.digest}`;
  if (layer.size > limits.maxLayerBytes) {
    throw tooLarge(`${name} of ${store.location} is ${formatBytes(layer.size)} compressed, over the ${formatBytes(limits.maxLayerBytes)} limit; raise the layer size limit if it is expected`);
  }
  const blob = await store.getBlob({ digest: layer.digest, size: layer.size });
  const magic = await peek(blob, 4);
  const input = new ByteCounter();
  const output = new ExpansionGuard(input, name, limits);
  const decompressor = decompressorFor(magic, name);
  const stages: Array<NodeJS.ReadableStream | NodeJS.WritableStream> = decompressor ? [blob, input, decompressor, output] : [blob, input, output];
  pipeline(stages, () => undefined);
  return output;
}

function decompressorFor(magic: Buffer, name: string): Transform | undefined {
  if (magic[0] === 0x1f && magic[1] === 0x8b) return zlib.createGunzip();
  if (magic.length >= 4 && magic.readUInt32LE(0) === 0xfd2fb528) {
    const factory: unknown = Reflect.get(zlib, "createZstdDecompress");
    if (typeof factory !== "function") {
      throw new PeptideError<SbomErrorCode>("IMAGE_INVALID", `${name} is zstd-compressed, which needs Node 22.15 or later to read`);
    }
    const stream: unknown = Reflect.apply(factory, zlib, []);
    if (!(stream instanceof Transform)) throw new PeptideError<SbomErrorCode>("IMAGE_INVALID", `${name}: this Node's zstd decompressor is not a stream`);
    return stream;
  }
  return undefined;
}

/** The first `n` bytes (fewer if the stream is shorter), left in the stream to be read again. */
function peek(stream: Readable, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | undefined, bytes?: Buffer): void => {
      stream.off("readable", onReadable);
      stream.off("end", onEnd);
      stream.off("error", onError);
      if (error) reject(error);
      else {
        if (bytes && bytes.length > 0) stream.unshift(bytes);
        resolve(bytes ?? Buffer.alloc(0));
      }
    };
    const onReadable = (): void => {
      const chunk: unknown = stream.read(n);
      if (chunk !== null) done(undefined, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    };
    const onEnd = (): void => done(undefined, Buffer.alloc(0));
    const onError = (error: Error): void => done(error);
    stream.on("readable", onReadable);
    stream.once("end", onEnd);
    stream.once("error", onError);
  });
}

class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/** Counts decompressed bytes; errors past the absolute limit or, beyond the floor, the ratio. */
class ExpansionGuard extends Transform {
  private bytes = 0;

  constructor(
    private readonly input: ByteCounter,
    private readonly name: string,
    private readonly limits: ImageLimits,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const { maxUncompressedLayerBytes, maxCompressionRatio, ratioFloorBytes } = this.limits;
    if (this.bytes > maxUncompressedLayerBytes) {
      callback(tooLarge(`${this.name} decompresses to more than ${formatBytes(maxUncompressedLayerBytes)}, over the limit; refusing it as a possible gzip bomb`));
      return;
    }
    if (this.bytes > ratioFloorBytes && this.bytes > this.input.bytes * maxCompressionRatio) {
      callback(tooLarge(`${this.name} expands more than ${maxCompressionRatio}× (${formatBytes(this.input.bytes)} to over ${formatBytes(this.bytes)}); refusing it as a gzip bomb`));
      return;
    }
    callback(null, chunk);
  }
}

function tooLarge(message: string): PeptideError<SbomErrorCode> {
  return new PeptideError<SbomErrorCode>("LAYER_TOO_LARGE", message);
}
