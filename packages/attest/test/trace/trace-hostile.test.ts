import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { OciLayout } from "@peptide/oci";
import { buildImage, writeImage } from "@peptide/testkit";
import { describe, expect, it } from "vitest";
import { attachBundle, formatTraceText, SLSA_PROVENANCE_V1, traceChain, type SigstoreBundle } from "../../src/index.js";

/** An unsigned bundle holding `statement`: what anyone who can push a referrer can attach. */
function forged(statement: Record<string, unknown>): SigstoreBundle {
  return {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: { certificate: { rawBytes: Buffer.from("not a certificate").toString("base64") }, tlogEntries: [] },
    dsseEnvelope: { payload: Buffer.from(JSON.stringify(statement)).toString("base64"), payloadType: "application/vnd.in-toto+json", signatures: [{ sig: "AAAA", keyid: "" }] },
  } as unknown as SigstoreBundle;
}

const provenance = (sha256: string, repository: string) => ({
  _type: "https://in-toto.io/Statement/v1",
  subject: [{ name: "x", digest: { sha256 } }],
  predicateType: SLSA_PROVENANCE_V1,
  predicate: { buildDefinition: { externalParameters: { workflow: { repository, path: ".github/workflows/release.yml", ref: "refs/tags/v1" } } } },
});

describe("trace of what a hostile referrer says", () => {
  it("ignores statements about another digest, and prints attested text on one line", async () => {
    const layout = await OciLayout.create(await mkdtemp(path.join(os.tmpdir(), "peptide-trace-hostile-")));
    const image = await writeImage(layout, await buildImage({ layers: [{ "app.txt": "x" }] }), "v1");
    const hex = image.digest.slice("sha256:".length);

    // About another digest: it must not fill the repository link.
    await attachBundle(layout, image.digest, forged(provenance("0".repeat(64), "https://github.com/acme/pay")));
    const other = await traceChain(layout, image, "svc");
    expect(other.trace.links.find((l) => l.name === "repository")?.status).toBe("missing");
    expect(other.trace.signatures).toHaveLength(0);

    // About this digest, with line breaks and an ANSI escape in the repository name.
    await attachBundle(layout, image.digest, forged(provenance(hex, "https://github.com/acme/pay\n::warning title=INJECTED::x\u001b[2K")));
    const { trace } = await traceChain(layout, image, "svc");
    const repository = trace.links.find((l) => l.name === "repository");
    expect(repository?.status).toBe("present");
    expect(repository?.summary).not.toContain("\n");
    expect(repository?.summary).not.toContain("\u001b");
    expect(formatTraceText(trace, false).split("\n").some((line) => line.startsWith("::"))).toBe(false);
  });
});
