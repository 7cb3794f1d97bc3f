import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "@peptide/core";
import {
  collectSubjects,
  createSigningSession,
  IN_TOTO_STATEMENT_V1,
  readChecksumsFile,
  writeBundles,
  type InstanceName,
  type SignedBundle,
  type SigningOptions,
  type SigningSession,
  type SigstoreBundle,
  type Statement,
  type Subject,
} from "@peptide/attest";
import { listFlag, oneOf, parseCommandArgs, stringFlag } from "../args.js";
import { expandFileInputs } from "../file-inputs.js";
import { identitySource } from "../identity-env.js";
import { attachToImages, isImageSubject } from "../image-bundles.js";
import { EXIT, type CliIO } from "../io.js";

const HELP = `usage: peptide sign <path|glob|host/repo@sha256:hex>... [options]
       peptide sign --statement FILE (--bundle-dir DIR | --bundle-jsonl FILE) [options]

Keyless Sigstore signing with the workflow's identity: one identity token and one Fulcio
certificate for the whole run. Files get message signatures; with --predicate-type and
--predicate, one in-toto statement over every subject is signed (DSSE). Bundles are Sigstore
bundles v0.3, written as <file>.sigstore.json beside each file (or in --bundle-dir), or all in
one JSON Lines file (--bundle-jsonl). An image (by digest) is signed as an attestation, and its
bundle attached to it in the registry as an OCI 1.1 referrer. What was written (bundle paths,
registry/repository@<artifact manifest digest>) goes to standard output.

The identity token comes from the runner (a job with "permissions: id-token: write") or from
SIGSTORE_ID_TOKEN. It is never printed.

options:
  --predicate-type URI         sign an in-toto statement with this predicate type...
  --predicate FILE             ...and this predicate (a JSON file)
  --subject-checksums FILE     more statement subjects from a sha256sum-format file (repeatable)
  --statement FILE             sign this in-toto statement as it is (e.g. from
                               \`peptide provenance -o FILE\`); its subjects name the bundles
  --bundle-dir DIR             write bundles here instead of beside each file
  --bundle-jsonl FILE          write every bundle as one line of FILE
  --instance public-good|github
                               public-good: Fulcio + Rekor (default); github: GitHub's Fulcio +
                               timestamp authority, no public log (private repositories)
  --fulcio-url URL, --rekor-url URL, --tsa-url URL
                               custom Sigstore services (override the instance's)
  --signing-config FILE        a Sigstore SigningConfig v0.2 file naming the services
  --no-tlog                    no transparency log entry (needs a timestamp authority)
  --insecure-registry HOST     allow plain HTTP to HOST (loopback hosts always are)
`;

const INSTANCES = ["public-good", "github"] as const;
/** Blobs hashed and signed at once (each is read whole into memory to be signed). */
const BLOB_CONCURRENCY = 4;

