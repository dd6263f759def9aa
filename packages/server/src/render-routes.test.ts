/**
 * Sessions, renders and mastering over HTTP on both databases: upload two stems, save a session, render it
 * into a mix version (downloaded through the blob route, stems zip through the job), master that mix, read the
 * report; bad input is a 4xx naming the field; the routes are in the OpenAPI document.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createAudioWriter } from "@controlroom/node/files/write.ts";
import { login } from "@controlroom/studio/accounts/accounts.ts";
import { BlobStore } from "@controlroom/studio/blobs/blob-store.ts";
import type { Studio } from "@controlroom/studio/context.ts";
import { InProcessQueue } from "@controlroom/studio/jobs/in-process-queue.ts";
import { createSong } from "@controlroom/studio/songs/songs.ts";
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

const SR = 48000;

/** A 2-second mono sine as 24-bit WAV bytes. */
async function sineWav(dir: string, name: string, freq: number): Promise<Buffer> {
  const x = new Float32Array(2 * SR);
  for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * freq * i) / SR);
  const path = join(dir, name);
  const w = await createAudioWriter(path, { sampleRate: SR, channels: 1, bitDepth: 24, ditherSeed: 1 });
  await w.write([x], x.length);
  await w.close();
  return readFile(path);
}

for (const kind of DATABASES) {
  describe(`render and master routes on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let app: FastifyInstance;
    let dir: string;
    let queue: InProcessQueue;
    let team: TeamFixture;
    let songId: string;
    const tokens: Record<string, string> = {};
    const call = async (who: string, method: string, url: string, body?: unknown) => {
      const r = await app.inject({
        method: method as "GET",
        url,
        headers: { authorization: `Bearer ${tokens[who]}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const json = r.headers["content-type"]?.toString().startsWith("application/json");
      return {
        status: r.statusCode,
        body: json ? JSON.parse(r.body) : null,
        raw: r.rawPayload,
        headers: r.headers,
      };
    };
    const settle = async (who: string, jobId: string) => {
      for (let i = 0; i < 2400; i++) {
        const j = await call(who, "GET", `/api/jobs/${jobId}`);
        if (!["queued", "running"].includes(j.body.status)) return j.body;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`job ${jobId} did not finish`);
    };

    before(async () => {
      t = await openTestStudio(kind);
      dir = await mkdtemp(join(tmpdir(), "cr-render-api-"));
      queue = await InProcessQueue.start(t.studio.db, { blobRoot: join(dir, "blobs") });
      s = { ...t.studio, blobs: new BlobStore(join(dir, "blobs")), jobs: queue };
      app = await buildServer(s, { loginPerMinute: 100 });
      team = await seedTeam(s);
      for (const who of ["producer", "engineer", "mastering_engineer", "viewer"] as const) {
        const u = await s.db
          .selectFrom("users")
          .select("email")
          .where("id", "=", team.actors[who].userId)
          .executeTakeFirstOrThrow();
        tokens[who] = (await login(s, { email: u.email, password: "correct horse battery" }, "token")).token;
      }
      songId = (await createSong(s, team.actors.producer, team.projectId, { title: "Over HTTP" })).id;
    });
    after(async () => {
      await app.close();
      await queue.close();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test("upload, save a session, render a mix, master it; 4xx name the field", async () => {
      const shas: string[] = [];
      for (const [name, f] of [
        ["low.wav", 200],
        ["high.wav", 500],
      ] as const) {
        const up = await app.inject({
          method: "POST",
          url: `/api/projects/${team.projectId}/uploads`,
          ...uploadForm(await sineWav(dir, name, f)),
          headers: { ...uploadForm(Buffer.alloc(0)).headers, authorization: `Bearer ${tokens.engineer}` },
        });
        assert.equal(up.statusCode, 201, up.body);
        shas.push(JSON.parse(up.body).sha256);
      }
      const ref = (sha: string) => ({
        sha256: sha,
        path: "stem.wav",
        sampleRate: SR,
        channels: 1,
        frames: 2 * SR,
      });
      const session = {
        version: 2,
        sampleRate: SR,
        audio: { low: ref(shas[0]), high: ref(shas[1]) },
        tracks: [
          { id: "low", volumeDb: -3, takes: [{ id: "t", clips: [{ audio: "low", start: 0, length: 2 }] }] },
          { id: "high", pan: 0.5, takes: [{ id: "t", clips: [{ audio: "high", start: 0, length: 2 }] }] },
        ],
      };
      // Bad input names the field; viewers may not save; nothing is saved by a failed request.
      const bad = await call("engineer", "PUT", `/api/songs/${songId}/session`, {
        session: { ...session, sampleRate: 7 },
      });
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /^session\.sampleRate: /);
      assert.equal(
        (await call("engineer", "PUT", `/api/songs/${songId}/session`, {})).body.message.split(":")[0],
        "session",
      );
      assert.equal((await call("viewer", "PUT", `/api/songs/${songId}/session`, { session })).status, 403);
      assert.equal((await call("viewer", "GET", `/api/songs/${songId}/session`)).status, 404);
      const saved = await call("engineer", "PUT", `/api/songs/${songId}/session`, { version: 0, session });
      assert.equal(saved.status, 200, saved.body?.message);
      assert.equal(saved.body.version, 1);
      assert.equal(
        (await call("viewer", "GET", `/api/songs/${songId}/session`)).body.session.tracks.length,
        2,
      );

      const badRender = await call("engineer", "POST", `/api/songs/${songId}/renders`, { tailSeconds: 99 });
      assert.equal(badRender.status, 400);
      assert.match(badRender.body.message, /^tailSeconds: /);
      assert.equal(
        (await call("mastering_engineer", "POST", `/api/songs/${songId}/renders`, {})).status,
        403,
      );
      const started = await call("engineer", "POST", `/api/songs/${songId}/renders`, { stems: true });
      assert.equal(started.status, 202);
      const job = await settle("engineer", started.body.id);
      assert.equal(job.status, "done", job.error);
      // The new mix is in the version stack and downloads through the blob route.
      const versions = (await call("viewer", "GET", `/api/songs/${songId}/versions`)).body;
      const mix = versions.find((v: { id: string }) => v.id === job.result.versionId);
      assert.equal(mix.kind, "mix");
      assert.equal(mix.integratedLufs, job.result.integratedLufs);
      const wav = await call("viewer", "GET", `/api/blobs/${mix.blobSha256}`);
      assert.equal(wav.status, 200);
      assert.equal(wav.raw.subarray(0, 4).toString(), "RIFF");
      assert.equal(wav.raw.length, job.result.mix.size);
      const zip = await call("viewer", "GET", `/api/jobs/${job.id}/stems`);
      assert.equal(zip.status, 200);
      assert.equal(zip.raw.subarray(0, 2).toString(), "PK");

      const badMaster = await call("mastering_engineer", "POST", `/api/versions/${mix.id}/master`, {
        target: "loud",
      });
      assert.equal(badMaster.status, 400);
      assert.match(badMaster.body.message, /^target: /);
      assert.equal(
        (await call("engineer", "POST", `/api/versions/${mix.id}/master`, { target: "ebu-r128" })).status,
        403,
      );
      const m = await call("mastering_engineer", "POST", `/api/versions/${mix.id}/master`, {
        target: "ebu-r128",
      });
      assert.equal(m.status, 202);
      const mj = await settle("mastering_engineer", m.body.id);
      assert.equal(mj.status, "done", mj.error);
      assert.ok(Math.abs(mj.result.integratedLufs - -23) <= 0.5, `${mj.result.integratedLufs} LUFS`);
      const report = await call("viewer", "GET", `/api/versions/${mj.result.versionId}/report`);
      assert.equal(report.body.kind, "master");
      assert.equal(report.body.report.report.target.name, "ebu-r128");
    });

    test("the OpenAPI document lists the render routes with their bodies", async () => {
      const doc = (await call("viewer", "GET", "/api/openapi.json")).body;
      for (const p of [
        "/api/songs/{songId}/session",
        "/api/songs/{songId}/renders",
        "/api/versions/{versionId}/master",
        "/api/versions/{versionId}/report",
        "/api/jobs/{jobId}/stems",
      ])
        assert.ok(doc.paths[p], p);
      const body =
        doc.paths["/api/versions/{versionId}/master"].post.requestBody.content["application/json"].schema;
      assert.ok(body.properties.target.enum.includes("vinyl"));
    });
  });
}
