import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Studio } from "../context.ts";
import type { StudioError } from "../errors.ts";
import { getProject, updateProject } from "../projects/projects.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  type TeamFixture,
  type TestStudio,
} from "../testing/test-studio.ts";
import { createSong, getSong, listSongs, setPerformers, setSongStatus, updateSong } from "./songs.ts";

for (const kind of DATABASES) {
  describe(`songs and projects on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let team: TeamFixture;
    before(async () => {
      t = await openTestStudio(kind);
      s = t.studio;
      team = await seedTeam(s);
    });
    after(() => t.cleanup());

    test("a song moves along the pipeline with who and when, in order", async () => {
      const { producer, engineer } = team.actors;
      const song = await createSong(s, producer, team.projectId, {
        title: "Night Drive",
        key: "A minor",
        tempoBpm: 120,
      });
      assert.equal(song.status, "idea");
      assert.equal(song.position, 1);
      const a = await setSongStatus(s, producer, song.id, {
        version: song.version,
        status: "pre_production",
      });
      const b = await setSongStatus(s, engineer, song.id, { version: a.version, status: "tracking" });
      assert.deepEqual(
        b.history.map((h) => [h.from, h.to, h.byName]),
        [
          [null, "idea", "producer"],
          ["idea", "pre_production", "producer"],
          ["pre_production", "tracking", "engineer"],
        ],
      );
      assert.ok(b.history[2].at.getTime() >= b.history[0].at.getTime());
    });

    test("stale edits get a 409 carrying the current song; nothing half-written", async () => {
      const { producer, artist } = team.actors;
      const song = await createSong(s, producer, team.projectId, { title: "Lost Update" });
      const mine = await updateSong(s, producer, song.id, {
        version: song.version,
        notes: "double the chorus",
      });
      await assert.rejects(
        updateSong(s, artist, song.id, { version: song.version, lyrics: "la la" }),
        (e: StudioError) => {
          assert.equal(e.status, 409);
          const cur = (e.detail as { current: { notes: string; version: number } }).current;
          assert.equal(cur.notes, "double the chorus");
          assert.equal(cur.version, mine.version);
          return true;
        },
      );
      // A stale status change writes neither the status nor its history row.
      await assert.rejects(
        setSongStatus(s, producer, song.id, { version: song.version, status: "tracking" }),
        { status: 409 },
      );
      const now = await getSong(s, producer, song.id);
      assert.equal(now.status, "idea");
      assert.equal(now.history.length, 1);
      assert.equal(now.lyrics, "");
    });

    test("bad input names the field", async () => {
      const { producer } = team.actors;
      await assert.rejects(createSong(s, producer, team.projectId, { title: "" }), /title:/);
      await assert.rejects(
        createSong(s, producer, team.projectId, { title: "x", tempoBpm: 9000 }),
        /tempoBpm:/,
      );
      await assert.rejects(createSong(s, producer, team.projectId, { title: "x", key: "H major" }), /key:/);
      const p = await getProject(s, producer, team.projectId);
      await assert.rejects(
        updateProject(s, producer, team.projectId, { version: p.version, upc: "123456789013" }),
        /upc:/,
      );
      await assert.rejects(
        updateProject(s, producer, team.projectId, { version: p.version, releaseDate: "2026-02-30" }),
        /releaseDate:/,
      );
      const ok = await updateProject(s, producer, team.projectId, {
        version: p.version,
        upc: "036000291452",
        releaseDate: "2027-03-01",
      });
      assert.equal(ok.upc, "036000291452");
      assert.equal(ok.releaseDate, "2027-03-01");
    });

    test("session musicians see only the songs they play on", async () => {
      const { producer, session_musician: sm } = team.actors;
      const a = await createSong(s, producer, team.projectId, { title: "Plays On" });
      const b = await createSong(s, producer, team.projectId, { title: "Does Not" });
      await setPerformers(s, producer, a.id, { performers: [{ userId: sm.userId, instrument: "drums" }] });
      const seen = await listSongs(s, sm, team.projectId);
      assert.deepEqual(
        seen.songs.map((x) => x.title),
        ["Plays On"],
      );
      assert.equal(seen.total, 1);
      assert.equal((await getSong(s, sm, a.id)).performers[0].instrument, "drums");
      await assert.rejects(getSong(s, sm, b.id), { status: 403 });
      const all = await listSongs(s, producer, team.projectId);
      assert.ok(all.total >= 2);
    });
  });
}
