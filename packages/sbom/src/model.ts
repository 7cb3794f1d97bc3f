/**
 * The SBOM model every reader produces and every writer consumes. Readers keep what the lockfile
 * gives (exact versions, hashes, edges, scopes, licenses); writers map it to CycloneDX or SPDX.
 */

export type Ecosystem = "npm" | "pypi" | "golang" | "cargo" | "gem" | "composer" | "maven" | "nuget" | "deb" | "apk" | "generic";

export type Scope = "required" | "dev" | "optional";

export interface Hash {
  /** Algorithm as CycloneDX spells it: SHA-1, SHA-256, SHA-384, SHA-512. */
  alg: "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512" | "MD5";
  /** Lower-case hex. (npm integrity base64 is converted; go.sum h1: is kept as an external hash, see below.) */
  content: string;
}

export interface Component {
  ecosystem: Ecosystem;
  /** Namespace where the ecosystem has one: npm scope without @, Maven group, Go module path prefix, deb/apk distro. */
  namespace?: string;
  name: string;
  version: string;
  /** package-url, built with packageurl-js. Unique key of the component in a document. */
  purl: string;
  hashes: Hash[];
  /** Hashes the ecosystem defines that are not plain digests (go.sum `h1:`), kept verbatim. */
  otherHashes?: Array<{ alg: string; value: string }>;
  scope: Scope;
  /** SPDX license expression, when known. */
  license?: string;
  /** Lockfile or file in an image this component was read from, relative. */
  source: string;
  /** Where it came from when not the default registry (git, path, URL). */
  resolved?: string;
  /** purls of direct dependencies. */
  dependsOn: string[];
  /** Every file this component was read from, sorted, when a directory scan found it in more than one. */
  sources?: string[];
  /** `application` for a project the lockfile describes (a workspace member, a lockfile's root in a directory scan); library when absent. */
  kind?: "library" | "application";
}

export interface ReaderResult {
  /**
   * The project itself, when the lockfile names it (npm root package, Cargo workspace member...).
   * `name` is empty when only the project's dependencies are known (a pnpm or yarn lockfile with no package.json beside it).
   */
  root?: { name: string; version?: string; purl?: string; dependsOn: string[] };
  components: Component[];
  warnings: string[];
}

/** A reader parses one lockfile's text. It throws LockfileError on malformed input. */
export interface LockfileReader {
  ecosystem: Ecosystem;
  /** File names (basename) or patterns this reader handles. */
  matches(fileName: string): boolean;
  read(text: string, file: string, context?: ReaderContext): ReaderResult;
}

export interface ReaderContext {
  /** Reads a sibling file (e.g. go.sum beside go.mod, Cargo.toml beside Cargo.lock); undefined when absent. */
  sibling?(name: string): string | undefined;
}

export interface Subject {
  name: string;
  version?: string;
  purl?: string;
  /** `sha256:<hex>` for images and files. */
  digest?: string;
}

export interface Sbom {
  subject: Subject;
  components: Component[];
  /** Dependencies of the subject itself (purls). */
  rootDependsOn: string[];
  warnings: string[];
  /** Lockfiles read (relative to the scanned path), with the ecosystem and how many components each gave. */
  inputs?: Array<{ file: string; ecosystem: Ecosystem; components: number }>;
}
