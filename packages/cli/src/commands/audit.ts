import { audit, loadPolicy, ruleCatalog, isSeverity, type AuditResult, type Severity } from "@peptide/workflow";
import { toGithubCommands, toJsonV1, toSarif, toText, atOrAbove } from "@peptide/report";
import { InputError } from "@peptide/core";
import { oneOf, parseCommandArgs, stringFlag } from "../args.js";
import { EXIT, type CliIO } from "../io.js";
import { applyFixes } from "./audit-fix.js";
import { VERSION } from "../version.js";

const HELP = `usage: peptide audit [paths...] [options]

Audits GitHub workflow files and action manifests (files or directories; default: .).

options:
  --format text|json|sarif|github   output format (default: text)
  --fail-on low|medium|high|critical|none
                                    exit 1 when a finding is at or above this severity (default: low)
  --config FILE                     policy file (default: .github/peptide.yml when it exists)
  --fix                             write minimal permissions and pin actions to commit SHAs
                                    (resolves tags through GITHUB_API_URL with GITHUB_TOKEN)
  --no-color                        plain text even on a terminal
  --debug                           show stack traces of internal errors
`;

const FORMATS = ["text", "json", "sarif", "github"] as const;

export async function auditCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("audit", argv, {
    format: { type: "string" },
    "fail-on": { type: "string" },
    config: { type: "string" },
    fix: { type: "boolean" },
    "no-color": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const format = oneOf("format", stringFlag(values.format), FORMATS, "text");
  const failOn = stringFlag(values["fail-on"]) ?? "low";
  if (failOn !== "none" && !isSeverity(failOn)) throw new InputError("INPUT_INVALID", `--fail-on must be one of low, medium, high, critical, none; got "${failOn}"`);
  const configArg = stringFlag(values.config);
  const config = await loadPolicy(configArg, { explicit: configArg !== undefined, cwd: io.cwd });
  const paths = positionals.length > 0 ? positionals : ["."];

  // Parsed models are needed by --fix and stay in this thread; otherwise big audits use every core.
  const threads = io.env.PEPTIDE_THREADS ? Number(io.env.PEPTIDE_THREADS) : undefined;
  const parallel = io.bundle && !values.fix && threads !== 1 ? { script: io.bundle, threads } : undefined;
  let result = await audit(paths, { cwd: io.cwd, config, parallel });
  if (values.fix) {
    const fixed = await applyFixes(result, { cwd: io.cwd, env: io.env });
    for (const line of fixed.log) io.stderr(`${line}\n`);
    result = await audit(paths, { cwd: io.cwd, config });
  }
  io.stdout(render(result, format, io.color && !values["no-color"], io.cwd));
  if (failOn === "none") return EXIT.ok;
  return result.findings.some((f) => atOrAbove(f.severity, failOn as Severity)) ? EXIT.findings : EXIT.ok;
}

function render(result: AuditResult, format: (typeof FORMATS)[number], color: boolean, cwd: string): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(toJsonV1(result))}\n`;
    case "sarif":
      return `${JSON.stringify(toSarif(result, ruleCatalog(), { version: VERSION, srcRoot: cwd }), null, 2)}\n`;
    case "github":
      return toGithubCommands(result.findings);
    default:
      return toText(result, { color });
  }
}
