/**
 * A real OCI registry on loopback for tests: Debian's `docker-registry` (distribution 2.8)
 * with a temporary config and storage, on 127.0.0.1 and a free port. No referrers API (the
 * OCI 1.1 tag fallback is what clients must use against it).
 *
 * If the binary is missing, the launcher installs it with `apt-get install -y docker-registry`
 * when running as root, and otherwise fails with the command to run.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { access, constants, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

export interface StartRegistryOptions {
  /**
   * Require HTTP basic auth (htpasswd) with REGISTRY_TEST_CREDENTIALS; anonymous requests get
   * a 401 `Basic` challenge.
   */
  basicAuth?: boolean;
  /** How long to wait for `/v2/` to answer. Default 15 s. */
  startTimeoutMs?: number;
}

export interface LoopbackRegistry {
  /** `127.0.0.1:<port>`, the registry part of references. */
  host: string;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Storage root, for tests that inspect or corrupt what the registry holds. */
  storageDir: string;
  stop(): Promise<void>;
}

/** The one user of a registry started with `basicAuth` (the hash below is bcrypt of this password). */
export const REGISTRY_TEST_CREDENTIALS = { username: "peptide", password: "peptide-registry-test" } as const;
const HTPASSWD = "peptide:$2b$04$Ml/rGKohPk22rfGnw/Rnjuy8Mg/Y4dn3re8BlvVmBzOGyPT9eubzS\n";

const BINARY = "docker-registry";

export async function startRegistry(options: StartRegistryOptions = {}): Promise<LoopbackRegistry> {
  const binary = await ensureBinary();
  const dir = await mkdtemp(path.join(os.tmpdir(), "peptide-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const storageDir = path.join(dir, "data");
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${storageDir}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${host}`,
    `  secret: peptide-test-${port}`,
  ];
  if (options.basicAuth) {
    await writeFile(path.join(dir, "htpasswd"), HTPASSWD);
    lines.push("auth:", "  htpasswd:", "    realm: peptide-test", `    path: ${path.join(dir, "htpasswd")}`);
  }
  const config = path.join(dir, "config.yml");
  await writeFile(config, `${lines.join("\n")}\n`);

  const child = spawn(binary, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  const url = `http://${host}`;
  const stop = async (): Promise<void> => {
    process.removeListener("exit", killOnExit);
    await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => stderr, options.startTimeoutMs ?? 15_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host, url, storageDir, stop };
}

async function ensureBinary(): Promise<string> {
  const found = await which(BINARY);
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(`${BINARY} is not installed; install it with: sudo apt-get install -y docker-registry`);
  }
  await new Promise<void>((resolve, reject) => {
    execFile("apt-get", ["install", "-y", BINARY], { timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`apt-get install -y ${BINARY} failed: ${String(stderr).trim().split("\n").pop() ?? error.message}`));
      else resolve();
    });
  });
  const installed = await which(BINARY);
  if (!installed) throw new Error(`apt-get installed ${BINARY} but it is not on PATH`);
  return installed;
}

async function which(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(path.delimiter)) {
    const candidate = path.join(dir || ".", name);
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${BINARY} exited (${child.exitCode ?? child.signalCode}) before answering: ${stderr().trim().split("\n").slice(-3).join(" | ")}`);
    }
    const status = await fetch(`${url}/v2/`).then((r) => r.status, () => 0);
    if (status === 200 || status === 401) return;
    if (Date.now() > deadline) throw new Error(`${BINARY} did not answer on ${url}/v2/ within ${timeoutMs} ms: ${stderr().trim().split("\n").slice(-3).join(" | ")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
