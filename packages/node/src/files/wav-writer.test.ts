import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { FFT } from "@controlroom/engine/core/fft.ts";
import { openAudioFile, probeAudioFile, readWholeFile } from "./open.ts";
import { ffprobe, firstDifference, readInterleaved, referenceFloats, tempFolder } from "./test-support.ts";
import { AudioFileError, type AudioWriterOptions } from "./types.ts";
import { createWavWriter } from "./wav-writer.ts";
import { createAudioWriter } from "./write.ts";
import { Quantizer } from "./writer-options.ts";

const tmp = tempFolder("wav-writer");
after(() => tmp.remove());

/** Deterministic test signal: a sine and a slow noise-like sum, stereo, full scale ±0.9. */
function signal(frames: number, channels = 2): Float32Array[] {
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      x[i] = 0.6 * Math.sin((2 * Math.PI * (440 + 110 * c) * i) / 48000) + 0.3 * Math.sin(i * i * 1e-7 + c);
    }
    return x;
  });
}

async function writeFile(path: string, opts: AudioWriterOptions, data: Float32Array[], block = 4000) {
  const w = await createAudioWriter(path, opts);
  const n = data[0].length;
  for (let i = 0; i < n; i += block) {
    await w.write(data.map((c) => c.subarray(i, Math.min(n, i + block))));
  }
  await w.close();
}

