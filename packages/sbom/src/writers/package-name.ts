/** How each ecosystem spells a package's full name, for documents that show one name (SPDX). */
import type { Component } from "../model.js";

export function fullName(component: Pick<Component, "ecosystem" | "namespace" | "name">): string {
  const { ecosystem, namespace, name } = component;
  if (namespace === undefined || namespace === "") return name;
  if (ecosystem === "npm") return `${namespace.startsWith("@") ? namespace : `@${namespace}`}/${name}`;
  if (ecosystem === "maven") return `${namespace}:${name}`;
  return `${namespace}/${name}`;
}

/** The CycloneDX `group`: npm scope with its `@` (as cyclonedx-npm writes it), else the namespace. */
export function groupOf(component: Pick<Component, "ecosystem" | "namespace">): string | undefined {
  const { ecosystem, namespace } = component;
  if (namespace === undefined || namespace === "") return undefined;
  return ecosystem === "npm" && !namespace.startsWith("@") ? `@${namespace}` : namespace;
}
