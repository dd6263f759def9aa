import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { CORPUS, skipWithoutCorpus } from "../files/test-support.ts";
import { audioPath } from "../session/audio-check.ts";
import { sessionFromStems } from "../session/from-stems.ts";
import type { DecodeJob } from "./decode-jobs.ts";
import { publishCacheFile } from "./decode-to-cache.ts";
import { cacheFileName, runDecodeJob } from "./decoded-cache.ts";
import { defaultThreads, TrackWorkers } from "./track-workers.ts";

const SONG = join(CORPUS, "song1");

describe("track workers", { skip: skipWithoutCorpus("song1", "kick.flac") }, () => {
  let dir: string;
  let session: Session;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "cr-track-workers-"));
    session = await sessionFromStems(SONG, dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A decode job for the session's `id` into the folder `cache` (under `name` there). */
  const jobOf = (id: string, name: string): DecodeJob => {
    const ref = session.audio[id];
    const path = audioPath(dir, ref.path);
    const st = statSync(path, { bigint: true });
    const file = join(dir, `${name}-${cacheFileName(ref.sha256, Number(st.size), st.mtimeNs)}`);
    return {
      path,
      ref,
      file,
      temp: `${file}.partial`,
      size: Number(st.size),
      mtimeNs: st.mtimeNs,
      maxBytes: 2 ** 40,
    };
  };

  it("decode sources into the cache before the render, the same bytes as this thread writes, and stop when cancelled", async () => {
    const pool = TrackWorkers.plan(session, 2, undefined, false)!;
    const starting = pool.start(dir, {});
    const [thread] = pool.decodeThreads();
    try {
      await thread.ready;
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const progress: number[] = [];
      const there = jobOf("kick", "worker");
      assert.equal(await thread.decode(there, (s) => progress.push(s), flag), "written");
      assert.ok(await publishCacheFile(there.temp, there.file));
      assert.ok(
        progress.length > 1 && progress.every((s, i) => i === 0 || s > progress[i - 1]),
        "progress grows",
      );
      assert.equal(progress.at(-1), 64);
      const here = jobOf("kick", "here");
      assert.equal(await runDecodeJob(here), "written");
      assert.ok(await publishCacheFile(here.temp, here.file));
      assert.deepEqual(readFileSync(there.file), readFileSync(here.file));
      assert.ok(!existsSync(there.temp));

      Atomics.store(flag, 0, 1);
      const cancelled = jobOf("snare", "cancelled");
      assert.equal(await thread.decode(cancelled, () => {}, flag), "failed");
      assert.ok(!existsSync(cancelled.file) && !existsSync(cancelled.temp), "nothing published or left");
      await starting;
    } finally {
      await pool.close();
    }
    // A closed pool lends nothing more.
    await assert.rejects(
      thread.decode(jobOf("snare", "closed"), () => {}, new Int32Array(new SharedArrayBuffer(4))),
      /track worker/,
    );
    assert.equal(thread.alive(), false);
  });
});

describe("defaultThreads: tracks go to other threads only when there is enough work for them", () => {
  /** `n` tracks of `seconds` each, `inserts` inserts and `sends` sends per track, `buses` buses with one insert. */
  const sessionOf = (n: number, seconds: number, inserts = 0, sends = 0, buses = 0) =>
    ({
      tracks: Array.from({ length: n }, (_, i) => ({
        id: `t${i}`,
        inserts: Array.from({ length: inserts }, () => ({ type: "eq" })),
        sends: Array.from({ length: sends }, () => ({ bus: "b0" })),
        takes: [{ id: "take1", clips: [{ audio: "a", start: 0, length: seconds }] }],
      })),
      buses: Array.from({ length: buses }, (_, i) => ({ id: `b${i}`, inserts: [{ type: "reverb" }] })),
    }) as unknown as Session;
  const cores = Math.min(availableParallelism(), 8);

  it("keeps a short session of plain tracks on one thread (song1: 7 tracks of 64 s)", () => {
    assert.equal(defaultThreads(sessionOf(7, 64)), 1);
    assert.equal(defaultThreads(sessionOf(3, 3600)), 1, "fewer than 4 tracks");
  });

  it("uses a thread per core when the tracks are many, long or busy", () => {
    assert.equal(defaultThreads(sessionOf(16, 240, 2, 2, 2)), Math.min(cores, 16));
    assert.equal(
      defaultThreads(sessionOf(7, 600)),
      Math.min(cores, 7),
      "plain tracks, but ten minutes of them",
    );
    assert.equal(defaultThreads(sessionOf(7, 64, 3)), Math.min(cores, 7), "three inserts per track");
  });

  it("counts only the span rendered", () => {
    assert.equal(defaultThreads(sessionOf(7, 600), { start: 0, end: 60 }), 1);
    assert.equal(defaultThreads(sessionOf(7, 600), { start: 590, end: Number.POSITIVE_INFINITY }), 1);
    assert.equal(
      defaultThreads(sessionOf(7, 600), { start: 0, end: Number.POSITIVE_INFINITY }),
      Math.min(cores, 7),
    );
  });
});
