import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLockfileName, lockfileDigests, workspaceCommit } from "../../src/provenance/index.js";
import { makeWorkspace, SOURCE_SHA } from "./workspace.js";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("lockfile digests", () => {
  let workspace: string;
  beforeAll(() => {
    workspace = makeWorkspace({ "web/pnpm-lock.yaml": "lockfileVersion: '9.0'\n", "gradle/dependency-locks/compile.lockfile": "x\n", "web/vendor/Cargo.lock": "skip\n" });
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it("digests every lockfile by path, skipping installed code, .git and symlinks", async () => {
    expect(await lockfileDigests(workspace)).toEqual({
      truncated: false,
      lockfiles: [
        { path: "gradle/dependency-locks/compile.lockfile", sha256: sha("x\n") },
        { path: "package-lock.json", sha256: sha('{"lockfileVersion":3}\n') },
        { path: "services/api/go.sum", sha256: sha("example.com/x v1.0.0 h1:abc=\n") },
        { path: "services/api/requirements-dev.txt", sha256: sha("pytest==8.0.0\n") },
        { path: "web/pnpm-lock.yaml", sha256: sha("lockfileVersion: '9.0'\n") },
      ],
    });
  });

  it("knows lockfiles by name", () => {
    for (const name of ["package-lock.json", "yarn.lock", "bun.lock", "uv.lock", "Cargo.lock", "go.sum", "requirements.txt", "Package.resolved", ".terraform.lock.hcl", "pylock.prod.toml"]) {
      expect([name, isLockfileName(name)]).toEqual([name, true]);
    }
    for (const name of ["package.json", "go.mod", "Cargo.toml", "requirements.in", "lock.txt"]) expect([name, isLockfileName(name)]).toEqual([name, false]);
  });

  it("reads the workspace commit from a detached HEAD", async () => {
    expect(await workspaceCommit(workspace)).toBe(SOURCE_SHA);
    expect(await workspaceCommit("/nonexistent")).toBeUndefined();
  });
});
