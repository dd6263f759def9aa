import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { masterAudio, masterProgramme } from "@controlroom/engine/mastering/master.ts";
import { resolveTarget, targetSettings } from "@controlroom/engine/mastering/master-plan.ts";
import { tempFolder } from "../files/test-support.ts";
import { FileProgramme } from "./file-programme.ts";
import { masterChannels, masterFile, readForMastering, writeChannels } from "./master-file.ts";
import { ParallelLimiter } from "./parallel-limiter.ts";

const RATE = 48000;
const tmp = tempFolder("file-programme");
after(() => tmp.remove());

/** A synthetic mix: kick, bass, chord and noise hats, wide; `antiPhase` adds a loud side-only layer. */
function mix(seconds: number, antiPhase = false): Float32Array[] {
  const n = Math.round(seconds * RATE);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  let seed = 99;
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    seed = (seed * 1103515245 + 12345) >>> 0;
    const beat = t % 0.5;
    const kick = 0.6 * Math.exp(-beat * 18) * Math.sin(2 * Math.PI * (50 + 80 * Math.exp(-beat * 30)) * beat);
    const bass = 0.2 * Math.sin(2 * Math.PI * 55 * t);
    const chord = 0.08 * (Math.sin(2 * Math.PI * 220 * t) + Math.sin(2 * Math.PI * 277 * t));
    const hat = 0.05 * (seed / 2 ** 31 - 1) * Math.exp(-((t + 0.25) % 0.25) * 60);
    const side = antiPhase ? 0.4 * Math.sin(2 * Math.PI * 330 * t + 3 * Math.sin(2 * Math.PI * 0.7 * t)) : 0;
    l[i] = kick + bass + chord * 1.2 + hat * 0.6 + side;
    r[i] = kick + bass + chord * 0.8 + hat * 1.4 - side;
  }
  return [l, r];
}

describe("mastering from disk (any length, bounded memory)", () => {
  for (const [target, antiPhase] of [
    ["spotify", false],
    ["vinyl", true],
  ] as const) {
    it(`writes the same ${target} master, byte for byte, as mastering in memory`, async () => {
      const input = tmp.path(`${target}-in.wav`);
      await writeChannels(input, mix(6, antiPhase), RATE, 32);
      // From disk: what masterFile does without a reference or resampling.
      const disk = await masterFile(input, tmp.path(`${target}-disk.wav`), { target, spectra: true });
      // In memory, as before.
      const src = await readForMastering(input);
      const m = await masterChannels(src.channels, src.info, resolveTarget({ target }), {});
      await writeChannels(tmp.path(`${target}-memory.wav`), m.result.channels, m.sampleRate, 24, {
        description: `Mastered by Control Room to ${disk.report.target.lufs} LUFS / ${disk.report.target.ceilingDbtp} dBTP (${target})`,
      });
      assert.ok(
        readFileSync(tmp.path(`${target}-disk.wav`)).equals(readFileSync(tmp.path(`${target}-memory.wav`))),
        "the two masters differ",
      );
      // Every measurement too, to the last bit.
      assert.deepEqual(disk.result.passes, m.result.passes);
      assert.deepEqual(disk.result.before, m.result.before);
      assert.deepEqual(disk.result.after, m.result.after);
      assert.deepEqual(disk.report.warnings, m.warnings);
      assert.deepEqual(disk.spectra.after, m.spectra.after);
      // The working files are gone.
      assert.deepEqual(
        readdirSync(tmp.dir).filter((f) => f.includes(".work-")),
        [],
      );
    });
  }

  it("limits on worker threads over the working files exactly as in shared memory", async () => {
    const channels = mix(8);
    const input = tmp.path("parallel-in.wav");
    await writeChannels(input, channels, RATE, 32);
    const src = await readForMastering(input);
    const settings = targetSettings(resolveTarget({ target: "club" }), RATE, { maxLimitingDb: 12 }, [], 1);
    // In memory, pieces on two workers (from 1 s up rather than 120 s).
    const runner = ParallelLimiter.for(src.channels[0].length, RATE, 1);
    const memory = await masterAudio(
      src.channels,
      { ...settings, allocate: ParallelLimiter.allocate },
      runner,
    ).finally(() => runner.close());
    // From disk, the same pieces.
    const dir = tmp.path("parallel-work");
    mkdirSync(dir);
    const programme = new FileProgramme(input, dir, { parallelFromSeconds: 1 });
    try {
      const disk = await masterProgramme(programme, settings);
      assert.deepEqual(disk.passes, memory.passes);
      const got = memory.channels.map((c) => new Float32Array(c.length));
      let pos = 0;
      await programme.forEachMasterBlock(async (y, n) => {
        for (const [c, x] of y.entries()) got[c].set(x.subarray(0, n), pos);
        pos += n;
      });
      for (const [c, x] of memory.channels.entries()) {
        assert.ok(Buffer.from(got[c].buffer).equals(Buffer.from(x.buffer)), `channel ${c} differs`);
      }
    } finally {
      await programme.close();
    }
  });
});