export async function signCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("sign", argv, {
    "predicate-type": { type: "string" },
    predicate: { type: "string" },
    statement: { type: "string" },
    "subject-checksums": { type: "string", multiple: true },
    "bundle-dir": { type: "string" },
    "bundle-jsonl": { type: "string" },
    instance: { type: "string" },
    "fulcio-url": { type: "string" },
    "rekor-url": { type: "string" },
    "tsa-url": { type: "string" },
    "signing-config": { type: "string" },
    "no-tlog": { type: "boolean" },
    "insecure-registry": { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const checksums = listFlag(values["subject-checksums"]);
  const statementFile = stringFlag(values.statement);
  if (statementFile !== undefined) return signStatementFile(statementFile, positionals, values, io);
  if (positionals.length === 0 && checksums.length === 0) throw new InputError("INPUT_INVALID", "nothing to sign: name files, globs or images; see `peptide sign --help`");
  const predicateType = stringFlag(values["predicate-type"]);
  const predicateFile = stringFlag(values.predicate);
  if ((predicateType === undefined) !== (predicateFile === undefined)) {
    throw new InputError("INPUT_INVALID", "--predicate-type and --predicate go together: the statement needs both");
  }
  const bundleDir = stringFlag(values["bundle-dir"]);
  const bundleJsonl = stringFlag(values["bundle-jsonl"]);
  if (bundleDir !== undefined && bundleJsonl !== undefined) throw new InputError("INPUT_INVALID", "give --bundle-dir or --bundle-jsonl, not both");
  const images = positionals.filter((p) => p.includes("@sha256:"));
  const paths = positionals.filter((p) => !p.includes("@sha256:"));
  if (predicateType === undefined && images.length > 0) {
    throw new InputError("INPUT_INVALID", `${images[0]}: a message signature is over a file's bytes; sign an image as an attestation with --predicate-type and --predicate`);
  }
  if (predicateType === undefined && checksums.length > 0) {
    throw new InputError("INPUT_INVALID", "--subject-checksums names digests, not bytes: sign them as a statement with --predicate-type and --predicate");
  }
  identitySource(io.env, "signing");

  const files = await expandFileInputs(paths, io.cwd);
  const options: SigningOptions = {
    ...endpointOptions(values, io.cwd),
    env: io.env,
  };
  const session = await createSigningSession(options);
  const destination: Destination = bundleJsonl !== undefined ? { kind: "jsonl", file: path.resolve(io.cwd, bundleJsonl) } : bundleDir !== undefined ? { kind: "dir", dir: path.resolve(io.cwd, bundleDir) } : { kind: "beside" };

  let written: string[];
  let attached: string[] = [];
  let what: string;
  if (predicateType !== undefined && predicateFile !== undefined) {
    const predicate = await readJsonObject(predicateFile, "--predicate", io.cwd);
    const subjects = await collectSubjects({ paths: files, checksums, images }, { cwd: io.cwd });
    const statement: Statement = { _type: IN_TOTO_STATEMENT_V1, subject: subjects, predicateType, predicate };
    const bundle = await session.signStatement(statement);
    const names = subjects.map((s) => s.name);
    const beside = destination.kind === "beside" ? await besideStatement(files, checksums, io.cwd) : undefined;
    written = await write(destination, [{ bundle, subjects: names }], beside);
    attached = await attachImages(subjects.filter(isImageSubject), bundle, values);
    what = `a ${predicateType} statement over ${plural(subjects.length, "subject")}`;
  } else {
    const signed = await signBlobs(session, files, io.cwd);
    written = await write(destination, signed.map((s) => ({ bundle: s.bundle, subjects: [path.basename(s.file)] })), groupBeside(signed.map((s) => s.file), io.cwd));
    what = plural(files.length, "file");
  }

  report(io, session, what, written, attached);
  return EXIT.ok;
}

/** `--statement FILE`: a ready statement, signed as it is; bundles go where the flags say. */
async function signStatementFile(file: string, positionals: readonly string[], values: Record<string, unknown>, io: CliIO): Promise<number> {
  if (positionals.length > 0) throw new InputError("INPUT_INVALID", `--statement names its own subjects; drop "${positionals[0]}"`);
  for (const flag of ["predicate-type", "predicate", "subject-checksums"]) {
    if (values[flag] !== undefined) throw new InputError("INPUT_INVALID", `--statement and --${flag} do not go together: the statement has its subjects and predicate`);
  }
  const bundleDir = typeof values["bundle-dir"] === "string" ? values["bundle-dir"] : undefined;
  const bundleJsonl = typeof values["bundle-jsonl"] === "string" ? values["bundle-jsonl"] : undefined;
  if (bundleDir !== undefined && bundleJsonl !== undefined) throw new InputError("INPUT_INVALID", "give --bundle-dir or --bundle-jsonl, not both");
  const statement = (await readJsonObject(file, "--statement", io.cwd)) as unknown as Statement;
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  const images = subjects.filter(isImageSubject);
  if (bundleDir === undefined && bundleJsonl === undefined && images.length < subjects.length) {
    throw new InputError("INPUT_INVALID", "--statement needs one of --bundle-dir DIR or --bundle-jsonl FILE: a statement does not say where its files are");
  }
  identitySource(io.env, "signing");
  const session = await createSigningSession({ ...endpointOptions(values, io.cwd), env: io.env });
  const bundle = await session.signStatement(statement);
  const names = subjects.map((s) => s.name);
  const destination: Destination | undefined =
    bundleJsonl !== undefined ? { kind: "jsonl", file: path.resolve(io.cwd, bundleJsonl) } : bundleDir !== undefined ? { kind: "dir", dir: path.resolve(io.cwd, bundleDir) } : undefined;
  const written = destination === undefined ? [] : await write(destination, [{ bundle, subjects: names }], undefined);
  const attached = await attachImages(images, bundle, values);
  report(io, session, `a ${statement.predicateType} statement over ${plural(names.length, "subject")}`, written, attached);
  return EXIT.ok;
}

/** Attaches the bundle to each image subject in its registry. */
async function attachImages(images: readonly Subject[], bundle: SigstoreBundle, values: Record<string, unknown>): Promise<string[]> {
  if (images.length === 0) return [];
  const insecure = Array.isArray(values["insecure-registry"]) ? values["insecure-registry"].filter((v): v is string => typeof v === "string") : [];
  return attachToImages(images, bundle, { insecure });
}

/** Bundle paths and registry manifests on stdout; what was signed, by whom, with how many certificates on stderr. */
function report(io: CliIO, session: SigningSession, what: string, written: readonly string[], attached: readonly string[]): void {
  for (const file of written) io.stdout(`${shown(file, io.cwd)}\n`);
  for (const manifest of attached) io.stdout(`${manifest}\n`);
  const stats = session.stats;
  const signer = signerOf(session.certificate);
  const certificates = stats.certificates === 1 ? "one certificate" : plural(stats.certificates, "certificate");
  io.stderr(
    `signed ${what} with ${certificates}${signer ? ` for ${signer}` : ""}: ${plural(written.length, "bundle file")}, ` +
      `${attached.length > 0 ? `${plural(attached.length, "registry attachment")}, ` : ""}` +
      `${plural(stats.tlogEntries, "log entry", "log entries")}, ${plural(stats.timestamps, "timestamp")}\n`,
  );
}

type Destination = { kind: "jsonl"; file: string } | { kind: "dir"; dir: string } | { kind: "beside" };

/** For the `beside` destination: subject name to the directories its bundle goes in. */
type BesideMap = Map<string, string[]>;

function endpointOptions(values: Record<string, unknown>, cwd: string): Pick<SigningOptions, "instance" | "fulcioURL" | "rekorURL" | "tsaURL" | "signingConfig" | "tlog"> {
  const instanceFlag = typeof values["instance"] === "string" ? values["instance"] : undefined;
  const instance: InstanceName | undefined = instanceFlag === undefined ? undefined : oneOf("instance", instanceFlag, INSTANCES, "public-good");
  const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const signingConfig = str("signing-config");
  return {
    ...(instance !== undefined ? { instance } : {}),
    ...(str("fulcio-url") !== undefined ? { fulcioURL: str("fulcio-url") } : {}),
    ...(str("rekor-url") !== undefined ? { rekorURL: str("rekor-url") } : {}),
    ...(str("tsa-url") !== undefined ? { tsaURL: str("tsa-url") } : {}),
    ...(signingConfig !== undefined ? { signingConfig: path.resolve(cwd, signingConfig) } : {}),
    ...(values["no-tlog"] === true ? { tlog: false } : {}),
  };
}

async function readJsonObject(file: string, flag: string, cwd: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), "utf8");
  } catch (cause) {
    throw new InputError("INPUT_NOT_FOUND", `${flag} ${file}: cannot be read`, { cause });
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InputError("INPUT_INVALID", `${flag} ${file}: not a JSON object`);
}

