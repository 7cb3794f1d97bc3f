// Rebuilds every bundle and fails, listing the stale files, when the committed dist/ differs.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
execFileSync(npm, ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=all", "--", "actions/*/dist", "dist"], { cwd: root, encoding: "utf8" });
const stale = status.split("\n").filter(Boolean);
if (stale.length > 0) {
  process.stderr.write(`check:dist: ${stale.length} file(s) in dist/ differ from a fresh build; run \`npm run build\` and commit them:\n${stale.map((s) => `  ${s}`).join("\n")}\n`);
  process.exit(1);
}
process.stdout.write("check:dist: every dist/ matches a fresh build\n");
