import { describe, expect, it } from "vitest";
import type { LockfileReader } from "../src/model.js";
import { npmReader } from "../src/readers/npm.js";
import { pnpmReader } from "../src/readers/pnpm.js";
import { yarnReader } from "../src/readers/yarn.js";
import { toCycloneDx } from "../src/writers/cyclonedx.js";
import { npmLockfile, pnpmLockfile, yarnBerryLockfile, yarnV1Lockfile } from "./generated-lockfiles.js";

const ENTRIES = 100_000;

/**
 * Reading is linear: five times the entries takes well under fifteen times as long (quadratic
 * work would take twenty-five), and what the result holds stays a few KiB per entry.
 */
describe.each([
  ["package-lock.json", npmReader, npmLockfile],
  ["pnpm-lock.yaml", pnpmReader, pnpmLockfile],
  ["yarn.lock (v1)", yarnReader, yarnV1Lockfile],
  ["yarn.lock (Berry)", yarnReader, yarnBerryLockfile],
] as const)("a %s of 100,000 entries", (file, reader: LockfileReader, generate: (n: number) => string) => {
  it("is read in linear time and bounded memory", () => {
    const name = file.split(" ")[0] as string;
    const small = generate(ENTRIES / 5);
    const large = generate(ENTRIES);
    reader.read(small, name); // warm up the JIT
    const t0 = performance.now();
    reader.read(small, name);
    const smallMs = performance.now() - t0;

    const heapBefore = process.memoryUsage().heapUsed;
    const t1 = performance.now();
    const result = reader.read(large, name);
    const largeMs = performance.now() - t1;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    expect(result.components.length).toBeGreaterThanOrEqual(ENTRIES);
    expect(result.warnings).toEqual([]);
    expect(largeMs / Math.max(smallMs, 1)).toBeLessThan(15);
    expect(heapGrowth / result.components.length).toBeLessThan(8 * 1024);
  }, 120_000);
});

it("writes CycloneDX for 100,000 components in seconds", () => {
  const result = npmReader.read(npmLockfile(ENTRIES), "package-lock.json");
  const started = performance.now();
  const json = toCycloneDx({ subject: { name: "big" }, components: result.components, rootDependsOn: result.root?.dependsOn ?? [], warnings: [] }, { sourceDateEpoch: 1 });
  expect(performance.now() - started).toBeLessThan(30_000);
  expect(json.length).toBeGreaterThan(ENTRIES * 300);
}, 120_000);
