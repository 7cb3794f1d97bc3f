import { stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "@peptide/core";
import type { Subject } from "../types.js";
import { readChecksumsFile } from "./checksums.js";
import { DIGEST_CHUNK_BYTES, errnoOf, sha256File } from "./digest.js";
import { expandGlob, globMatcher, isGlob } from "./glob.js";
import { imageSubject } from "./image.js";

export interface SubjectInputs {
  /**
   * Files and globs, relative to `cwd`. A line starting with `!` excludes the files it matches
   * from the others, wherever it appears in the list.
   */
  paths?: readonly string[];
  /** Checksums files in `sha256sum` format. */
  checksums?: readonly string[];
  /** Image references by digest: `name@sha256:<64 hex>`. */
  images?: readonly string[];
  /** Subjects known by name and digest already (`subject-name` + `subject-digest`). */
  digests?: readonly Subject[];
}

export interface SubjectOptions {
  /** Where relative paths and globs start; default the process's working directory. */
  cwd?: string;
  /**
   * How a file subject is named: `basename` (default, as actions/attest-build-provenance does: the
   * name a user downloads) or `path` (relative to `cwd`, `/`-separated). With `basename`, two
   * different files of the same name are an error that suggests `path`.
   */
  naming?: "basename" | "path";
  /** Files hashed at once; default 4. */
  concurrency?: number;
  /** Read size for hashing; default DIGEST_CHUNK_BYTES. */
  highWaterMark?: number;
}

/**
 * Every subject the inputs name, hashed where they are files, with duplicates (same name and
 * digest) removed, sorted by name then digest. Throws an InputError naming the input: a missing
 * file, a directory given as a file, a glob matching nothing, a bad checksums line, a bad image
 * reference, or one name with two digests.
 */
export async function collectSubjects(inputs: SubjectInputs, options: SubjectOptions = {}): Promise<Subject[]> {
  const cwd = options.cwd ?? process.cwd();
  const naming = options.naming ?? "basename";
  const files = await filesOf(inputs.paths ?? [], cwd);
  const found: Found[] = await hashAll(files, cwd, options);
  for (const file of inputs.checksums ?? []) {
    for (const subject of await readChecksumsFile(file, cwd)) found.push({ ...subject, from: file });
  }
  for (const reference of inputs.images ?? []) found.push({ ...imageSubject(reference), from: reference });
  for (const subject of inputs.digests ?? []) found.push({ ...checkedDigest(subject), from: subject.name });
  if (found.length === 0) throw new InputError("INPUT_INVALID", "no subject given; name files, globs, a checksums file or an image by digest");
  return unique(found, naming);
}

/** A subject with the input it came from, for messages. */
interface Found extends Subject {
  from: string;
}

/** Files named by the path inputs as the user spelled them, in input order, each once; exclusions applied. */
async function filesOf(inputs: readonly string[], cwd: string): Promise<string[]> {
  const exclusions = inputs.filter((input) => input.trim().startsWith("!")).map((input) => globMatcher(input.trim().slice(1)));
  const seen = new Set<string>();
  const files: string[] = [];
  for (const raw of inputs) {
    const input = raw.trim();
    if (input === "" || input.startsWith("!")) continue;
    const matched = isGlob(input) && !(await isFile(path.resolve(cwd, input))) ? await expandGlob(input, cwd) : [await literalFile(input, cwd)];
    if (matched.length === 0) throw new InputError("INPUT_NOT_FOUND", `${input}: the glob matches no file (from ${cwd})`);
    const kept = matched.filter((file) => !exclusions.some((excluded) => excluded(file)));
    if (kept.length === 0) throw new InputError("INPUT_NOT_FOUND", `${input}: every file the glob matches is excluded by a \`!\` pattern`);
    for (const file of kept) {
      const key = path.resolve(cwd, file);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(file);
    }
  }
  return files;
}

/** A file named like a glob (`sbom[1].json`) is taken as it is, as a shell does. */
async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}

async function literalFile(input: string, cwd: string): Promise<string> {
  const info = await stat(path.resolve(cwd, input)).catch((cause: unknown) => {
    const code = errnoOf(cause);
    throw new InputError("INPUT_NOT_FOUND", code === "ENOENT" ? `${input}: no such file` : `${input}: cannot be read (${code ?? "error"})`, { cause });
  });
  if (info.isDirectory()) throw new InputError("INPUT_INVALID", `${input}: a directory; name its files or a glob such as ${input.replace(/\/+$/, "")}/**`);
  if (!info.isFile()) throw new InputError("INPUT_INVALID", `${input}: not a regular file`);
  return input;
}

/** Each file's sha256, a few files at a time; the subject is named by `naming`. */
async function hashAll(files: readonly string[], cwd: string, options: SubjectOptions): Promise<Found[]> {
  const naming = options.naming ?? "basename";
  const limit = Math.max(1, options.concurrency ?? 4);
  const highWaterMark = options.highWaterMark ?? DIGEST_CHUNK_BYTES;
  const found: Found[] = new Array<Found>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index] as string;
      const absolute = path.resolve(cwd, file);
      const sha256 = await sha256File(absolute, { highWaterMark }).catch(renamed(file, absolute));
      found[index] = { name: fileName(file, naming), digest: { sha256 }, from: file };
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, files.length) }, worker));
  return found;
}

function checkedDigest(subject: Subject): Subject {
  const hex = String(subject.digest.sha256 ?? "").replace(/^sha256:/, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new InputError("INPUT_INVALID", `${subject.name}: the subject digest is not sha256:<64 hex>`);
  if (subject.name.trim() === "") throw new InputError("INPUT_INVALID", `sha256:${hex}: a subject digest needs a subject name`);
  return { name: subject.name, digest: { sha256: hex } };
}

/** Errors from a nested call name the file as the user spelled it. */
function renamed(shown: string, absolute: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof InputError && error.message.startsWith(absolute)) {
      throw new InputError(error.code, `${shown}${error.message.slice(absolute.length)}`, { cause: error });
    }
    throw error;
  };
}

/** One subject per (name, digest), sorted; one name with two digests is an error. */
function unique(subjects: readonly Found[], naming: "basename" | "path"): Subject[] {
  const byName = new Map<string, Map<string, string>>();
  for (const { name, digest, from } of subjects) {
    const digests = byName.get(name) ?? new Map<string, string>();
    byName.set(name, digests);
    if (!digests.has(digest.sha256)) digests.set(digest.sha256, from);
  }
  const out: Subject[] = [];
  for (const [name, digests] of byName) {
    if (digests.size > 1) {
      const [first, second] = [...digests.values()];
      const hint = naming === "basename" ? "; name file subjects by path" : "";
      throw new InputError("INPUT_INVALID", `${name}: one subject name with two digests (from ${first} and ${second})${hint}`);
    }
    for (const digest of digests.keys()) out.push({ name, digest: { sha256: digest } });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.digest.sha256 < b.digest.sha256 ? -1 : 1));
}

function fileName(file: string, naming: "basename" | "path"): string {
  const posix = file.split("\\").join("/");
  return naming === "basename" ? path.posix.basename(posix) : posix.replace(/^\.\//, "");
}
