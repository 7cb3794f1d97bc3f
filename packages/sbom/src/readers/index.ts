/**
 * Every lockfile reader, chosen by file name. One reader per ecosystem format, each in its own
 * file; a name matched by two readers goes to the first listed.
 */
import type { LockfileReader } from "../model.js";
import { cargoReader } from "./cargo.js";
import { composerReader } from "./composer.js";
import { gemfileReader } from "./gemfile.js";
import { goReader } from "./go.js";
import { gradleReader } from "./gradle.js";
import { npmReader } from "./npm.js";
import { nugetReader } from "./nuget.js";
import { pipfileReader } from "./pipfile.js";
import { pnpmReader } from "./pnpm.js";
import { poetryReader } from "./poetry.js";
import { pythonReader } from "./python.js";
import { uvReader } from "./uv.js";
import { yarnReader } from "./yarn.js";

export const READERS: readonly LockfileReader[] = [
  npmReader,
  yarnReader,
  pnpmReader,
  pythonReader,
  poetryReader,
  uvReader,
  pipfileReader,
  goReader,
  cargoReader,
  gemfileReader,
  composerReader,
  gradleReader,
  nugetReader,
];

/** The reader for a lockfile's base name, or undefined when no reader knows it. */
export function readerFor(fileName: string): LockfileReader | undefined {
  return READERS.find((reader) => reader.matches(fileName));
}
