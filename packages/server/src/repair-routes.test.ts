/**
 * Repair over HTTP on both databases: a take with clicks is uploaded and logged, its analysis puts the
 * badges on the take list, a repair started on it makes a new take linked to the original with its report
 * (GET /api/takes/{id}/repair-report), a version repairs into a new version whose report is a "repair"
 * one; bad input is a 4xx naming the field, those who may not repair get 403; the routes are in the OpenAPI
 * document.
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
const CLICKS = 6;

/** 1.5 s of a 220 Hz tone with two harmonics and faint hiss, with six clicks: 24-bit WAV bytes. */
async function clickedWav(dir: string): Promise<Buffer> {
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
  const path = join(dir, "clicked.wav");
  const w = await createAudioWriter(path, { sampleRate: SR, channels: 1, bitDepth: 24, ditherSeed: 1 });
  await w.write([x], x.length);
  await w.close();
  return readFile(path);
}

for (const kind of DATABASES) {
  describe(`repair routes on ${kind}`, () => {
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
      return { status: r.statusCode, body: json ? JSON.parse(r.body) : null };
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
      dir = await mkdtemp(join(tmpdir(), "cr-repair-api-"));
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
      songId = (await createSong(s, team.actors.producer, team.projectId, { title: "Repair over HTTP" })).id;
    });
    after(async () => {
      await app.close();
      await queue.close();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test("a take's badges, a repair into a linked take, its report; a version's repair; 4xx name the field", async () => {
      const up = await app.inject({
        method: "POST",
        url: `/api/projects/${team.projectId}/uploads`,
        ...uploadForm(await clickedWav(dir)),
        headers: { ...uploadForm(Buffer.alloc(0)).headers, authorization: `Bearer ${tokens.engineer}` },
      });
      assert.equal(up.statusCode, 201, up.body);
      const sha = JSON.parse(up.body).sha256;
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
      const wav = await app.inject({
        method: "GET",
        url: `/api/blobs/${repaired.blobSha256}`,
        headers: { authorization: `Bearer ${tokens.viewer}` },
      });
      assert.equal(wav.statusCode, 200);
      assert.equal(wav.rawPayload.subarray(0, 4).toString(), "RIFF");

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
