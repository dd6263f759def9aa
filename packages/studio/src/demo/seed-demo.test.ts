import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { login } from "../accounts/accounts.ts";
import { BlobStore } from "../blobs/blob-store.ts";
import { InProcessQueue } from "../jobs/in-process-queue.ts";
import { getDashboard } from "../projects/dashboard.ts";
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
    assert.equal(d.songs[0].openComments, 4);
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
