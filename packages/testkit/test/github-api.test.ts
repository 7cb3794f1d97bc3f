import { afterEach, describe, expect, it } from "vitest";
import { startFakeGitHubApi, type FakeGitHubApi, type FakeGitHubApiOptions } from "@peptide/testkit";

const COMMIT = "11bd71901bbe5b1630ceea73d27597364c9af683";
const TAG_OBJECT = "a5ac7e51b41094c92402da3b24376905380afc29";
const BRANCH = "0123456789abcdef0123456789abcdef01234567";
const TOKEN = "ghs_validToken";

let api: FakeGitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(extra: Partial<FakeGitHubApiOptions> = {}): Promise<FakeGitHubApi> {
  api = await startFakeGitHubApi({
    repos: {
      "actions/checkout": { tags: { v4: COMMIT, "v4.2.2": { annotated: TAG_OBJECT, commit: COMMIT } }, branches: { main: BRANCH } },
      "acme/private-action": { tags: { v1: COMMIT }, private: true },
    },
    token: TOKEN,
    ...extra,
  });
  return api;
}

async function get(path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const res = await fetch(`${api!.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, text, json: (): unknown => JSON.parse(text), headers: res.headers };
}

describe("startFakeGitHubApi", () => {
  it("answers a lightweight tag ref with a commit object", async () => {
    const { url } = await start();
    const res = await get("/repos/actions/checkout/git/ref/tags/v4");
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      ref: "refs/tags/v4",
      url: `${url}/repos/actions/checkout/git/refs/tags/v4`,
      object: { type: "commit", sha: COMMIT, url: `${url}/repos/actions/checkout/git/commits/${COMMIT}` },
    });
    expect(res.headers.get("x-ratelimit-remaining")).toBe("4999");
  });

  it("answers an annotated tag ref with a tag object that dereferences to the commit", async () => {
    await start();
    const ref = await get("/repos/actions/checkout/git/ref/tags/v4.2.2");
    expect(ref.json()).toMatchObject({ object: { type: "tag", sha: TAG_OBJECT } });
    const tag = await get(`/repos/actions/checkout/git/tags/${TAG_OBJECT}`);
    expect(tag.json()).toMatchObject({ tag: "v4.2.2", sha: TAG_OBJECT, object: { type: "commit", sha: COMMIT } });
  });

  it("answers branches and commits by SHA, short SHA, branch or tag", async () => {
    await start();
    expect((await get("/repos/actions/checkout/git/ref/heads/main")).json()).toMatchObject({ ref: "refs/heads/main", object: { type: "commit", sha: BRANCH } });
    for (const ref of [COMMIT, COMMIT.slice(0, 7), "v4.2.2", "v4"]) {
      expect((await get(`/repos/actions/checkout/commits/${ref}`)).json(), ref).toMatchObject({ sha: COMMIT, commit: { tree: {} } });
    }
    const bare = await get("/repos/actions/checkout/commits/main", { authorization: `token ${TOKEN}`, accept: "application/vnd.github.sha" });
    expect(bare.text).toBe(BRANCH);
    const none = await get("/repos/actions/checkout/commits/nope");
    expect(none.status).toBe(422);
    expect(none.json()).toMatchObject({ message: "No commit found for SHA: nope" });
  });

  it("is case-insensitive on owner/repo, as GitHub is", async () => {
    await start();
    expect((await get("/repos/Actions/Checkout/git/ref/tags/v4")).status).toBe(200);
  });

  it("answers 404 Not Found for unknown repos, refs and routes", async () => {
    await start();
    for (const path of ["/repos/nobody/nothing/git/ref/tags/v1", "/repos/actions/checkout/git/ref/tags/v9", "/repos/actions/checkout/git/ref/heads/v4", "/user"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.json()).toMatchObject({ message: "Not Found" });
    }
  });

  it("answers 401 Bad credentials to a wrong token, and hides private repos from anonymous requests", async () => {
    await start();
    const bad = await get("/repos/actions/checkout/git/ref/tags/v4", { authorization: "Bearer ghs_expired" });
    expect(bad.status).toBe(401);
    expect(bad.json()).toMatchObject({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    expect((await get("/repos/actions/checkout/git/ref/tags/v4", {})).status).toBe(200);
    expect((await get("/repos/acme/private-action/git/ref/tags/v1", {})).status).toBe(404);
    expect((await get("/repos/acme/private-action/git/ref/tags/v1")).status).toBe(200);
  });

  it("injects faults a given number of times, then recovers, and records every request", async () => {
    await start({
      faults: [
        { path: "/git/ref/", status: 429, times: 1, retryAfter: 1 },
        { path: /commits/, status: 503, times: 2 },
        { path: "/git/tags/", status: 403, times: 1, rateLimitResetIn: 30 },
      ],
    });
    const limited = await get("/repos/actions/checkout/git/ref/tags/v4");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await get("/repos/actions/checkout/git/ref/tags/v4")).status).toBe(200);
    expect((await get(`/repos/actions/checkout/commits/v4`)).status).toBe(503);
    expect((await get(`/repos/actions/checkout/commits/v4`)).status).toBe(503);
    expect((await get(`/repos/actions/checkout/commits/v4`)).status).toBe(200);
    const rate = await get(`/repos/actions/checkout/git/tags/${TAG_OBJECT}`);
    expect(rate.status).toBe(403);
    expect(rate.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(api!.requests.map((r) => r.status)).toEqual([429, 200, 503, 503, 200, 403]);
    expect(api!.requests[0]).toMatchObject({ method: "GET", path: "/repos/actions/checkout/git/ref/tags/v4", authorization: `Bearer ${TOKEN}` });
  });

  it("can drop the connection", async () => {
    await start({ faults: [{ status: "reset", times: 1 }] });
    await expect(fetch(`${api!.url}/repos/actions/checkout/git/ref/tags/v4`)).rejects.toThrow();
    expect((await get("/repos/actions/checkout/git/ref/tags/v4")).status).toBe(200);
  });

  it("rejects a malformed configuration", async () => {
    await expect(startFakeGitHubApi({ repos: { "actions/checkout": { tags: { v4: "abc" } } } })).rejects.toThrow(/not a 40-hex SHA/);
    await expect(startFakeGitHubApi({ repos: { checkout: {} } })).rejects.toThrow(/owner\/repo/);
  });
});
