import { describe, expect, it } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { gradleReader } from "../../src/readers/gradle.js";
import { byPurl, purlsWithScope, readFixture, readText } from "./read-fixture.js";

describe("gradle.lockfile reader", () => {
  it("matches Gradle lockfile names", () => {
    expect(gradleReader.matches("gradle.lockfile")).toBe(true);
    expect(gradleReader.matches("buildscript-gradle.lockfile")).toBe(true);
    expect(gradleReader.matches("settings-gradle.lockfile")).toBe(true);
    expect(gradleReader.matches("gradle.properties")).toBe(false);
  });

  it("reads modules as Maven purls; test and build-tool configurations only are dev", () => {
    const result = readFixture(gradleReader, "gradle/gradle.lockfile");
    expect(result.warnings).toEqual([]);
    expect(purlsWithScope(result)).toEqual([
      "pkg:maven/ch.qos.logback/logback-classic@1.4.14 required",
      "pkg:maven/ch.qos.logback/logback-core@1.4.14 required",
      "pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.15.4 required",
      "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.4 required",
      "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.4 required",
      "pkg:maven/com.google.errorprone/error_prone_annotations@2.23.0 dev",
      "pkg:maven/com.stripe/stripe-java@24.18.0 required",
      "pkg:maven/io.netty/netty-codec-http2@4.1.107.Final required",
      "pkg:maven/net.bytebuddy/byte-buddy@1.14.12 dev",
      "pkg:maven/org.apache.commons/commons-lang3@3.14.0 required",
      "pkg:maven/org.junit.jupiter/junit-jupiter-api@5.10.2 dev",
      "pkg:maven/org.mockito/mockito-core@5.11.0 dev",
      "pkg:maven/org.projectlombok/lombok@1.18.30 required",
      "pkg:maven/org.slf4j/slf4j-api@2.0.12 required",
      "pkg:maven/org.testcontainers/postgresql@1.19.7 dev",
    ]);
    expect(byPurl(result, "pkg:maven/com.stripe/stripe-java@24.18.0")).toEqual({
      ecosystem: "maven",
      namespace: "com.stripe",
      name: "stripe-java",
      version: "24.18.0",
      purl: "pkg:maven/com.stripe/stripe-java@24.18.0",
      hashes: [],
      scope: "required",
      source: "gradle/gradle.lockfile",
      dependsOn: [],
    });
  });

  it("reads the buildscript lockfile (plugins) as dev", () => {
    const result = readFixture(gradleReader, "gradle/buildscript-gradle.lockfile");
    expect(purlsWithScope(result)).toEqual([
      "pkg:maven/com.diffplug.spotless/spotless-plugin-gradle@6.25.0 dev",
      "pkg:maven/org.springframework.boot/spring-boot-gradle-plugin@3.2.4 dev",
    ]);
  });

  it("reads Windows line endings and a byte order mark", () => {
    const result = readText(gradleReader, "\uFEFF# Gradle\r\norg.slf4j:slf4j-api:2.0.12=runtimeClasspath\r\nempty=\r\n", "gradle.lockfile");
    expect(result.components.map((c) => `${c.purl} ${c.version}`)).toEqual(["pkg:maven/org.slf4j/slf4j-api@2.0.12 2.0.12"]);
  });

  it("reads legacy per-configuration lines without = as required", () => {
    const result = readText(gradleReader, "# legacy\norg.slf4j:slf4j-api:1.7.36\n", "gradle.lockfile");
    expect(purlsWithScope(result)).toEqual(["pkg:maven/org.slf4j/slf4j-api@1.7.36 required"]);
  });

  it("throws on malformed lines with the line number", () => {
    expect(() => readText(gradleReader, "# ok\norg.slf4j:slf4j-api=runtimeClasspath\n", "gradle.lockfile")).toThrow(/^gradle\.lockfile:2: /);
    expect(() => readText(gradleReader, "a:b:c:d=x\n", "gradle.lockfile")).toThrow(LockfileError);
    expect(() => readText(gradleReader, "<html>\n", "gradle.lockfile")).toThrow(/^gradle\.lockfile:1: /);
  });

  it("reads 100,000 lines in linear time", () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`com.example.g${i % 100}:a${i}:1.${i}=runtimeClasspath`);
    const started = Date.now();
    const result = readText(gradleReader, lines.join("\n"), "gradle.lockfile");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.components).toHaveLength(100_000);
  });
});
