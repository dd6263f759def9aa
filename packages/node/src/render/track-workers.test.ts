import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { CORPUS, skipWithoutCorpus } from "../files/test-support.ts";
import { audioPath } from "../session/audio-check.ts";
import { sessionFromStems } from "../session/from-stems.ts";
import type { DecodeJob } from "./decode-jobs.ts";
import { publishCacheFile } from "./decode-to-cache.ts";
import { cacheFileName, runDecodeJob } from "./decoded-cache.ts";
import { TrackWorkers } from "./track-workers.ts";

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
