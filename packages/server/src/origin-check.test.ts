/**
 * The Origin/Referer check on unsafe methods: a page on another site cannot change anything with the
 * session cookie (403 naming the header), while the studio's own pages, scripts without an Origin, and
 * bearer tokens keep working. The check runs before routing, so it is the same for every unsafe route.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { openTestStudio, type TestStudio } from "@controlroom/studio/testing/test-studio.ts";
import type { FastifyInstance } from "fastify";
import { buildServer } from "./app.ts";

describe("Origin check on state changes", () => {
  let t: TestStudio;
  let app: FastifyInstance;
  let cookie = "";
  let token = "";
  /** Fastify's inject sends `Host: localhost:80`; that is this studio's own origin here. */
  const SELF = "http://localhost:80";
  const send = async (method: string, url: string, headers: Record<string, string>, payload?: object) => {
    const r = await app.inject({ method: method as "POST", url, headers, ...(payload ? { payload } : {}) });
    return { status: r.statusCode, body: r.body ? r.json() : null };
  };
  const workspaces = async () =>
    (await send("GET", "/api/workspaces", { cookie })).body as { name: string }[];

  before(async () => {
    t = await openTestStudio("pglite");
    app = await buildServer(t.studio, { allowedOrigins: ["https://studio.example.com"] });
    const body = { email: "pat@example.com", name: "Pat", password: "correct horse battery" };
    assert.equal((await send("POST", "/api/auth/register", {}, body)).status, 201);
    const r = await app.inject({ method: "POST", url: "/api/auth/login", payload: body });
    cookie = ([] as string[]).concat(r.headers["set-cookie"] ?? [])[0].split(";")[0];
    const tr = await send("POST", "/api/auth/login", {}, { ...body, kind: "token" });
    token = tr.body.token;
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  test("a cookie request from another site's page is refused with 403 naming the Origin, and changes nothing", async () => {
    const r = await send(
      "POST",
      "/api/workspaces",
      { cookie, origin: "http://evil.example" },
      { name: "Evil" },
    );
    assert.equal(r.status, 403);
    assert.equal(r.body.error, "cross_origin");
    assert.match(r.body.message, /^Origin: http:\/\/evil\.example is not this studio \(localhost:80\)/);
    assert.ok(!(await workspaces()).some((w) => w.name === "Evil"));
  });

  test("every unsafe method is checked, and the Referer when there is no Origin", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const r = await send(method, "/api/projects/p1", { cookie, origin: "https://evil.example" });
      assert.equal(r.status, 403, `${method}: ${JSON.stringify(r.body)}`);
    }
    const ref = await send(
      "POST",
      "/api/workspaces",
      { cookie, referer: "http://evil.example/page.html" },
      { name: "Evil" },
    );
    assert.equal(ref.status, 403);
    assert.match(ref.body.message, /^Referer: http:\/\/evil\.example\/page\.html is not this studio/);
    // A sandboxed or privacy-stripped page sends `Origin: null`: not this studio either.
    assert.equal(
      (await send("POST", "/api/workspaces", { cookie, origin: "null" }, { name: "E" })).status,
      403,
    );
    // The same host under another port is another origin.
    const port = await send(
      "POST",
      "/api/workspaces",
      { cookie, origin: "http://localhost:81" },
      { name: "E" },
    );
    assert.equal(port.status, 403);
  });

  test("signing in from another site's page is refused too (login CSRF)", async () => {
    const r = await send(
      "POST",
      "/api/auth/login",
      { origin: "http://evil.example" },
      { email: "pat@example.com", password: "correct horse battery" },
    );
    assert.equal(r.status, 403);
  });

  test("the studio's own pages, allowed origins, scripts without an Origin, and bearer tokens pass", async () => {
    const own = await send("POST", "/api/workspaces", { cookie, origin: SELF }, { name: "Own" });
    assert.equal(own.status, 201, JSON.stringify(own.body));
    const ownRef = await send(
      "POST",
      "/api/workspaces",
      { cookie, referer: `${SELF}/songs/1` },
      { name: "Ref" },
    );
    assert.equal(ownRef.status, 201);
    const allowed = await send(
      "POST",
      "/api/workspaces",
      { cookie, origin: "https://studio.example.com" },
      { name: "Allowed" },
    );
    assert.equal(allowed.status, 201);
    const script = await send("POST", "/api/workspaces", { cookie }, { name: "Script" });
    assert.equal(script.status, 201);
    const bearer = await send(
      "POST",
      "/api/workspaces",
      { authorization: `Bearer ${token}`, origin: "http://evil.example" },
      { name: "Bearer" },
    );
    assert.equal(bearer.status, 201);
    const names = (await workspaces()).map((w) => w.name);
    for (const n of ["Own", "Ref", "Allowed", "Script", "Bearer"]) assert.ok(names.includes(n), n);
  });

  test("reads are not affected", async () => {
    const r = await send("GET", "/api/workspaces", { cookie, origin: "http://evil.example" });
    assert.equal(r.status, 200);
  });
});
