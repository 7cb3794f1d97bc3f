import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "@peptide/core";
import { collectSubjects, contextFromRunner, isImageReference, provenanceStatement, sbomDescriptor } from "@peptide/attest";
import { listFlag, parseCommandArgs, stringFlag } from "../args.js";
import { identitySource } from "../identity-env.js";
import { EXIT, type CliIO } from "../io.js";

const HELP = `usage: peptide provenance --subject <path|glob|name@sha256:hex>... [options]

Writes the SLSA v1 provenance (an in-toto Statement v1) of the subjects, from the running
workflow job: the claims of its identity token (checked against the issuer's keys), the
runner's variables, the event payload, the workflow file and the lockfiles of GITHUB_WORKSPACE.
Unsigned: sign it with \`peptide sign --predicate-type\` or use actions/provenance.

It needs the runner's context: a job with "permissions: id-token: write" (the runner then sets
ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN), or SIGSTORE_ID_TOKEN holding a
GitHub Actions token. GITHUB_WORKSPACE defaults to the working directory.

options:
  --subject PATH|GLOB|REF      a file, a glob, or an image by digest (repeatable)
  --subject-checksums FILE     subjects from a sha256sum-format file (repeatable)
  --sbom FILE                  record this SBOM (its sha256 and type) as a byproduct
  --oidc-issuer URL            the token's expected issuer (default: the GitHub issuer of
                               GITHUB_SERVER_URL); for self-hosted issuers and tests
  -o, --output FILE            write to FILE instead of standard output
`;

export async function provenanceCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("provenance", argv, {
    subject: { type: "string", multiple: true },
    "subject-checksums": { type: "string", multiple: true },
    sbom: { type: "string" },
    "oidc-issuer": { type: "string" },
    output: { type: "string", short: "o" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new InputError("INPUT_INVALID", `unexpected argument "${positionals[0]}": name subjects with --subject; see \`peptide provenance --help\``);
  const named = listFlag(values.subject);
  const checksums = listFlag(values["subject-checksums"]);
  if (named.length === 0 && checksums.length === 0) throw new InputError("INPUT_INVALID", "no subject: give --subject (a file, glob or name@sha256:hex) or --subject-checksums FILE");
  const source = identitySource(io.env, "provenance");

  const subjects = await collectSubjects(
    { paths: named.filter((s) => !isImageReference(s)), images: named.filter(isImageReference), checksums },
    { cwd: io.cwd },
  );
  const sbomFile = stringFlag(values.sbom);
  const sbom = sbomFile === undefined ? undefined : await sbomDescriptor(path.resolve(io.cwd, sbomFile)).catch(unreadable(sbomFile, "--sbom"));
  const env = { ...io.env, GITHUB_WORKSPACE: io.env.GITHUB_WORKSPACE || io.cwd };
  const issuer = stringFlag(values["oidc-issuer"]);
  const context = await contextFromRunner(env, {
    ...(source.kind === "token" ? { token: source.token } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(sbom ? { sbom } : {}),
  });
  const statement = await provenanceStatement(subjects, context);
  const document = `${JSON.stringify(statement, null, 2)}\n`;

  const output = stringFlag(values.output);
  if (output === undefined) {
    io.stdout(document);
    return EXIT.ok;
  }
  const file = path.resolve(io.cwd, output);
  await writeFile(file, document).catch(unreadable(output, "-o", "cannot be written"));
  const digest = createHash("sha256").update(document).digest("hex");
  const count = statement.subject.length;
  io.stderr(`wrote ${output}: provenance of ${count} subject${count === 1 ? "" : "s"}, builder ${statement.predicate.runDetails.builder.id}, sha256:${digest}\n`);
  return EXIT.ok;
}

function unreadable(file: string, flag: string, what = "cannot be read"): (cause: unknown) => never {
  return (cause) => {
    const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : "";
    throw new InputError("INPUT_NOT_FOUND", `${flag} ${file}: ${what}${/^E[A-Z]+$/.test(code) ? ` (${code})` : ""}`, { cause });
  };
}
