import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { login } from "../accounts/accounts.ts";
import { BlobStore } from "../blobs/blob-store.ts";
import { InProcessQueue } from "../jobs/in-process-queue.ts";
import { readJob } from "../jobs/jobs.ts";
import { startRender } from "../jobs/kinds/render.ts";
import { getDashboard } from "../projects/dashboard.ts";
import { checkStudioSession, getSongSession } from "../renders/song-session.ts";
import { listTakes } from "../takes/takes.ts";
import { openTestStudio } from "../testing/test-studio.ts";
import { listVersions } from "../versions/mix-versions.ts";
import { DEMO_LOGIN, seedDemo } from "./seed-demo.ts";

test("the demo seeds a working studio once, with generated audio analysed by jobs", async () => {
  const t = await openTestStudio("pglite");
  const dir = await mkdtemp(join(tmpdir(), "cr-demo-"));
  const queue = await InProcessQueue.start(t.studio.db, { blobRoot: dir });
  const s = { ...t.studio, blobs: new BlobStore(dir), jobs: queue };
  try {
    const seed = await seedDemo(s, { seconds: 8, now: new Date("2027-01-10T12:00:00Z") });
    assert.ok(seed);
    assert.equal(await seedDemo(s), null);
    const { user } = await login(s, DEMO_LOGIN);
    const d = await getDashboard(
      s,
      { userId: user.id },
      seed.projectId,
      50,
      new Date("2027-01-10T12:00:00Z"),
    );
    assert.equal(d.songCount, 3);
    assert.deepEqual([d.stages.mixing, d.stages.overdubs, d.stages.pre_production], [1, 1, 1]);
    assert.equal(d.upcomingBookings.length, 2);
    assert.equal(d.team.length, 7);
    assert.equal(d.songs[0].openComments, 5);
    assert.deepEqual(d.songs[0].latestVersion, { kind: "mix", number: 2, approvalState: "in_review" });
    // Actuals: tracking day 10 h × €75 + mix day 10 h × €45 (confirmed) + drummer invoice €300.
    assert.equal(d.budget?.total.actualMinor, 75000 + 45000 + 30000);
    await queue.idle();
    const vs = await listVersions(s, seed.producer, seed.songIds[0]);
    assert.ok(vs.every((v) => v.integratedLufs !== null));
    // v2 was made 1.41× (+2.98 dB) louder; its A/B gain takes that back off.
    const [v2, v1] = vs;
    assert.ok(Math.abs((v2.matchGainDb ?? 0) + 20 * Math.log10(1.41)) < 0.05, `v2 gain ${v2.matchGainDb}`);
    assert.equal(v1.matchGainDb, 0);
  } finally {
    await queue.close();
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
});

test("the demo's first song has a multitrack of kept takes and a mix session that renders", async () => {
  const t = await openTestStudio("pglite");
  const dir = await mkdtemp(join(tmpdir(), "cr-demo-mix-"));
  const queue = await InProcessQueue.start(t.studio.db, { blobRoot: dir });
  const s = { ...t.studio, blobs: new BlobStore(dir), jobs: queue };
  try {
    const seconds = 8;
    const seed = await seedDemo(s, { seconds, now: new Date("2027-01-10T12:00:00Z") });
    assert.ok(seed);
    const songId = seed.songIds[0];
    const takes = (await listTakes(s, seed.producer, songId)).filter((x) => x.notes === "demo multitrack");
    assert.deepEqual(takes.map((x) => x.part).sort(), ["bass", "drums", "keys", "lead vocal"]);
    assert.ok(takes.every((x) => x.decision === "keep" && x.blobSha256 && x.analysisJobId));

    // The stored session passes the studio's checks again and references exactly those takes' files.
    const stored = await getSongSession(s, seed.producer, songId);
    assert.equal(stored.version, 1);
    const session = await checkStudioSession(s, stored.session);
    assert.equal(session.tracks.length, 4);
    assert.deepEqual(
      Object.values(session.audio)
        .map((a) => a.sha256)
        .sort(),
      takes.map((x) => x.blobSha256).sort(),
    );
    assert.deepEqual(
      session.sections.map((x) => [x.name, x.startBar, x.endBar]),
      [
        ["intro 1", 1, 2],
        ["verse 1", 3, 6],
        ["chorus 1", 7, 10],
        ["outro 1", 11, 12],
      ],
    );

    // The takes were measured by the jobs their creation queued: every part has sound, and the length.
    await queue.idle();
    for (const x of await listTakes(s, seed.producer, songId)) {
      if (x.notes !== "demo multitrack") continue;
      assert.equal(x.durationSeconds, seconds, x.part);
      assert.ok(Number.isFinite(x.integratedLufs) && (x.integratedLufs as number) > -40, x.part);
      assert.ok((x.truePeakDbtp as number) < 0, x.part);
    }

    // The render job mixes the session into a new mix version of the song.
    const job = await startRender(s, seed.producer, songId, { bits: 24 });
    await queue.idle();
    const done = await readJob(s.db, job.id);
    assert.equal(done?.status, "done", done?.error ?? "");
    const result = done?.result as { versionId: string; integratedLufs: number };
    const vs = await listVersions(s, seed.producer, songId);
    const rendered = vs.find((v) => v.id === result.versionId);
    assert.ok(rendered);
    assert.equal(rendered.kind, "mix");
    assert.equal(rendered.number, 3);
    assert.ok(Number.isFinite(rendered.integratedLufs) && (rendered.integratedLufs as number) > -30);
    assert.equal(rendered.integratedLufs, result.integratedLufs);
  } finally {
    await queue.close();
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
});
