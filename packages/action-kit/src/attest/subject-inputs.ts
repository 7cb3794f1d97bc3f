import { stringInput } from "../index.js";
import { InputError } from "@peptide/core";
import type { SubjectInputs } from "@peptide/attest";

/** One item a line (globs may hold commas: `{a,b}`); blank lines dropped. */
export function linesInput(name: string): string[] {
  return (stringInput(name) ?? "")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** subject-path, subject-digest + subject-name, subject-checksums. */
export function readSubjectInputs(): SubjectInputs {
  const digest = stringInput("subject-digest");
  const name = stringInput("subject-name");
  if ((digest === undefined) !== (name === undefined)) {
    throw new InputError("INPUT_INVALID", `input "${digest === undefined ? "subject-digest" : "subject-name"}" is required with "${digest === undefined ? "subject-name" : "subject-digest"}"`);
  }
  const subjects: SubjectInputs = { paths: linesInput("subject-path"), checksums: linesInput("subject-checksums") };
  if (digest !== undefined && name !== undefined) subjects.digests = [{ name, digest: { sha256: digest.replace(/^sha256:/, "") } }];
  if ((subjects.paths?.length ?? 0) === 0 && (subjects.checksums?.length ?? 0) === 0 && subjects.digests === undefined) {
    throw new InputError("INPUT_INVALID", 'no subject: give "subject-path", "subject-checksums", or "subject-digest" with "subject-name"');
  }
  return subjects;
}
