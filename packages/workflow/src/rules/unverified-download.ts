import type { Node } from "yaml";
import { scalarText } from "../model/source.js";
import type { JobModel, StepModel } from "../model/types.js";
import type { Rule } from "../rule.js";
import { unverifiedDownloads, type UnverifiedDownload } from "../knowledge/downloads.js";
import { releaseTriggers, shippingJobs } from "../knowledge/publishing.js";
import { CODE_SINKS } from "../taint/actions.js";
import { stepLabel } from "../taint/describe.js";
import { locateInValue } from "../taint/shell.js";
import { actionName, parseUses } from "../uses.js";
import { allSteps } from "../walk.js";

/**
 * Code fetched from the network and run with no integrity check: whoever controls the URL (a
 * moved branch, a compromised release, a hijacked domain) runs code in the job, with its token and
 * secrets. A checksum or signature check anywhere in the same script counts as verification.
 */
export const unverifiedDownload: Rule = {
  id: "unverified-download",
  title: "Downloaded code run without an integrity check",
  severity: "medium",
  confidence: "high",
  check(ctx) {
    const { target } = ctx;
    // Which jobs ship is only worked out when a download is found: most workflows have none.
    let shippingCache: ReadonlyMap<string, string> | undefined;
    const shippingOf = () => (shippingCache ??= target.kind === "workflow" ? shippingJobs(target, releaseTriggers(target).length > 0) : new Map<string, string>());
    for (const { step, job } of allSteps(target)) {
      for (const node of scriptsOf(step)) {
        const script = scalarText(node) ?? "";
        for (const found of unverifiedDownloads(script)) {
          const shipping = shippingOf();
          ctx.report({
            at: locateInValue(target.source, node, script, found.line.offset, found.line.first),
            job: job?.id,
            step: step.index,
            severity: job && shipping.has(job.id) ? "high" : "medium",
            confidence: found.kind === "pipe" || found.kind === "execute" ? "high" : "medium",
            message: `${stepLabel(step, job)} ${describe(found)}${shipsNote(job, shipping)}; ${fixFor(found)}`,
          });
        }
      }
    }
  },
};

/** The step's `run:`, or the shell-script inputs of actions that run them (addnab/docker-run-action `run`, azure/cli `inlineScript`). */
function scriptsOf(step: StepModel): Node[] {
  if (step.run) return [step.run];
  const uses = scalarText(step.uses);
  const ref = uses ? parseUses(uses) : undefined;
  if (!ref || ref.kind !== "remote") return [];
  const sink = CODE_SINKS.get(actionName(ref));
  if (!sink || (sink.language !== "shell" && sink.language !== "powershell")) return [];
  return [...step.with].filter(([key]) => sink.inputs.includes(key.toLowerCase())).map(([, node]) => node);
}

function describe(found: UnverifiedDownload): string {
  switch (found.kind) {
    case "pipe":
      return `pipes ${found.url} straight into ${found.runner}, so whoever controls that URL runs code in this job`;
    case "execute":
    case "install-binary":
      return `downloads ${found.url} and ${found.runner} with no checksum or signature check in the script`;
    case "package-url":
      return `runs ${found.runner} from ${found.url}, which is not pinned to a hash or commit`;
  }
}

function shipsNote(job: JobModel | undefined, shipping: ReadonlyMap<string, string>): string {
  const reason = job ? shipping.get(job.id) : undefined;
  return reason ? ` (this job ${reason})` : "";
}

function fixFor(found: UnverifiedDownload): string {
  if (found.kind === "package-url") return "pin it (a #sha256= fragment, a commit SHA, or a registry version installed with --require-hashes)";
  return 'download to a file, check it against a pinned sha256 (echo "<sha256>  file" | sha256sum -c) or its signature (cosign verify-blob, gh attestation verify), then run it';
}
