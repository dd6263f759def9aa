/**
 * Repair over HTTP on both databases: a take with clicks is uploaded and logged, its analysis puts the
 * badges on the take list, a repair started on it makes a new take linked to the original with its report
 * (GET /api/takes/{id}/repair-report), a version repairs into a new version whose report is a "repair"
 * one; bad input is a 4xx naming the field, those who may not repair get 403; the routes are in the OpenAPI
 * document.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createSong } from "@controlroom/studio/songs/songs.ts";
import { DATABASES } from "@controlroom/studio/testing/test-studio.ts";
import { monoWav, openRouteTestStudio, type RouteTestStudio } from "./testing/route-test-studio.ts";

const SR = 48000;
const CLICKS = 6;

/** 1.5 s of a 220 Hz tone with two harmonics and faint hiss, with six clicks: 24-bit WAV bytes. */
function clickedWav(dir: string): Promise<Buffer> {
  const x = new Float32Array(1.5 * SR);
  let seed = 3;
  for (let i = 0; i < x.length; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    const ph = (2 * Math.PI * 220 * i) / SR;
    x[i] =
      0.3 * Math.sin(ph) +
      0.1 * Math.sin(2 * ph + 1) +
      0.05 * Math.sin(3 * ph) +
      0.002 * (seed / 2 ** 32 - 0.5);
  }
  for (let k = 0; k < CLICKS; k++)
    x[Math.round(((k + 0.5) * x.length) / CLICKS) + 29 * k] += k % 2 ? 0.5 : -0.5;
  return monoWav(dir, "clicked.wav", x, SR);
}

for (const kind of DATABASES) {
  describe(`repair routes on ${kind}`, () => {
    let r: RouteTestStudio;
    let songId: string;
    const call: RouteTestStudio["call"] = (...a) => r.call(...a);
    const settle: RouteTestStudio["settle"] = (...a) => r.settle(...a);

    before(async () => {
      r = await openRouteTestStudio(
        kind,
        ["producer", "engineer", "mastering_engineer", "viewer"],
        "cr-repair-api-",
      );
      const p = r.team.actors.producer;
      songId = (await createSong(r.studio, p, r.team.projectId, { title: "Repair over HTTP" })).id;
    });
    after(() => r.close());

    test("a take's badges, a repair into a linked take, its report; a version's repair; 4xx name the field", async () => {
      const sha = await r.upload("engineer", await clickedWav(r.dir));
      const logged = await call("engineer", "POST", `/api/songs/${songId}/takes`, {
        part: "guitar",
        performerName: "G",
        blobSha256: sha,
      });
      assert.equal(logged.status, 201);
      assert.equal((await settle("engineer", logged.body.analysisJobId)).status, "done");
      const take = (await call("viewer", "GET", `/api/songs/${songId}/takes`)).body[0];
      assert.equal(take.problems.clicks, CLICKS);
      assert.ok(take.problems.summary.includes(`${CLICKS} clicks`), take.problems.summary);

      // Refusals name the field; viewers and mastering engineers may not repair.
      const badFix = await call("engineer", "POST", `/api/takes/${take.id}/repair`, { fixes: ["dehiss"] });
      assert.equal(badFix.status, 400);
      assert.match(badFix.body.message, /^fixes\.0: must be one of /);
      const badAmount = await call("engineer", "POST", `/api/takes/${take.id}/repair`, { amountDb: 0 });
      assert.equal(badAmount.status, 400);
      assert.match(badAmount.body.message, /^amountDb: /);
      const badRange = await call("engineer", "POST", `/api/takes/${take.id}/repair`, {
        fixes: ["denoise"],
        noiseFrom: [1, 3],
      });
      assert.equal(badRange.status, 400);
      assert.match(badRange.body.message, /^noiseFrom: 1–3 s is not inside the file/);
      assert.equal((await call("viewer", "POST", `/api/takes/${take.id}/repair`, {})).status, 403);
      assert.equal(
        (await call("mastering_engineer", "POST", `/api/takes/${take.id}/repair`, {})).status,
        403,
      );
      assert.equal((await call("engineer", "POST", "/api/takes/nope/repair", {})).status, 404);
      assert.equal((await call("viewer", "GET", `/api/takes/${take.id}/repair-report`)).status, 404);

      const started = await call("engineer", "POST", `/api/takes/${take.id}/repair`, { fixes: "auto" });
      assert.equal(started.status, 202);
      assert.equal(started.body.kind, "repair");
      const job = await settle("engineer", started.body.id);
      assert.equal(job.status, "done", job.error);
      assert.ok(job.result.fixes.includes("declick"), job.result.fixes);
      const takes = (await call("viewer", "GET", `/api/songs/${songId}/takes`)).body;
      const repaired = takes.find((x: { id: string }) => x.id === job.result.takeId);
      assert.equal(repaired.repairedFromTakeId, take.id);
      assert.equal(repaired.number, 2);
      assert.equal(repaired.problems.clicks, 0);
      const report = await call("viewer", "GET", `/api/takes/${repaired.id}/repair-report`);
      assert.equal(report.status, 200);
      assert.equal(report.body.repairedFromTakeId, take.id);
      assert.equal(report.body.jobId, job.id);
      assert.ok(report.body.report.found.includes(`${CLICKS} clicks`));
      const wav = await call("viewer", "GET", `/api/blobs/${repaired.blobSha256}`);
      assert.equal(wav.status, 200);
      assert.equal(wav.raw.subarray(0, 4).toString(), "RIFF");

      // A version repairs into a new version with a repair report.
      const mix = await call("producer", "POST", `/api/songs/${songId}/versions`, {
        kind: "mix",
        blobSha256: sha,
      });
      assert.equal(mix.status, 201);
      const vStarted = await call("producer", "POST", `/api/versions/${mix.body.id}/repair`, {
        fixes: ["declick", "dc"],
      });
      assert.equal(vStarted.status, 202);
      const vJob = await settle("producer", vStarted.body.id);
      assert.equal(vJob.status, "done", vJob.error);
      assert.deepEqual(vJob.result.fixes, ["dc", "declick"]);
      const vReport = await call("viewer", "GET", `/api/versions/${vJob.result.versionId}/report`);
      assert.equal(vReport.body.kind, "repair");
      assert.equal(vReport.body.report.sourceVersionId, mix.body.id);
      const versions = (await call("viewer", "GET", `/api/songs/${songId}/versions`)).body;
      assert.ok(versions.some((v: { label: string }) => v.label === "mix v2 (repaired)"));
    });

    test("the OpenAPI document lists the repair routes with their bodies and responses", async () => {
      const doc = (await call("viewer", "GET", "/api/openapi.json")).body;
      for (const p of [
        "/api/takes/{takeId}/repair",
        "/api/versions/{versionId}/repair",
        "/api/takes/{takeId}/repair-report",
      ])
        assert.ok(doc.paths[p], p);
      const body =
        doc.paths["/api/takes/{takeId}/repair"].post.requestBody.content["application/json"].schema;
      assert.ok(body.properties.fixes, "fixes");
      assert.ok(body.properties.noiseFrom, "noiseFrom");
      assert.ok(body.properties.amountDb, "amountDb");
      assert.ok(doc.components.schemas.TakeRepairReport, "TakeRepairReport");
      assert.ok(doc.components.schemas.TakeProblems, "TakeProblems");
    });
  });
}
