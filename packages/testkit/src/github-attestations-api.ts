import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for GitHub's attestations API, with the documented shapes:
 *
 * - `POST /repos/{owner}/{repo}/attestations` with `{ bundle }` → 201 `{ id }`.
 *   https://docs.github.com/en/rest/repos/repos#create-an-attestation
 * - `GET /repos/{owner}/{repo}/attestations/{subject_digest}` → 200 `{ attestations: [{ bundle,
 *   repository_id, bundle_url }] }`, 404 when there is none.
 *   https://docs.github.com/en/rest/repos/repos#list-attestations
 * - A repository whose plan lacks the feature answers 404 `Not Found` (or 403 `Feature not
 *   available for this repository` with `unavailable: 403`); a token other than the configured
 *   one 401 `Bad credentials`; a token without `attestations: write` (`readOnlyToken`) 403
 *   `Resource not accessible by integration`; a body without a bundle 422.
 */

export interface FakeAttestationsRepo {
  /** The plan has no attestations: 404 (default) or 403. */
  unavailable?: 404 | 403;
  repositoryId?: number;
}

export interface FakeAttestationsApiOptions {
  /** `owner/repo` (case-insensitive) -> settings; other repositories answer 404. */
  repos: Record<string, FakeAttestationsRepo>;
  /** The one valid token; any token is accepted when omitted. */
  token?: string;
  /** A valid token that lacks `attestations: write`. */
  readOnlyToken?: string;
}

export interface StoredAttestation {
  id: number;
  repository: string;
  bundle: unknown;
  /** The in-toto subjects' sha256 digests (`sha256:<hex>`) of a DSSE bundle. */
  subjectDigests: string[];
}

export interface FakeAttestationsApi {
  /** Base URL, as GITHUB_API_URL. */
  url: string;
  attestations: StoredAttestation[];
  requests: { method: string; path: string; status: number; authorization?: string }[];
  close(): Promise<void>;
}

export async function startFakeAttestationsApi(options: FakeAttestationsApiOptions): Promise<FakeAttestationsApi> {
  const repos = new Map(Object.entries(options.repos).map(([name, repo]) => [name.toLowerCase(), repo]));
  const attestations: StoredAttestation[] = [];
  const requests: FakeAttestationsApi["requests"] = [];
  let nextId = 1000;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const answer = route(req, body);
      requests.push({ method: req.method ?? "GET", path: req.url ?? "/", status: answer.status, authorization: req.headers.authorization });
      res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8", "x-github-api-version-selected": "2022-11-28" });
      res.end(JSON.stringify(answer.body));
    })();
  });

  function route(req: IncomingMessage, body: string): { status: number; body: unknown } {
    const url = new URL(req.url ?? "/", "http://fake");
    const match = /^\/repos\/([^/]+)\/([^/]+)\/attestations(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return notFound();
    const token = (req.headers.authorization ?? "").replace(/^(bearer|token)\s+/i, "");
    if (options.token !== undefined && token !== options.token && token !== options.readOnlyToken) {
      return { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" } };
    }
    const repository = `${decodeURIComponent(match[1] ?? "")}/${decodeURIComponent(match[2] ?? "")}`;
    const repo = repos.get(repository.toLowerCase());
    if (!repo) return notFound();
    if (repo.unavailable === 403) {
      return { status: 403, body: { message: "Feature not available for this repository.", documentation_url: "https://docs.github.com/rest/repos/repos#create-an-attestation", status: "403" } };
    }
    if (repo.unavailable !== undefined) return notFound();
    if (req.method === "GET" && match[3] !== undefined) {
      const digest = decodeURIComponent(match[3]);
      const found = attestations.filter((a) => a.repository.toLowerCase() === repository.toLowerCase() && a.subjectDigests.includes(digest));
      if (found.length === 0) return notFound();
      return { status: 200, body: { attestations: found.map((a) => ({ bundle: a.bundle, repository_id: repo.repositoryId ?? 1, bundle_url: null })) } };
    }
    if (req.method !== "POST" || match[3] !== undefined) return notFound();
    if (options.readOnlyToken !== undefined && token === options.readOnlyToken) {
      return { status: 403, body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest/repos/repos#create-an-attestation", status: "403" } };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { status: 400, body: { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/rest", status: "400" } };
    }
    const bundle = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)["bundle"] : undefined;
    if (typeof bundle !== "object" || bundle === null) {
      return { status: 422, body: { message: "Invalid request.\n\n\"bundle\" wasn't supplied.", documentation_url: "https://docs.github.com/rest", status: "422" } };
    }
    const id = nextId++;
    attestations.push({ id, repository, bundle, subjectDigests: subjectDigestsOf(bundle) });
    return { status: 201, body: { id } };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attestations,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function notFound(): { status: number; body: unknown } {
  return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" } };
}

function subjectDigestsOf(bundle: object): string[] {
  const envelope = (bundle as Record<string, unknown>)["dsseEnvelope"];
  const payload = typeof envelope === "object" && envelope !== null ? (envelope as Record<string, unknown>)["payload"] : undefined;
  if (typeof payload !== "string") return [];
  try {
    const statement = JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as { subject?: { digest?: { sha256?: string } }[] };
    return (statement.subject ?? []).flatMap((s) => (typeof s.digest?.sha256 === "string" ? [`sha256:${s.digest.sha256}`] : []));
  } catch {
    return [];
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
