/**
 * Gradle dependency locking (`gradle.lockfile`, `buildscript-gradle.lockfile`): one
 * `group:artifact:version=configurations` line per module, as Maven purls. A module only in test
 * configurations or build-tool ones (annotation processors, linters, the buildscript classpath)
 * is dev. The format has no hashes and no edges; `empty=` lines and comments are skipped. Lines
 * without `=` (Gradle 4.8-6 per-configuration files) are read as required.
 */
import { LockfileError } from "../errors.js";
import type { LockfileReader, ReaderResult, Scope } from "../model.js";
import { purlOf } from "../purl.js";
import { ComponentSet } from "./component-set.js";
import { linesOf } from "./lockfile-text.js";

const LOCKFILE = /^(?:[\w.-]+-)?gradle\.lockfile$/;
/** Configurations whose modules are not part of what ships: tests, and build tools. */
const NOT_SHIPPED = /^(?:test|androidTest|testFixtures|annotationProcessor|kapt|detekt|ktlint|checkstyle|pmd|spotbugs|jacoco|errorprone|classpath$)|Test[A-Z]|AnnotationProcessor/;
const COORDINATE = /^([^:\s=]+):([^:\s=]+):([^:\s=]+)$/;

export const gradleReader: LockfileReader = {
  ecosystem: "maven",
  matches: (fileName) => LOCKFILE.test(fileName),
  read(text: string, file: string): ReaderResult {
    const components = new ComponentSet();
    for (const { text: raw, line } of linesOf(text)) {
      const entry = raw.trim();
      if (entry === "" || entry.startsWith("#")) continue;
      const eq = entry.indexOf("=");
      const coordinate = eq === -1 ? entry : entry.slice(0, eq);
      const configurations = eq === -1 ? [] : entry.slice(eq + 1).split(",").map((c) => c.trim()).filter((c) => c !== "");
      if (coordinate === "empty") continue;
      const match = COORDINATE.exec(coordinate);
      if (!match?.[1] || !match[2] || !match[3]) throw new LockfileError(file, `"${entry.slice(0, 80)}" is not group:artifact:version=configurations`, line);
      const [, group, artifact, version] = match;
      const scope: Scope = configurations.length > 0 && configurations.every((c) => NOT_SHIPPED.test(c)) ? "dev" : "required";
      components.add({
        ecosystem: "maven",
        namespace: group,
        name: artifact,
        version,
        purl: purlOf("maven", group, artifact, version),
        hashes: [],
        scope,
        source: file,
        dependsOn: [],
      });
    }
    return { components: components.list(), warnings: [] };
  },
};
