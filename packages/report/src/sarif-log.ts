/** The part of SARIF 2.1.0 that Peptide writes (OASIS SARIF v2.1.0; names as in the schema). */

/** The schema URL GitHub's own tools (CodeQL) write. */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifRun[];
}

export interface SarifRun {
  tool: { driver: SarifDriver };
  originalUriBaseIds?: Record<string, { uri: string }>;
  invocations: SarifInvocation[];
  columnKind: "utf16CodeUnits" | "unicodeCodePoints";
  results: SarifResult[];
}

export interface SarifDriver {
  name: string;
  informationUri: string;
  version?: string;
  semanticVersion?: string;
  rules: SarifRule[];
}

export interface SarifMessage {
  text: string;
  markdown?: string;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  defaultConfiguration: { level: "error" | "warning" | "note" };
  helpUri: string;
  help: SarifMessage;
  properties: {
    tags: string[];
    precision: string;
    "security-severity": string;
  };
}

export interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: { startLine: number; startColumn: number };
  };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: "error" | "warning" | "note";
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  properties: {
    severity: string;
    confidence: string;
    job?: string;
    step?: number;
  };
}

export interface SarifInvocation {
  executionSuccessful: boolean;
  toolExecutionNotifications?: Array<{
    level: "note" | "warning" | "error";
    message: SarifMessage;
    locations: SarifLocation[];
  }>;
}
