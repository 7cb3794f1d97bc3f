import path from "node:path";
import { pathToFileURL } from "node:url";
import { PeptideError } from "@peptide/core";
import { DOCS_BASE, docsUrl, type AuditResult, type Confidence, type Finding, type Severity } from "@peptide/workflow";
import { FINGERPRINT_KEY, fingerprints } from "./fingerprint.js";
import { helpMarkdown, helpText, summaryParagraph } from "./rule-help.js";
import { SARIF_SCHEMA, type SarifInvocation, type SarifLocation, type SarifLog, type SarifResult, type SarifRule } from "./sarif-log.js";
import { sarifLevel, sarifPrecision, securitySeverity } from "./severity.js";

/** What the caller knows about a rule; `help` is its docs page as markdown (RULE_DOCS). */
export interface RuleInfo {
  id: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  help?: string;
  /** Extra tags; "security" is always there (code scanning needs it to read the score). */
  tags?: readonly string[];
}

export interface SarifOptions {
  /** Peptide's version, for `tool.driver.version`. */
  version?: string;
  /** Absolute directory the relative `file`s are relative to; written as `%SRCROOT%`. */
  srcRoot?: string;
}

export const TOOL_NAME = "peptide";
/** The project's home page: the docs base up to `/blob/`. */
export const INFORMATION_URI = DOCS_BASE.replace(/\/blob\/.*$/, "");
export const SRCROOT = "%SRCROOT%";
const BASE_TAGS = ["security", "github-actions", "supply-chain"];

/**
 * One SARIF 2.1.0 log with one run, ready for GitHub code scanning: every rule given is described
 * (with its docs page as help and a `security-severity` score), and a finding of a rule that was
 * not given (say a parse error) gets a minimal description so `ruleIndex` always resolves.
 */
export function toSarif(
  result: Pick<AuditResult, "findings"> & Partial<Pick<AuditResult, "skipped">>,
  rules: readonly RuleInfo[],
  options: SarifOptions = {},
): SarifLog {
  const index = new Map<string, number>();
  const descriptors: SarifRule[] = [];
  const add = (info: RuleInfo) => {
    index.set(info.id, descriptors.length);
    descriptors.push(toRule(info));
  };
  for (const info of rules) {
    if (index.has(info.id)) throw new PeptideError("SARIF_DUPLICATE_RULE", `rule "${info.id}" is described twice`);
    add(info);
  }
  for (const f of result.findings) {
    if (!index.has(f.rule)) add({ id: f.rule, title: f.rule, severity: f.severity, confidence: f.confidence });
  }
  const prints = fingerprints(result.findings);
  const results = result.findings.map((f, i) => toResult(f, index.get(f.rule) ?? 0, prints[i] ?? ""));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            informationUri: INFORMATION_URI,
            ...(options.version === undefined ? {} : { version: options.version, semanticVersion: options.version }),
            rules: descriptors,
          },
        },
        ...(options.srcRoot === undefined ? {} : { originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(options.srcRoot) } } }),
        invocations: [toInvocation(result.skipped ?? [])],
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

function toRule(info: RuleInfo): SarifRule {
  const help = info.help?.trim() ? info.help : undefined;
  const summary = help === undefined ? undefined : summaryParagraph(help);
  const helpUri = docsUrl(info.id);
  return {
    id: info.id,
    name: pascalCase(info.id),
    shortDescription: { text: info.title },
    fullDescription: summary ?? { text: info.title },
    defaultConfiguration: { level: sarifLevel(info.severity) },
    helpUri,
    help: help === undefined
      ? { text: `${info.title}. See ${helpUri}`, markdown: `${info.title}. See [the rule's documentation](${helpUri}).` }
      : { text: helpText(help), markdown: helpMarkdown(help) },
    properties: {
      tags: [...new Set([...BASE_TAGS, ...(info.tags ?? [])])],
      precision: sarifPrecision(info.confidence),
      "security-severity": securitySeverity(info.severity),
    },
  };
}

function toResult(f: Finding, ruleIndex: number, fingerprint: string): SarifResult {
  return {
    ruleId: f.rule,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [location(f.file, { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) })],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
    properties: {
      severity: f.severity,
      confidence: f.confidence,
      ...(f.job === undefined ? {} : { job: f.job }),
      ...(f.step === undefined ? {} : { step: f.step }),
    },
  };
}

function toInvocation(skipped: readonly { file: string; reason: string }[]): SarifInvocation {
  if (skipped.length === 0) return { executionSuccessful: true };
  return {
    executionSuccessful: true,
    toolExecutionNotifications: skipped.map((s) => ({ level: "note", message: { text: `skipped: ${s.reason}` }, locations: [location(s.file)] })),
  };
}

function location(file: string, region?: { startLine: number; startColumn: number }): SarifLocation {
  return { physicalLocation: { artifactLocation: artifactLocation(file), ...(region ? { region } : {}) } };
}

/** A relative path becomes a percent-encoded URI under `%SRCROOT%`; an absolute one a file URI. */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  const slashed = file.split(path.sep).join("/");
  if (path.isAbsolute(file) || /^[a-zA-Z]:\//.test(slashed)) return { uri: pathToFileURL(file).href };
  const relative = slashed.replace(/^(\.\/)+/, "");
  return { uri: relative.split("/").map(encodeSegment).join("/"), uriBaseId: SRCROOT };
}

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(path.resolve(dir)).href;
  return href.endsWith("/") ? href : `${href}/`;
}

function pascalCase(id: string): string {
  return id.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}
