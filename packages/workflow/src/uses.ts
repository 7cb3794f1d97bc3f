import { memoizeText } from "./memo.js";

/** A parsed `uses:` reference. */
export type UsesRef =
  | { kind: "local"; path: string; raw: string }
  | { kind: "docker"; image: string; raw: string }
  | { kind: "remote"; owner: string; repo: string; path?: string; ref?: string; raw: string; reusable: boolean };

const SHA = /^[0-9a-f]{40}$/;

/** Parses a `uses:` value. Results are cached by text and shared: do not modify one. */
export function parseUses(raw: string): UsesRef {
  return parsed(raw);
}

const parsed = memoizeText(parse);

function parse(raw: string): UsesRef {
  const text = raw.trim();
  if (text.startsWith("./") || text.startsWith("../")) return { kind: "local", path: text, raw };
  if (text.startsWith("docker://")) return { kind: "docker", image: text.slice("docker://".length), raw };
  const at = text.lastIndexOf("@");
  const name = at < 0 ? text : text.slice(0, at);
  const ref = at < 0 ? undefined : text.slice(at + 1);
  const [owner = "", repo = "", ...rest] = name.split("/");
  const subpath = rest.length > 0 ? rest.join("/") : undefined;
  return { kind: "remote", owner, repo, path: subpath, ref, raw, reusable: /\.ya?ml$/.test(subpath ?? "") };
}

/** `owner/repo` or `owner/repo/path` without the ref, lower-cased: the key of the knowledge base. */
export function actionName(ref: UsesRef & { kind: "remote" }): string {
  let name = names.get(ref);
  if (name === undefined) {
    name = [ref.owner, ref.repo, ref.path].filter(Boolean).join("/").toLowerCase();
    names.set(ref, name);
  }
  return name;
}

const names = new WeakMap<UsesRef, string>();

export function isShaRef(ref: string | undefined): boolean {
  return ref !== undefined && SHA.test(ref);
}

/** Owners whose actions are maintained by GitHub itself. */
export const FIRST_PARTY_OWNERS = new Set(["actions", "github"]);

/** Docker image reference pinned by digest. */
export function isDigestPinned(image: string): boolean {
  return /@sha256:[0-9a-f]{64}$/.test(image.trim());
}