async function signBlobs(session: SigningSession, files: readonly string[], cwd: string): Promise<Array<{ file: string; bundle: SignedBundle["bundle"] }>> {
  const out = new Array<{ file: string; bundle: SignedBundle["bundle"] }>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index] as string;
      const bytes = await readFile(path.resolve(cwd, file)).catch((cause: unknown) => {
        throw new InputError("INPUT_NOT_FOUND", `${file}: cannot be read`, { cause });
      });
      out[index] = { file, bundle: await session.signBlob(bytes) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(BLOB_CONCURRENCY, files.length) }, worker));
  return out;
}

/** Each file's bundle goes in the file's directory. */
function groupBeside(files: readonly string[], cwd: string): BesideMap {
  const map: BesideMap = new Map();
  for (const file of files) {
    const name = path.basename(file);
    const dirs = map.get(name) ?? [];
    const dir = path.dirname(path.resolve(cwd, file));
    if (!dirs.includes(dir)) dirs.push(dir);
    map.set(name, dirs);
  }
  return map;
}

/** A statement's bundle beside each file subject, and beside the checksums file for the subjects it lists. */
async function besideStatement(files: readonly string[], checksums: readonly string[], cwd: string): Promise<BesideMap> {
  const map = groupBeside(files, cwd);
  for (const file of checksums) {
    const base = path.dirname(path.resolve(cwd, file));
    for (const subject of await readChecksumsFile(file, cwd)) {
      const dirs = map.get(subject.name) ?? [];
      const dir = path.dirname(path.resolve(base, subject.name));
      if (!dirs.includes(dir)) dirs.push(dir);
      map.set(subject.name, dirs);
    }
  }
  return map;
}

async function write(destination: Destination, bundles: SignedBundle[], beside: BesideMap | undefined): Promise<string[]> {
  if (destination.kind === "jsonl") {
    return writeBundles(bundles, { dir: path.dirname(destination.file), layout: "jsonl", jsonlName: path.basename(destination.file) });
  }
  if (destination.kind === "dir") return writeBundles(bundles, { dir: destination.dir });
  const written: string[] = [];
  for (const { bundle, subjects } of bundles) {
    for (const subject of subjects) {
      for (const dir of beside?.get(subject) ?? []) written.push(...(await writeBundles([{ bundle, subjects: [subject] }], { dir })));
    }
  }
  return written;
}

/** The signer (the certificate's SAN URI or email), for the summary line. */
function signerOf(pem: string | undefined): string | undefined {
  if (pem === undefined) return undefined;
  try {
    const san = new X509Certificate(pem).subjectAltName ?? "";
    const first = san.split(", ")[0] ?? "";
    return first.replace(/^(URI|email):/, "") || undefined;
  } catch {
    return undefined;
  }
}

function shown(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
