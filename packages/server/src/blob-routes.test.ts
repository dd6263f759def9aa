/**
 * Blob routes over HTTP on both databases: waveform peaks (computed from the stored file, then served from
 * the cache beside it; discoverable the way the web app looks for them), and HEAD answering a download's
 * headers without its bytes. Both authorize like the download.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { get as httpGet, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, test } from "node:test";
import { login } from "@controlroom/studio/accounts/accounts.ts";
import { BlobStore } from "@controlroom/studio/blobs/blob-store.ts";
import { peaksCachePath } from "@controlroom/studio/blobs/peaks.ts";
import type { Studio } from "@controlroom/studio/context.ts";
import { createSong } from "@controlroom/studio/songs/songs.ts";
import { createTake } from "@controlroom/studio/takes/takes.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  type TeamFixture,
  type TestStudio,
} from "@controlroom/studio/testing/test-studio.ts";
import type { FastifyInstance } from "fastify";
import { buildServer } from "./app.ts";
import { uploadForm } from "./testing/upload-form.ts";

const RATE = 48000;
const FRAMES = 3 * RATE + 17;

/** Mono 16-bit: a 100 Hz sine whose level rises linearly from 0 to 0.9 full scale. */
function samples(): Int16Array {
  const x = new Int16Array(FRAMES);
  for (let i = 0; i < FRAMES; i++)
    x[i] = Math.round(0.9 * 32767 * (i / FRAMES) * Math.sin((2 * Math.PI * 100 * i) / RATE));
  return x;
}

function wav(x: Int16Array): Buffer {
  const b = Buffer.alloc(44 + x.length * 2);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + x.length * 2, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(RATE, 24);
  b.writeUInt32LE(RATE * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36);
  b.writeUInt32LE(x.length * 2, 40);
  for (let i = 0; i < x.length; i++) b.writeInt16LE(x[i], 44 + 2 * i);
  return b;
}

