import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BlobStore } from "@controlroom/studio/blobs/blob-store.ts";
import type { Studio } from "@controlroom/studio/context.ts";
import { DATABASES, openTestStudio, type TestStudio } from "@controlroom/studio/testing/test-studio.ts";
import type { FastifyInstance } from "fastify";
import { buildServer } from "./app.ts";
import { pcm16MonoWav } from "./testing/pcm-wav.ts";
import { uploadForm } from "./testing/upload-form.ts";

function wav(frames: number): Buffer {
  return pcm16MonoWav(frames, 44100);
}

for (const kind of DATABASES) {
  describe(`HTTP API on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let app: FastifyInstance;
    let dir: string;
    let cookie: string;
    let token: string;
    let projectId: string;
    const call = async (
      method: string,
      url: string,
      body?: unknown,
      auth: "cookie" | "token" | "none" = "cookie",
    ) => {
      const headers: Record<string, string> = {};
      if (auth === "cookie") headers.cookie = cookie;
      if (auth === "token") headers.authorization = `Bearer ${token}`;
      const r = await app.inject({
        method: method as "GET",
        url,
        headers,
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : null, headers: r.headers };
    };
    before(async () => {
      t = await openTestStudio(kind);
      dir = await mkdtemp(join(tmpdir(), "cr-api-"));
      s = { ...t.studio, blobs: new BlobStore(dir) };
      app = await buildServer(s, { loginPerMinute: 5, uploadLimitBytes: 100_000 });
      const reg = await call(
        "POST",
        "/api/auth/register",
        { email: "Prod@Example.com", name: "Pat Producer", password: "correct horse battery" },
        "none",
      );
      assert.equal(reg.status, 201);
      const login = await call(
        "POST",
        "/api/auth/login",
        { email: "prod@example.com", password: "correct horse battery" },
        "none",
      );
      assert.equal(login.status, 200);
      const set = String(login.headers["set-cookie"]);
      assert.match(set, /cr_session=[^;]+;.*HttpOnly/i);
      cookie = set.split(";")[0];
      const tok = await call(
        "POST",
        "/api/auth/login",
        { email: "prod@example.com", password: "correct horse battery", kind: "token" },
        "none",
      );
      token = tok.body.token;
    });
    after(async () => {
      await app.close();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test("health reports the database and the queue", async () => {
      const h = await call("GET", "/api/health", undefined, "none");
      assert.equal(h.body.database.ok, true);
      assert.equal(h.body.database.kind, kind);
      assert.equal(h.body.queue.kind, "none");
      assert.equal(h.status, 503); // no queue configured in this test
    });

    test("sessions: cookie and bearer token both work; nothing without one", async () => {
      assert.equal((await call("GET", "/api/me", undefined, "cookie")).body.email, "prod@example.com");
      assert.equal((await call("GET", "/api/me", undefined, "token")).body.name, "Pat Producer");
      const none = await call("GET", "/api/me", undefined, "none");
      assert.equal(none.status, 401);
      // What the app asks on load: no failed request when nobody is signed in.
      const anon = await call("GET", "/api/auth/session", undefined, "none");
      assert.deepEqual([anon.status, anon.body], [200, { user: null }]);
      const mine = await call("GET", "/api/auth/session", undefined, "cookie");
      assert.deepEqual([mine.status, mine.body.user.email], [200, "prod@example.com"]);
      assert.equal(
        (
          await call(
            "POST",
            "/api/auth/login",
            { email: "prod@example.com", password: "wrong password" },
            "none",
          )
        ).status,
        401,
      );
    });

    test("create and edit through the API; 4xx messages name the field; 409 carries the current state", async () => {
      const ws = await call("POST", "/api/workspaces", { name: "Home" });
      assert.equal(ws.status, 201);
      const p = await call("POST", `/api/workspaces/${ws.body.id}/projects`, {
        title: "First LP",
        kind: "album",
        releaseDate: "2027-05-01",
      });
      assert.equal(p.status, 201);
      projectId = p.body.id;
      assert.deepEqual(p.body.myRoles, ["producer"]);
      const bad = await call("POST", `/api/projects/${projectId}/songs`, { title: "x", tempoBpm: "fast" });
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /^tempoBpm: /);
      const badKind = await call("POST", `/api/workspaces/${ws.body.id}/projects`, {
        title: "x",
        kind: "mixtape",
      });
      assert.match(badKind.body.message, /^kind: /);
      const raw = await app.inject({
        method: "POST",
        url: "/api/workspaces",
        headers: { cookie, "content-type": "application/json" },
        payload: "{nope",
      });
      assert.equal(raw.statusCode, 400);
      assert.match(JSON.parse(raw.body).message, /^body: /);
      // An empty body that claims to be JSON names the body too.
      const empty = await app.inject({
        method: "POST",
        url: "/api/workspaces",
        headers: { cookie, "content-type": "application/json" },
        payload: "",
      });
      assert.equal(empty.statusCode, 400);
      assert.match(JSON.parse(empty.body).message, /^body: .*empty/i);
      const badQuery = await call("GET", `/api/projects/${projectId}/songs?limit=0`);
      assert.match(badQuery.body.message, /^query.limit: /);
      const song = await call(
        "POST",
        `/api/projects/${projectId}/songs`,
        { title: "Opener", key: "E minor", tempoBpm: 96 },
        "token",
      );
      assert.equal(song.status, 201);
      const ok = await call("PATCH", `/api/songs/${song.body.id}`, {
        version: song.body.version,
        notes: "tape delay on the vocal",
      });
      assert.equal(ok.status, 200);
      const stale = await call("PATCH", `/api/songs/${song.body.id}`, {
        version: song.body.version,
        notes: "mine",
      });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.current.notes, "tape delay on the vocal");
      assert.equal(stale.body.current.version, ok.body.version);
      const dash = await call("GET", `/api/projects/${projectId}/dashboard`);
      assert.equal(dash.status, 200);
      assert.equal(dash.body.songCount, 1);
      assert.equal(dash.body.stages.idea, 1);
      assert.equal((await call("GET", "/api/projects/nope/dashboard")).status, 404);
      assert.equal((await call("GET", "/api/nowhere")).status, 404);
    });

    test("uploads: audio by content is stored; non-audio and oversize refused; download streams the bytes", async () => {
      const good = uploadForm(wav(1000), "take.wav");
      const up = await app.inject({
        method: "POST",
        url: `/api/projects/${projectId}/uploads`,
        headers: { ...good.headers, cookie },
        payload: good.payload,
      });
      assert.equal(up.statusCode, 201, up.body);
      const blob = JSON.parse(up.body);
      assert.equal(blob.format, "wav");
      assert.equal(blob.size, 2044);
      const fake = uploadForm(Buffer.from("MZ\x90\x00 this is an executable, not a song"), "song.wav");
      const r415 = await app.inject({
        method: "POST",
        url: `/api/projects/${projectId}/uploads`,
        headers: { ...fake.headers, cookie },
        payload: fake.payload,
      });
      assert.equal(r415.statusCode, 415);
      assert.match(JSON.parse(r415.body).message, /^file: not an audio file/);
      const big = uploadForm(wav(60_000), "long.wav");
      const r413 = await app.inject({
        method: "POST",
        url: `/api/projects/${projectId}/uploads`,
        headers: { ...big.headers, cookie },
        payload: big.payload,
      });
      assert.equal(r413.statusCode, 413);
      const songs = await call("GET", `/api/projects/${projectId}/songs`);
      const v = await call("POST", `/api/songs/${songs.body.songs[0].id}/versions`, {
        kind: "mix",
        blobSha256: blob.sha256,
      });
      assert.equal(v.status, 201);
      const dl = await app.inject({ method: "GET", url: `/api/blobs/${blob.sha256}`, headers: { cookie } });
      assert.equal(dl.statusCode, 200);
      assert.equal(dl.headers["content-type"], "audio/wav");
      assert.deepEqual(dl.rawPayload, wav(1000));
      const part = await app.inject({
        method: "GET",
        url: `/api/blobs/${blob.sha256}`,
        headers: { cookie, range: "bytes=8-11" },
      });
      assert.equal(part.statusCode, 206);
      assert.equal(part.headers["content-range"], "bytes 8-11/2044");
      assert.equal(part.body, "WAVE");
      const tail = await app.inject({
        method: "GET",
        url: `/api/blobs/${blob.sha256}`,
        headers: { cookie, range: "bytes=-4" },
      });
      assert.equal(tail.headers["content-range"], "bytes 2040-2043/2044");
      const beyond = await app.inject({
        method: "GET",
        url: `/api/blobs/${blob.sha256}`,
        headers: { cookie, range: "bytes=5000-" },
      });
      assert.equal(beyond.statusCode, 416);
    });

    test("OpenAPI document covers every route with its schemas", async () => {
      const doc = (await call("GET", "/api/openapi.json", undefined, "none")).body;
      assert.equal(doc.openapi, "3.1.0");
      const ops = Object.entries(
        doc.paths as Record<
          string,
          Record<string, { requestBody?: { content: Record<string, { schema: { properties?: object } }> } }>
        >,
      );
      const count = ops.reduce((a, [, m]) => a + Object.keys(m).length, 0);
      assert.ok(count >= 60, `${count} operations`);
      const createSong = doc.paths["/api/projects/{projectId}/songs"].post;
      const props = createSong.requestBody.content["application/json"].schema.properties;
      assert.ok(props.title && props.tempoBpm && props.key);
      assert.equal(doc.paths["/api/projects/{projectId}/songs"].get.parameters[0].name, "projectId");
      assert.ok(doc.paths["/api/health"].get);
    });

    test("every route but sign-up, sign-in, the session check, health and the document refuses a request without a session", async () => {
      const doc = (await call("GET", "/api/openapi.json", undefined, "none")).body;
      const open = [
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/session",
        "/api/invitation-links/{token}",
        "/api/health",
        "/api/openapi.json",
      ];
      let checked = 0;
      for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        if (open.includes(path)) continue;
        for (const method of Object.keys(methods)) {
          const url = path.replace(/\{sha256\}/, "a".repeat(64)).replace(/\{\w+\}/g, "x");
          const r = await app.inject({
            method: method.toUpperCase() as "GET",
            url,
            payload: method === "get" ? undefined : {},
          });
          assert.equal(r.statusCode, 401, `${method.toUpperCase()} ${path}: ${r.statusCode} ${r.body}`);
          checked++;
        }
      }
      assert.ok(checked >= 55, `${checked} operations`);
    });

    test("login is rate limited per client", async () => {
      const codes: number[] = [];
      for (let i = 0; i < 8; i++)
        codes.push(
          (
            await call(
              "POST",
              "/api/auth/login",
              { email: "prod@example.com", password: "guess guess" },
              "none",
            )
          ).status,
        );
      assert.ok(codes.includes(429), codes.join(","));
      assert.equal(codes.filter((c) => c === 401).length <= 5, true);
    });
  });
}
