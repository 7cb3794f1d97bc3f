import path from "node:path";
import { visit } from "yaml";
import { errorMessage, isPeptideError, readTextFile } from "@peptide/core";
import { discover, kindOf, type Candidate, type FileKind, type Skip } from "./discover.js";
import { docsUrl, type Finding } from "./finding.js";
import { buildAction, buildWorkflow, ModelError } from "./model/build.js";
import { SourceFile } from "./model/source.js";
import type { AuditTarget } from "./model/types.js";
import { EMPTY_POLICY, type PolicyConfig } from "./policy/config.js";
import { matchesAny } from "./policy/glob.js";
import { RULES } from "./registry.js";
import { auditInWorkers, PARALLEL_MIN_FILES, type ParallelOptions } from "./parallel.js";
import type { Rule } from "./rule.js";
import { isSuppressed } from "./suppress.js";

export const PARSE_ERROR = "parse-error";
const MAX_ALIASES = 100;

export interface AuditOptions {
  cwd?: string;
  config?: PolicyConfig;
  rules?: readonly Rule[];
  /**
   * Spread large audits over worker threads running `script` (a bundle whose entry calls
   * `serveAuditWorker()` in a worker). Results then carry no `targets` (so not with `--fix`).
   */
  parallel?: ParallelOptions;
}

export interface AuditResult {
  findings: Finding[];
  /** Files audited. */
  files: number;
  skipped: Skip[];
  /** Parsed targets, kept for `--fix`. */
  targets: AuditTarget[];
}

/** Audits workflow files and action manifests found under the given paths. */
export async function audit(paths: readonly string[], options: AuditOptions = {}): Promise<AuditResult> {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? EMPTY_POLICY;
  const { candidates, skipped } = await discover(paths, cwd);
  const parallel = options.parallel && !options.rules && candidates.length >= PARALLEL_MIN_FILES ? options.parallel : undefined;
  const part = parallel ? await auditInWorkers(candidates, cwd, config, parallel) : await auditCandidates(candidates, cwd, config, options.rules);
  return { findings: sortFindings(part.findings), files: part.files, skipped: [...skipped, ...part.skipped], targets: part.targets };
}

/** Reads and audits a list of candidates in this thread. */
export async function auditCandidates(candidates: readonly Candidate[], cwd: string, config: PolicyConfig, rules?: readonly Rule[]): Promise<AuditResult> {
  const findings: Finding[] = [];
  const targets: AuditTarget[] = [];
  const skipped: Skip[] = [];
  let files = 0;
  const results = await Promise.all(candidates.map((c) => readCandidate(c, cwd, config)));
  for (const result of results) {
    if (result.kind === "skip") {
      if (result.reason) skipped.push({ file: result.file, reason: result.reason });
      continue;
    }
    files++;
    if (result.kind === "error") {
      findings.push(result.finding);
      continue;
    }
    const out = auditSource(result.source, result.fileKind, { config, rules, explicit: result.explicit });
    findings.push(...out.findings);
    if (out.target) targets.push(out.target);
  }
  return { findings, files, skipped, targets };
}

type ReadResult =
  | { kind: "skip"; file: string; reason?: string }
  | { kind: "error"; finding: Finding }
  | { kind: "source"; source: SourceFile; fileKind: FileKind; explicit: boolean };

async function readCandidate(c: Candidate, cwd: string, config: PolicyConfig): Promise<ReadResult> {
  const rel = relative(cwd, c.absolute);
  if (config.ignore.length > 0 && matchesAny(rel, config.ignore)) return { kind: "skip", file: rel };
  let text: string;
  try {
    text = await readTextFile(c.absolute, { root: c.root });
  } catch (err) {
    if (isPeptideError(err) && err.code === "INPUT_OUTSIDE_ROOT") return { kind: "skip", file: rel, reason: "resolves outside the scanned directory; not followed" };
    return { kind: "error", finding: parseError(rel, 1, 1, `${errorMessage(err).replace(`${c.absolute}: `, "")}` ) };
  }
  // A YAML file found directly in a scanned folder is audited only if it looks like a workflow.
  if (!c.explicit && !/^(jobs|runs)\s*:/m.test(text)) return { kind: "skip", file: rel };
  return { kind: "source", source: new SourceFile(rel, text), fileKind: c.kind, explicit: c.explicit };
}

export interface SourceAudit {
  findings: Finding[];
  target?: AuditTarget;
}

/** Audits one already-read file. `kind` defaults from the file name. */
export function auditSource(
  source: SourceFile,
  kind: FileKind = kindOf(source.path),
  options: { config?: PolicyConfig; rules?: readonly Rule[]; explicit?: boolean } = {},
): SourceAudit {
  const config = options.config ?? EMPTY_POLICY;
  const yamlError = source.doc.errors[0];
  if (yamlError) {
    const at = source.position(yamlError.pos[0]);
    return { findings: [parseError(source.path, at.line, at.column, `not valid YAML: ${firstLine(yamlError.message)}`)] };
  }
  const bomb = aliasBomb(source);
  if (bomb) return { findings: [parseError(source.path, bomb.line, bomb.column, `refused: more than ${MAX_ALIASES} YAML alias expansions (an alias bomb)`)] };
  let target: AuditTarget;
  try {
    target = kind === "action" ? buildAction(source) : buildWorkflow(source);
  } catch (err) {
    if (err instanceof ModelError) {
      const at = source.positionOf(err.node ?? null);
      return { findings: [parseError(source.path, at.line, at.column, `not ${kind === "action" ? "an action manifest" : "a workflow"}: ${err.message}`)] };
    }
    throw err;
  }
  const findings: Finding[] = [];
  for (const rule of options.rules ?? RULES) {
    if (config.disabled.has(rule.id)) continue;
    if (rule.targets && !rule.targets.includes(target.kind)) continue;
    const severity = config.severity.get(rule.id);
    rule.check({
      target,
      config,
      report: (r) => {
        const finding: Finding = {
          rule: rule.id,
          severity: severity ?? r.severity ?? rule.severity,
          confidence: r.confidence ?? rule.confidence,
          file: source.path,
          line: r.at.line,
          column: r.at.column,
          job: r.job,
          step: r.step,
          message: r.message,
          docs: docsUrl(rule.id),
          fix: r.fix,
        };
        if (!isSuppressed(finding, source)) findings.push(finding);
      },
    });
  }
  return { findings, target };
}

/** An anchor (`&name`) where YAML allows one; without anchors there are no aliases to expand. */
const ANCHOR = /(?:^|[\s:[{,-])&[\w-]/m;

function aliasBomb(source: SourceFile): { line: number; column: number } | undefined {
  if (!ANCHOR.test(source.text) || !source.text.includes("*")) return undefined;
  let hasAlias = false;
  visit(source.doc, {
    Alias: () => {
      hasAlias = true;
      return visit.BREAK;
    },
  });
  if (!hasAlias) return undefined;
  try {
    source.doc.toJS({ maxAliasCount: MAX_ALIASES });
    return undefined;
  } catch {
    return { line: 1, column: 1 };
  }
}

function parseError(file: string, line: number, column: number, message: string): Finding {
  return { rule: PARSE_ERROR, severity: "high", confidence: "high", file, line, column, message, docs: docsUrl(PARSE_ERROR) };
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)));
}

function relative(cwd: string, file: string): string {
  return path.relative(cwd, file).split(path.sep).join("/");
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
