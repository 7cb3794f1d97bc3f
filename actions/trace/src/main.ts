import { log, setOutput, writeSummary } from "@peptide/action-kit";
import { traceChain, traceMarkdown, type TracedChain } from "@peptide/attest";
import { InputError } from "@peptide/core";
import { actionRegistryClient } from "@peptide/action-kit/attest";
import { parseReference } from "@peptide/oci";

export interface TraceInputs {
  /** host/repo@sha256:<hex>. */
  image: string;
  insecureRegistries: string[];
  /** ghcr.io credentials when the docker config has none. */
  githubToken: string | undefined;
  showSummary: boolean;
  /** Fail the step when a link is missing (default: report only). */
  failOnMissing: boolean;
  env: NodeJS.ProcessEnv;
}

export async function run(inputs: TraceInputs): Promise<TracedChain> {
  if (inputs.githubToken !== undefined) log.mask(inputs.githubToken);
  const ref = parseReference(inputs.image);
  if (ref.digest === undefined) {
    throw new InputError("INPUT_INVALID", `input "image" must name a digest (host/repo@sha256:<hex>), not a tag: a tag can move, e.g. ${ref.registry}/${ref.repository}@\${{ needs.build.outputs.digest }}`);
  }
  const client = actionRegistryClient({ insecure: inputs.insecureRegistries, githubToken: inputs.githubToken, env: inputs.env });
  const store = client.store(ref);
  const name = `${ref.registry}/${ref.repository}`;
  const chain = await traceChain(store, await store.resolve(ref.digest), name);
  const { trace, environments } = chain;

  for (const link of trace.links) log.info(`${link.name.padEnd(12)} ${link.status === "missing" ? `MISSING: ${link.summary}` : link.summary}`);
  const reached = [...new Set(environments.map((e) => e.environment))];
  setOutput("missing", trace.missing.join(","));
  setOutput("trace", JSON.stringify({ ...trace, environments }));
  setOutput("environments", reached.join(","));
  if (inputs.showSummary) await writeSummary(traceMarkdown(trace, environments));

  const missing = `${trace.missing.length} link${trace.missing.length === 1 ? "" : "s"} missing: ${trace.missing.join(", ")}`;
  if (trace.missing.length === 0) log.info(`${name}@${trace.image.digest}: every link of the chain is present`);
  else if (inputs.failOnMissing) log.fail(`trace of ${name}@${trace.image.digest}: ${missing}`);
  else log.warning(`trace of ${name}@${trace.image.digest}: ${missing}`);
  return chain;
}
