import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Studio } from "../context.ts";
import { createSong } from "../songs/songs.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  type TeamFixture,
  type TestStudio,
} from "../testing/test-studio.ts";
import { isValidUpc, normalizeIsrc } from "./codes.ts";
import { getChecklist, getCredits, setCredits, setDeliveryItem } from "./credits.ts";

test("ISRC and UPC validation", () => {
  assert.equal(normalizeIsrc("GB-AYE-69-00531"), "GBAYE6900531");
  assert.equal(normalizeIsrc("gbaye6900531"), "GBAYE6900531");
  assert.equal(normalizeIsrc("GB-AYE-69-0053"), null);
  assert.equal(normalizeIsrc("1B-AYE-69-00531"), null);
  assert.equal(isValidUpc("036000291452"), true); // GS1's published example
  assert.equal(isValidUpc("036000291453"), false);
  assert.equal(isValidUpc("03600029145"), false);
});

for (const kind of DATABASES) {
  describe(`credits and delivery on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let team: TeamFixture;
    let songId: string;
    before(async () => {
      t = await openTestStudio(kind);
      s = t.studio;
      team = await seedTeam(s);
      songId = (await createSong(s, team.actors.producer, team.projectId, { title: "Split Song" })).id;
    });
    after(() => t.cleanup());

    test("writer and publisher shares must each sum to 100 %", async () => {
      const { producer, label, engineer } = team.actors;
      await assert.rejects(
        setCredits(s, producer, songId, {
          credits: [
            { kind: "writer", name: "A", sharePercent: 60 },
            { kind: "writer", name: "B", sharePercent: 30 },
          ],
        }),
        /credits: writer shares sum to 90%, they must sum to 100%/,
      );
      await assert.rejects(
        setCredits(s, producer, songId, { credits: [{ kind: "writer", name: "A" }] }),
        /credits.0.sharePercent:/,
      );
      await assert.rejects(
        setCredits(s, producer, songId, { credits: [{ kind: "writer", name: "A", sharePercent: 33.333 }] }),
        /sharePercent/,
      );
      const ok = await setCredits(s, label, songId, {
        credits: [
          { kind: "writer", name: "A", sharePercent: 33.33 },
          { kind: "writer", name: "B", sharePercent: 33.33 },
          { kind: "writer", name: "C", sharePercent: 33.34 },
          { kind: "publisher", name: "Pub", sharePercent: 100 },
          { kind: "performer", name: "Drummer", role: "drums" },
          { kind: "production", name: "Prod", role: "producer" },
        ],
      });
      assert.equal(ok.length, 6);
      assert.deepEqual(
        (await getCredits(s, engineer, songId)).map((c) => c.sharePercent),
        [33.33, 33.33, 33.34, 100, null, null],
      );
      await assert.rejects(setCredits(s, engineer, songId, { credits: [] }), { status: 403 });
    });

    test("delivery checklist lists every item and is complete when all are ticked", async () => {
      const { mastering_engineer: me, artist } = team.actors;
      let c = await getChecklist(s, artist, songId);
      assert.equal(c.items.length, 9);
      assert.equal(c.complete, false);
      for (const it of c.items) c = await setDeliveryItem(s, me, songId, { item: it.item, done: true });
      assert.equal(c.complete, true);
      await assert.rejects(setDeliveryItem(s, me, songId, { item: "vinyl", done: true }), /item:/);
      await assert.rejects(setDeliveryItem(s, artist, songId, { item: "main", done: false }), {
        status: 403,
      });
    });
  });
}
