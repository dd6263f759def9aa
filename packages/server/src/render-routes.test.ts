/**
 * Sessions, renders and mastering over HTTP on both databases: upload two stems, save a session, render it
 * into a mix version (downloaded through the blob route, stems zip through the job), master that mix, read the
 * report; bad input is a 4xx naming the field; the routes are in the OpenAPI document.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createSong } from "@controlroom/studio/songs/songs.ts";
import { DATABASES } from "@controlroom/studio/testing/test-studio.ts";
import { monoWav, openRouteTestStudio, type RouteTestStudio } from "./testing/route-test-studio.ts";

const SR = 48000;

/** A 2-second mono sine as 24-bit WAV bytes. */
function sineWav(dir: string, name: string, freq: number): Promise<Buffer> {
  const x = new Float32Array(2 * SR);
  for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * freq * i) / SR);
  return monoWav(dir, name, x, SR);
}

for (const kind of DATABASES) {
  describe(`render and master routes on ${kind}`, () => {
    let r: RouteTestStudio;
    let songId: string;
    const call: RouteTestStudio["call"] = (...a) => r.call(...a);
    const settle: RouteTestStudio["settle"] = (...a) => r.settle(...a);

    before(async () => {
      r = await openRouteTestStudio(
        kind,
        ["producer", "engineer", "mastering_engineer", "viewer"],
        "cr-render-api-",
      );
      songId = (await createSong(r.studio, r.team.actors.producer, r.team.projectId, { title: "Over HTTP" }))
        .id;
    });
    after(() => r.close());

    test("upload, save a session, render a mix, master it; 4xx name the field", async () => {
      const shas: string[] = [];
      for (const [name, f] of [
        ["low.wav", 200],
        ["high.wav", 500],
      ] as const) {
        shas.push(await r.upload("engineer", await sineWav(r.dir, name, f)));
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