for (const kind of DATABASES) {
  describe(`blob routes on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let app: FastifyInstance;
    let dir: string;
    let team: TeamFixture;
    let sha: string;
    let songId: string;
    const x = samples();
    const bytes = wav(x);
    const tokens: Record<string, string> = {};
    const auth = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });

    before(async () => {
      t = await openTestStudio(kind);
      dir = await mkdtemp(join(tmpdir(), "cr-blob-api-"));
      s = { ...t.studio, blobs: new BlobStore(join(dir, "blobs")) };
      app = await buildServer(s, { loginPerMinute: 100 });
      team = await seedTeam(s);
      for (const who of ["producer", "viewer", "outsider"] as const) {
        const u = await s.db
          .selectFrom("users")
          .select("email")
          .where("id", "=", team.actors[who].userId)
          .executeTakeFirstOrThrow();
        tokens[who] = (await login(s, { email: u.email, password: "correct horse battery" }, "token")).token;
      }
      const up = await app.inject({
        method: "POST",
        url: `/api/projects/${team.projectId}/uploads`,
        ...uploadForm(bytes),
        headers: { ...uploadForm(Buffer.alloc(0)).headers, ...auth("producer") },
      });
      assert.equal(up.statusCode, 201, up.body);
      sha = JSON.parse(up.body).sha256;
      const song = await createSong(s, team.actors.producer, team.projectId, { title: "Peaks" });
      songId = song.id;
      await createTake(s, team.actors.producer, song.id, {
        part: "bass",
        performerName: "B",
        blobSha256: sha,
      });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test("the OpenAPI document lists the peaks route", async () => {
      const doc = JSON.parse((await app.inject({ method: "GET", url: "/api/openapi.json" })).body);
      // The web client calls it at this fixed URL (packages/web/app/api.ts).
      const found = Object.entries(doc.paths as Record<string, Record<string, unknown>>).find(
        ([path, ops]) => ops.get && /^\/api\/blobs\/\{\w+\}\/peaks$/.test(path),
      );
      assert.equal(found?.[0], "/api/blobs/{sha256}/peaks");
    });

    test("peaks: min/max per bucket of the stored file; the second call is served from the cache", async () => {
      const r = await app.inject({
        method: "GET",
        url: `/api/blobs/${sha}/peaks?buckets=300`,
        headers: auth("viewer"),
      });
      assert.equal(r.statusCode, 200, r.body);
      const p = JSON.parse(r.body);
      assert.equal(p.cached, false);
      assert.equal(p.duration, FRAMES / RATE);
      const per = Math.ceil(FRAMES / 300);
      assert.equal(p.framesPerBucket, per);
      assert.equal(p.peaks.length, 1);
      assert.equal(p.peaks[0].length, 2 * Math.ceil(FRAMES / per));
      let worst = 0;
      for (let b = 0; b * per < FRAMES; b++) {
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = b * per; i < Math.min(FRAMES, (b + 1) * per); i++) {
          lo = Math.min(lo, x[i] / 32768);
          hi = Math.max(hi, x[i] / 32768);
        }
        worst = Math.max(worst, Math.abs(p.peaks[0][2 * b] - lo), Math.abs(p.peaks[0][2 * b + 1] - hi));
      }
      assert.ok(worst <= 5e-6 + 1e-12, `worst difference ${worst}`); // wire rounding to 5 decimals
      assert.ok((await stat(peaksCachePath(s.blobs as BlobStore, sha, 300))).isFile());

      const again = await app.inject({
        method: "GET",
        url: `/api/blobs/${sha}/peaks?buckets=300`,
        headers: auth("producer"),
      });
      const q = JSON.parse(again.body);
      assert.equal(q.cached, true);
      assert.deepEqual(q.peaks, p.peaks);
      assert.equal(q.duration, p.duration);

      // Default (what the web app asks for): 2000 buckets per channel at most — 73 frames each, 1973 buckets.
      const d = JSON.parse(
        (await app.inject({ method: "GET", url: `/api/blobs/${sha}/peaks`, headers: auth("producer") })).body,
      );
      assert.equal(d.framesPerBucket, Math.ceil(FRAMES / 2000));
      assert.equal(d.peaks[0].length, 2 * Math.ceil(FRAMES / Math.ceil(FRAMES / 2000)));
    });

    test("peaks: same authorization as the download; bad input names the field", async () => {
      const out = await app.inject({
        method: "GET",
        url: `/api/blobs/${sha}/peaks`,
        headers: auth("outsider"),
      });
      const dl = await app.inject({ method: "GET", url: `/api/blobs/${sha}`, headers: auth("outsider") });
      assert.equal(out.statusCode, dl.statusCode);
      assert.ok(out.statusCode === 403 || out.statusCode === 404);
      assert.equal((await app.inject({ method: "GET", url: `/api/blobs/${sha}/peaks` })).statusCode, 401);
      const bad = await app.inject({
        method: "GET",
        url: `/api/blobs/${sha}/peaks?buckets=5`,
        headers: auth("producer"),
      });
      assert.equal(bad.statusCode, 400);
      assert.match(JSON.parse(bad.body).message, /^query\.buckets: /);
      const none = await app.inject({
        method: "GET",
        url: `/api/blobs/${"0".repeat(64)}/peaks`,
        headers: auth("producer"),
      });
      assert.equal(none.statusCode, 404);
    });

    test("HEAD: the download's headers, no body, no error", async () => {
      const errors: unknown[] = [];
      const orig = console.error;
      console.error = (...a: unknown[]) => errors.push(a);
      try {
        const h = await app.inject({ method: "HEAD", url: `/api/blobs/${sha}`, headers: auth("viewer") });
        assert.equal(h.statusCode, 200);
        assert.equal(h.headers["content-length"], String(bytes.length));
        assert.equal(h.headers["content-type"], "audio/wav");
        assert.equal(h.headers["accept-ranges"], "bytes");
        assert.equal(h.rawPayload.length, 0);
        const g = await app.inject({ method: "GET", url: `/api/blobs/${sha}`, headers: auth("viewer") });
        assert.equal(g.headers["content-length"], h.headers["content-length"]);
        assert.deepEqual(g.rawPayload, bytes);
        const denied = await app.inject({
          method: "HEAD",
          url: `/api/blobs/${sha}`,
          headers: auth("outsider"),
        });
        assert.ok(denied.statusCode === 403 || denied.statusCode === 404);
        assert.equal(denied.rawPayload.length, 0);
        assert.equal((await app.inject({ method: "HEAD", url: `/api/blobs/${sha}` })).statusCode, 401);
      } finally {
        console.error = orig;
      }
      assert.deepEqual(errors, []);
    });

    test("a download the player abandons half-way ends quietly (no 500, no error logged)", async () => {
      // A browser cancels downloads all the time (seeking, leaving the page, a decode that has enough). The
      // stored file stands in for one that is still streaming when the listener hangs up.
      const store = s.blobs as BlobStore;
      const open = store.open;
      const body = new PassThrough();
      const closed = once(body, "close");
      store.open = (async () => body) as unknown as BlobStore["open"];
      const errors: unknown[] = [];
      const orig = console.error;
      console.error = (...a: unknown[]) => errors.push(a);
      const url = await app.listen({ host: "127.0.0.1", port: 0 });
      try {
        body.write(bytes.subarray(0, 1024));
        const req = httpGet(`${url}/api/blobs/${sha}`, { headers: auth("viewer") });
        req.on("error", () => {});
        const [res] = (await once(req, "response")) as [IncomingMessage];
        assert.equal(res.statusCode, 200);
        await once(res, "data");
        req.destroy();
        await closed;
        // Whatever the route does after the hang-up runs in the same turn of the event loop.
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      } finally {
        console.error = orig;
        store.open = open;
      }
      assert.deepEqual(errors, []);
    });

    test("the take list shows the take's analysis fields (null: no job queue in this test)", async () => {
      const r = await app.inject({
        method: "GET",
        url: `/api/songs/${songId}/takes`,
        headers: auth("viewer"),
      });
      assert.equal(r.statusCode, 200, r.body);
      const [take] = JSON.parse(r.body);
      assert.equal(take.blobSha256, sha);
      assert.deepEqual(
        [take.integratedLufs, take.truePeakDbtp, take.durationSeconds, take.analysisJobId],
        [null, null, null, null],
      );
    });
  });
}