describe("WAV writer", () => {
  const x = signal(48000);
  const base = { sampleRate: 48000, channels: 2 } as const;

  it("32-bit float round trip is exact; ffmpeg reads the same values", async () => {
    const f = tmp.path("f32.wav");
    await writeFile(f, { ...base, bitDepth: 32 }, x);
    const { info, channels } = await readWholeFile(f, { maxFrames: 48000 });
    assert.equal(info.codec, "pcm_f32le");
    assert.deepEqual(channels, x);
    const { data } = await readInterleaved(f);
    assert.equal(firstDifference(data, referenceFloats(f, "f32le")), -1);
  });

  for (const bits of [16, 24] as const) {
    it(`${bits}-bit: error within TPDF bounds, unbiased, variance LSB²/4 (measured); ffmpeg bit-exact`, async (t) => {
      const f = tmp.path(`s${bits}.wav`);
      await writeFile(f, { ...base, bitDepth: bits, ditherSeed: 9 }, x);
      const { info, channels } = await readWholeFile(f, { maxFrames: 48000 });
      assert.equal(info.bitDepth, bits);
      assert.equal(info.frames, 48000);
      const lsb = 2 ** (bits - 1);
      let sum = 0;
      let sum2 = 0;
      let worst = 0;
      for (let c = 0; c < 2; c++) {
        for (let i = 0; i < 48000; i++) {
          const e = (channels[c][i] - x[c][i]) * lsb;
          sum += e;
          sum2 += e * e;
          worst = Math.max(worst, Math.abs(e));
        }
      }
      const mean = sum / 96000;
      const variance = sum2 / 96000 - mean * mean;
      t.diagnostic(
        `${bits}-bit error: mean ${mean.toFixed(4)} LSB, variance ${variance.toFixed(4)} LSB², max ${worst.toFixed(3)} LSB`,
      );
      assert.ok(worst <= 1.5 + 1e-6, `max error ${worst} LSB`);
      assert.ok(Math.abs(mean) < 0.02, `mean error ${mean} LSB`);
      // 24-bit: the float32 source has only 24 significant bits, so part of it is already on the grid.
      if (bits === 16) assert.ok(Math.abs(variance - 0.25) < 0.01, `variance ${variance} LSB²`);
      const { data } = await readInterleaved(f);
      assert.equal(firstDifference(data, referenceFloats(f, "s32le")), -1);
    });
  }

  it("dither is reproducible by seed; samples already on the grid are stored unchanged", async () => {
    const a = tmp.path("seed-a.wav");
    const b = tmp.path("seed-b.wav");
    const c = tmp.path("seed-c.wav");
    await writeFile(a, { ...base, bitDepth: 16, ditherSeed: 4 }, x, 1000);
    await writeFile(b, { ...base, bitDepth: 16, ditherSeed: 4 }, x, 4567);
    await writeFile(c, { ...base, bitDepth: 16, ditherSeed: 5 }, x);
    assert.ok(readFileSync(a).equals(readFileSync(b)));
    assert.ok(!readFileSync(a).equals(readFileSync(c)));
    // A 16-bit signal (and silence) written at 16 bits comes back identical.
    const onGrid = x.map((ch) => ch.map((v, i) => (i < 1000 ? 0 : Math.round(v * 32768) / 32768 + 0)));
    const d = tmp.path("grid.wav");
    await writeFile(d, { ...base, bitDepth: 16 }, onGrid);
    assert.deepEqual((await readWholeFile(d, { maxFrames: 48000 })).channels, onGrid);
  });

  it("packed samples are exactly Quantizer.quantize's codes, little-endian (16/24 bits, every dither kind, 2 and 3 channels)", async () => {
    // Partly on the grid, so the exact pass matters; longer than the writer's 16 384-frame packing block. Three
    // channels: the tpdf kernel packs channel pairs in SIMD lanes and an odd channel on its own.
    for (const channels of [2, 3]) {
      const y = signal(40000, channels).map((ch) =>
        ch.map((v, i) => (i % 3 === 0 ? Math.round(v * 256) / 256 : v)),
      );
      for (const bitDepth of [16, 24] as const) {
        for (const dither of ["tpdf", "shaped", "none"] as const) {
          const f = tmp.path(`pack-${channels}-${bitDepth}-${dither}.wav`);
          await writeFile(f, { ...base, channels, bitDepth, dither, ditherSeed: 3 }, y, 40000);
          const bytes = readFileSync(f);
          const data = bytes.subarray(bytes.indexOf("data") + 8);
          const q = new Quantizer(channels, bitDepth, dither, 3);
          const bps = bitDepth / 8;
          const want = new Uint8Array(40000 * channels * bps);
          for (let at = 0; at < 40000; at += 16384) {
            const k = Math.min(16384, 40000 - at);
            for (let c = 0; c < channels; c++) {
              const codes = q.quantize(c, y[c].subarray(at, at + k), k);
              for (let i = 0; i < k; i++)
                for (let b = 0; b < bps; b++)
                  want[((at + i) * channels + c) * bps + b] = (codes[i] >> (8 * b)) & 0xff;
            }
          }
          const where = `${channels} ch ${bitDepth}-bit ${dither}`;
          assert.equal(firstDifference(data.subarray(0, want.length), want), -1, where);
        }
      }
    }
  });

  it("dither: shaped puts at least 10 dB less error into 1–5 kHz than tpdf (measured)", async (t) => {
    const n = 32768;
    const quiet = [
      Float32Array.from({ length: n }, (_, i) => 0.001 * Math.sin((2 * Math.PI * 1000 * i) / 48000)),
    ];
    const bandDb: Record<string, number> = {};
    for (const dither of ["tpdf", "shaped"] as const) {
      const f = tmp.path(`${dither}.wav`);
      await writeFile(f, { sampleRate: 48000, channels: 1, bitDepth: 16, dither }, quiet);
      const y = (await readWholeFile(f, { maxFrames: n })).channels[0];
      const re = Float64Array.from(y, (v, i) => v - quiet[0][i]);
      const im = new Float64Array(n);
      new FFT(n).forward(re, im);
      let p = 0;
      for (let k = Math.ceil((1000 * n) / 48000); k <= (5000 * n) / 48000; k++) p += re[k] ** 2 + im[k] ** 2;
      bandDb[dither] = 10 * Math.log10(p);
    }
    const diff = bandDb.shaped - bandDb.tpdf;
    t.diagnostic(`16-bit error in 1–5 kHz, shaped vs tpdf: ${diff.toFixed(1)} dB`);
    assert.ok(diff < -10, `${diff} dB`);
  });

  it("bext and iXML: our reader and ffprobe read the fields", async () => {
    const f = tmp.path("bwf.wav");
    const bext = {
      description: "Verse vocal, take 4",
      originator: "Control Room",
      originatorReference: "CR-2026-0042",
      originationDate: "2026-11-27",
      originationTime: "21:05:30",
      timeReference: 3456000,
      codingHistory: "A=PCM,F=48000,W=24,M=stereo,T=Control Room\r\n",
    };
    const ixml = '<?xml version="1.0"?><BWFXML><PROJECT>song1</PROJECT></BWFXML>';
    await writeFile(f, { ...base, bitDepth: 24, bext, ixml }, x);
    const info = await probeAudioFile(f);
    assert.deepEqual(info.metadata.bext, {
      ...bext,
      version: 1,
      codingHistory: bext.codingHistory.trimEnd(),
    });
    assert.equal(info.metadata.ixml, ixml);
    const tags = (ffprobe(f).format as { tags: Record<string, string> }).tags;
    assert.equal(tags.comment, bext.description);
    assert.equal(tags.encoded_by, bext.originator);
    assert.equal(tags.originator_reference, bext.originatorReference);
    assert.equal(tags.date, bext.originationDate);
    assert.equal(tags.creation_time, bext.originationTime);
    assert.equal(tags.time_reference, "3456000");
  });

  it("becomes RF64 past the threshold (forced small); our reader and ffmpeg agree", async () => {
    const f = tmp.path("big.wav");
    const w = await createWavWriter(
      f,
      { ...base, bitDepth: 24, ditherSeed: 2 },
      { rf64ThresholdBytes: 100000 },
    );
    await w.write(x);
    await w.close();
    const b = readFileSync(f);
    assert.equal(b.toString("latin1", 0, 4), "RF64");
    assert.equal(b.readUInt32LE(4), 0xffffffff);
    assert.equal(b.toString("latin1", 12, 16), "ds64");
    assert.equal(b.readUInt32LE(b.indexOf("data") + 4), 0xffffffff);
    const { info, data } = await readInterleaved(f);
    assert.equal(info.format, "rf64");
    assert.equal(info.frames, 48000);
    const ref = referenceFloats(f, "s32le");
    assert.equal(ref.length, 96000);
    assert.equal(firstDifference(data, ref), -1);
    assert.equal((ffprobe(f).streams as { duration_ts: number }[])[0].duration_ts, 48000);
    // Below the threshold the same writer leaves plain RIFF with the JUNK chunk in place.
    const g = tmp.path("small.wav");
    await writeFile(g, { ...base, bitDepth: 24, ditherSeed: 2 }, x);
    assert.equal(readFileSync(g).toString("latin1", 0, 4), "RIFF");
    assert.equal(readFileSync(g).toString("latin1", 12, 16), "JUNK");
  });

  it("odd data size gets its pad byte; 6 channels are WAVE_FORMAT_EXTENSIBLE 5.1", async () => {
    const f = tmp.path("odd.wav");
    await writeFile(f, { sampleRate: 44100, channels: 1, bitDepth: 24 }, signal(1001, 1));
    assert.equal(readFileSync(f).length % 2, 0);
    assert.equal(referenceFloats(f, "s32le").length, 1001);
    const g = tmp.path("six.wav");
    await writeFile(g, { sampleRate: 48000, channels: 6, bitDepth: 24 }, signal(4800, 6));
    const stream = (ffprobe(g).streams as { channels: number; channel_layout: string }[])[0];
    assert.equal(stream.channels, 6);
    assert.equal(stream.channel_layout, "5.1");
    assert.equal((await probeAudioFile(g)).channelMask, 0x3f);
  });

  it("is atomic: nothing under the final name until close; abort leaves nothing", async () => {
    const f = tmp.path("atomic.wav");
    writeFileSync(f, "old contents");
    const w = await createAudioWriter(f, { ...base, bitDepth: 16 });
    await w.write(x);
    assert.equal(readFileSync(f, "utf8"), "old contents");
    await w.close();
    assert.equal((await probeAudioFile(f)).frames, 48000);
    const before = readdirSync(tmp.dir).sort();
    const g = tmp.path("aborted.wav");
    const v = await createAudioWriter(g, { ...base, bitDepth: 24 });
    await v.write(x);
    await v.abort();
    await v.abort();
    assert.equal(existsSync(g), false);
    assert.deepEqual(readdirSync(tmp.dir).sort(), before);
  });

  it("bad options and writes are named", async () => {
    const f = tmp.path("bad.wav");
    const cases: [Partial<AudioWriterOptions>, RegExp][] = [
      [{ bitDepth: 20 as 16 }, /bitDepth must be 16, 24, 32, got 20/],
      [{ channels: 0 }, /channels must be a whole number between 1 and 64, got 0/],
      [{ sampleRate: 44100.5 }, /sampleRate must be a whole number/],
      [{ bext: { originationDate: "27/11/2026" } }, /bext.originationDate must be yyyy-mm-dd/],
      [{ bext: { originator: "x".repeat(40) } }, /bext.originator is 40 characters, at most 32/],
    ];
    for (const [o, re] of cases) {
      await assert.rejects(createAudioWriter(f, { ...base, bitDepth: 16, ...o }), (e: unknown) => {
        assert.ok(e instanceof AudioFileError);
        assert.match(e.message, re);
        return true;
      });
    }
    await assert.rejects(
      createAudioWriter(tmp.path("x.mp3"), { ...base, bitDepth: 16 }),
      /extension ".mp3"; use .wav or .flac/,
    );
    await assert.rejects(
      createAudioWriter(tmp.path("no/such/dir/x.wav"), { ...base, bitDepth: 16 }),
      /folder .* does not exist/,
    );
    const w = await createAudioWriter(f, { ...base, bitDepth: 16 });
    await assert.rejects(w.write([x[0]]), /write: got 1 channels, the file has 2/);
    const nan = x.map((c) => c.slice(0, 10));
    nan[1][7] = Number.NaN;
    await assert.rejects(w.write(nan), /channel 1 sample 7 is NaN/);
    await w.abort();
    assert.equal(existsSync(f), false);
  });

  it("writes with an explicit format whatever the extension", async () => {
    const f = tmp.path("take.audio");
    await writeFile(f, { ...base, bitDepth: 16, format: "wav" }, x);
    const r = await openAudioFile(f);
    assert.equal(r.info.format, "wav");
    await r.close();
  });
});
