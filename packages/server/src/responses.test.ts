/**
 * The declared responses: every route in the OpenAPI document says what it answers on success; in tests every
 * JSON answer is checked against its route's schema (a mismatch is a 500), and the routes no other test calls
 * over HTTP are called here, so each schema has met real data on both databases.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DEFAULT_LOGIN_LIMIT } from "@controlroom/studio/accounts/login-limit.ts";
import { BlobStore } from "@controlroom/studio/blobs/blob-store.ts";
import type { Studio } from "@controlroom/studio/context.ts";
import { InProcessQueue } from "@controlroom/studio/jobs/in-process-queue.ts";
import { DATABASES, openTestStudio, type TestStudio } from "@controlroom/studio/testing/test-studio.ts";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { buildServer } from "./app.ts";
import { Routes, responseMismatch } from "./route.ts";
import { ROUTES } from "./routes/index.ts";

type Json = Record<string, unknown>;

describe("response schemas", () => {
  let t: TestStudio;
  let app: FastifyInstance;
  before(async () => {
    t = await openTestStudio("pglite");
    app = await buildServer(t.studio);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  test("every route in the OpenAPI document has a non-empty success response schema", async () => {
    const doc = JSON.parse((await app.inject({ method: "GET", url: "/api/openapi.json" })).body);
    const shapes = doc.components.schemas as Record<string, Json>;
    const resolve = (s: Json): Json => {
      if (typeof s.$ref !== "string") return s;
      const name = s.$ref.replace("#/components/schemas/", "");
      assert.ok(shapes[name], `${s.$ref} is not in components.schemas`);
      return shapes[name];
    };
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>))
      for (const [method, op] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        const ok = Object.entries(op.responses as Record<string, Json>).filter(([c]) => c.startsWith("2"));
        assert.ok(ok.length > 0, `${where}: no success response`);
        for (const [code, r] of ok) {
          const content = r.content as Record<string, { schema: Json }> | undefined;
          assert.ok(content && Object.keys(content).length > 0, `${where} ${code}: no content`);
          for (const [type, { schema }] of Object.entries(content)) {
            const s = resolve(schema ?? {});
            assert.ok(Object.keys(s).length > 0, `${where} ${code} ${type}: empty schema`);
            if (type === "application/json")
              assert.ok(s.type || s.anyOf || s.oneOf, `${where}: ${JSON.stringify(s)}`);
            else assert.equal(s.format, "binary", `${where} ${code} ${type}`);
          }
          if (method === "head") assert.ok(r.headers, `${where}: a HEAD answers with headers`);
        }
        operations++;
      }
    // Every declared route is documented, once.
    assert.equal(operations, ROUTES.length);
    // Shared shapes are named once and referred to.
    assert.deepEqual(doc.paths["/api/jobs/{jobId}"].get.responses["200"].content["application/json"].schema, {
      $ref: "#/components/schemas/Job",
    });
    const songs = doc.paths["/api/songs/{songId}/versions"].get.responses["200"].content["application/json"];
    assert.deepEqual(songs.schema, { type: "array", items: { $ref: "#/components/schemas/MixVersion" } });
    assert.ok(
      shapes.Comment.properties && JSON.stringify(shapes.Comment).includes("#/components/schemas/Comment"),
    );
  });

  test("an answer is checked to the letter: a wrong type, a missing or an undeclared field is named", () => {
    const S = z.object({ id: z.string(), at: z.iso.datetime(), n: z.number().nullable() });
    assert.equal(responseMismatch(S, { id: "a", at: new Date(0), n: null }), null);
    assert.match(responseMismatch(S, { id: 1, at: new Date(0), n: 1 }) ?? "", /^body\.id: /);
    assert.match(responseMismatch(S, { id: "a", n: 1 }) ?? "", /^body\.at: /);
    assert.equal(
      responseMismatch(S, { id: "a", at: new Date(0), n: 1, secret: "x" }),
      "body.secret: not in the schema",
    );
    assert.equal(
      responseMismatch(z.array(S), [{ id: "a", at: new Date(0), n: 1, extra: { deep: 1 } }]),
      "body.0.extra: not in the schema",
    );
  });

  test("with the check on, a handler whose answer drifts from its schema is a 500; off, it goes out as it is", async () => {
    for (const check of [true, false]) {
      const f = Fastify();
      const r = new Routes(
        f,
        t.studio,
        { loginPerMinute: 10, loginLimit: DEFAULT_LOGIN_LIMIT, secureCookies: false },
        check,
      );
      r.add({
        method: "GET",
        url: "/drift",
        summary: "",
        tag: "test",
        auth: false,
        response: z.object({ a: z.number() }),
        handler: async () => ({ a: 1, b: 2 }) as { a: number },
      });
      const res = await f.inject({ method: "GET", url: "/drift" });
      assert.equal(res.statusCode, check ? 500 : 200, res.body);
      if (!check) assert.deepEqual(JSON.parse(res.body), { a: 1, b: 2 });
      await f.close();
    }
  });
});

for (const kind of DATABASES) {
  describe(`the routes no other test calls over HTTP answer as declared, on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let app: FastifyInstance;
    let dir: string;
    let queue: InProcessQueue;
    const headers: Record<string, string> = {};
    const call = async (method: string, url: string, body?: unknown, status = 200) => {
      const r = await app.inject({
        method: method as "GET",
        url,
        headers,
        ...(body === undefined ? {} : { payload: body as object }),
      });
      assert.equal(r.statusCode, status, `${method} ${url}: ${r.body}`);
      return r.body ? JSON.parse(r.body) : null;
    };
    before(async () => {
      t = await openTestStudio(kind);
      dir = await mkdtemp(join(tmpdir(), "cr-responses-"));
      queue = await InProcessQueue.start(t.studio.db, { blobRoot: join(dir, "blobs"), concurrency: 1 });
      s = { ...t.studio, blobs: new BlobStore(join(dir, "blobs")), jobs: queue };
      app = await buildServer(s, { checkResponses: true });
    });
    after(async () => {
      await app.close();
      await queue.close();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test("team, projects, songs, recordings, schedule, budget, credits, delivery, job cancel", async () => {
      const password = "correct horse battery";
      await call("POST", "/api/auth/register", { email: "p@example.com", name: "Pat", password }, 201);
      const other = await call(
        "POST",
        "/api/auth/register",
        { email: "e@example.com", name: "Eve", password },
        201,
      );
      const login = await call("POST", "/api/auth/login", {
        email: "p@example.com",
        password,
        kind: "token",
      });
      headers.authorization = `Bearer ${login.token}`;
      const ws = await call("POST", "/api/workspaces", { name: "Home" }, 201);
      assert.deepEqual(await call("POST", `/api/workspaces/${ws.id}/members`, { email: "e@example.com" }), {
        ok: true,
      });
      const room = await call(
        "POST",
        `/api/workspaces/${ws.id}/rooms`,
        {
          name: "A",
          hourlyRateMinor: 5000,
          currency: "EUR",
          freeCancellationHours: 48,
          lateCancellationPercent: 50,
        },
        201,
      );
      const p = await call("POST", `/api/workspaces/${ws.id}/projects`, { title: "LP", kind: "album" }, 201);
      const edited = await call("PATCH", `/api/projects/${p.id}`, {
        version: p.version,
        releaseDate: "2027-05-01",
      });
      assert.equal(edited.releaseDate, "2027-05-01");
      await call("PUT", `/api/projects/${p.id}/team`, { userId: other.id, roles: ["engineer"] });
      const song = await call("POST", `/api/projects/${p.id}/songs`, { title: "One", tempoBpm: 120 }, 201);
      const played = await call("PUT", `/api/songs/${song.id}/performers`, {
        performers: [{ userId: other.id, instrument: "bass" }],
      });
      assert.equal(played.performers[0].name, "Eve");
      const sections = await call("PUT", `/api/songs/${song.id}/arrangement`, {
        version: played.version,
        sections: [
          { kind: "intro", bars: 4 },
          { kind: "verse", bars: 8 },
        ],
      });
      assert.equal(sections[1].markerSeconds, 8);
      const rec = await call("POST", `/api/songs/${song.id}/recordings`, { title: "One (album)" }, 201);
      await call("PATCH", `/api/recordings/${rec.id}`, { version: rec.version, isrc: "USRC17607839" });
      assert.equal((await call("GET", `/api/songs/${song.id}/recordings`))[0].isrc, "USRC17607839");
      const booking = await call(
        "POST",
        `/api/projects/${p.id}/bookings`,
        {
          title: "Tracking",
          roomId: room.id,
          startsAt: "2030-03-01T10:00:00+01:00",
          endsAt: "2030-03-01T18:00:00+01:00",
          timeZone: "Europe/Berlin",
        },
        201,
      );
      const confirmed = await call("POST", `/api/bookings/${booking.id}/confirm`, {
        version: booking.version,
      });
      assert.equal(confirmed.status, "confirmed");
      const cancelled = await call("POST", `/api/bookings/${booking.id}/cancel`, {
        version: confirmed.version,
      });
      assert.equal(cancelled.status, "cancelled");
      const line = await call(
        "POST",
        `/api/projects/${p.id}/budget/lines`,
        { category: "mixing", description: "mix", unitMinor: 100000 },
        201,
      );
      await call("PATCH", `/api/budget/lines/${line.id}`, { version: line.version, quantity: 2 });
      await call(
        "POST",
        `/api/projects/${p.id}/budget/invoices`,
        { category: "mixing", description: "invoice 1", amountMinor: 250000 },
        201,
      );
      const budget = await call("GET", `/api/projects/${p.id}/budget`);
      assert.equal(budget.byCategory.mixing.over, true);
      const invoice = budget.actuals.find((a: { description: string }) => a.description === "invoice 1");
      assert.deepEqual(await call("PATCH", `/api/budget/actuals/${invoice.id}`, { amountMinor: 240000 }), {
        ok: true,
      });
      assert.ok((await call("GET", "/api/auth/session")).user.id);
      const credits = await call("PUT", `/api/songs/${song.id}/credits`, {
        credits: [
          { kind: "writer", name: "Pat", sharePercent: 100 },
          { kind: "performer", name: "Eve", role: "bass" },
        ],
      });
      assert.equal(credits.length, 2);
      const delivery = await call("PUT", `/api/songs/${song.id}/delivery`, { item: "main", done: true });
      assert.equal(delivery.items.find((i: { item: string }) => i.item === "main").done, true);
      const audit = await call("GET", `/api/projects/${p.id}/audit`);
      assert.ok(audit.length > 3);
      const job = await call(
        "POST",
        `/api/projects/${p.id}/jobs`,
        { kind: "wait", input: { seconds: 30 } },
        202,
      );
      assert.equal((await call("POST", `/api/jobs/${job.id}/cancel`)).status, "cancelled");
      assert.equal((await call("GET", `/api/jobs/${job.id}`)).status, "cancelled");
      assert.equal((await call("GET", "/api/health")).queue.kind, "in-process");
    });
  });
}
