import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openAudioFile, probeAudioFile } from "./open.ts";
import {
  CORPUS,
  ffmpeg,
  firstDifference,
  hasCorpus,
  NO_CORPUS,
  readInterleaved,
  referenceFloats,
  synthFlac,
  tempFolder,
} from "./test-support.ts";

const tmp = tempFolder("compressed-reader");
after(() => tmp.remove());

describe("FLAC reader", () => {
  // Made here: a 10 s mono take and a 64 s stereo "stem" (24-bit pink noise: every bit in use).
  const take = synthFlac(tmp.path("take.flac"), { seconds: 10, seed: 7 });
  const stem = synthFlac(tmp.path("stem.flac"), { seconds: 64, channels: 2, seed: 11 });
  const files = [take, stem];
  // And the corpus's real takes and a stem, when the corpus is there.
  if (hasCorpus()) {
    files.push(
      ...readdirSync(join(CORPUS, "takes"))
        .filter((f) => f.endsWith(".flac"))
        .map((f) => join(CORPUS, "takes", f)),
      join(CORPUS, "song1", "keys.flac"),
    );
  } else {
    it("the corpus's takes and stems: bit-exact against ffmpeg", { skip: NO_CORPUS }, () => {});
  }
  for (const f of files) {
    const name = f.startsWith(CORPUS) ? f.slice(CORPUS.length + 1) : f.slice(tmp.dir.length + 1);
    it(`${name}: bit-exact against ffmpeg, same sample count`, async () => {
      const want = referenceFloats(f, "s32le");
      const { info, data } = await readInterleaved(f, 65536);
      assert.equal(info.format, "flac");
      assert.equal(info.bitDepth, 24);
      assert.equal(info.sampleRate, 48000);
      assert.equal(info.frames, data.length / info.channels);
      assert.equal(data.length, want.length);
      assert.equal(firstDifference(data, want), -1);
      assert.deepEqual(info.warnings, []);
    });
  }

  it("reads 16-bit FLAC and Vorbis comments", async () => {
    const f = tmp.path("tags.flac");
    ffmpeg([
      ...["-f", "lavfi", "-i", "anoisesrc=d=0.5:c=pink:a=0.3:seed=3:r=44100"],
      ...[
        "-c:a",
        "flac",
        "-sample_fmt",
        "s16",
        "-metadata",
        "title=Late at night",
        "-metadata",
        "ARTIST=Corpus",
      ],
      f,
    ]);
    const info = await probeAudioFile(f);
    assert.equal(info.bitDepth, 16);
    assert.equal(info.frames, 22050);
    assert.equal(info.metadata.tags?.title, "Late at night");
    assert.equal(info.metadata.tags?.artist, "Corpus");
    const { data } = await readInterleaved(f);
    assert.equal(firstDifference(data, referenceFloats(f, "s32le")), -1);
  });

  it("seeks exactly forwards and backwards (decode and discard, reopen)", async () => {
    const f = take;
    const want = referenceFloats(f, "s32le");
    const r = await openAudioFile(f);
    for (const at of [300000, 1234, 479990, 0, 250001]) {
      await r.seek(at);
      const b = await r.read(1000);
      assert.ok(b);
      const n = Math.min(1000, 480000 - at);
      assert.equal(b[0].length, n);
      assert.equal(firstDifference(b[0], want.subarray(at, at + n)), -1, `at ${at}`);
    }
    await r.seek(480000);
    assert.equal(await r.read(1), null);
    await r.close();
  });

  it("reads of any size, small and larger than a decoder step, hand out the right frames (queue reuse)", async () => {
    const f = stem;
    const want = referenceFloats(f, "s32le"); // interleaved stereo
    const r = await openAudioFile(f);
    let at = 0;
    let seed = 3;
    for (let k = 0; k < 400 && at < 64 * 48000; k++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      // Mostly render-block sizes, now and then far more than one decoder step gives (up to 5 s).
      const n = k % 17 === 5 ? 240000 : 1 + (seed % 9000);
      if (k === 200) {
        at -= 12345; // a step back: the queue starts over from a reopened decoder
        await r.seek(at);
      }
      const b = await r.read(n);
      assert.ok(b, `read ${k} at ${at}`);
      const m = b[0].length;
      for (let i = 0; i < m; i += 997) {
        assert.equal(b[0][i], want[2 * (at + i)], `read ${k}: frame ${at + i} left`);
        assert.equal(b[1][i], want[2 * (at + i) + 1], `read ${k}: frame ${at + i} right`);
      }
      assert.equal(b[0][m - 1], want[2 * (at + m - 1)], `read ${k}: last frame`);
      at += m;
    }
    await r.close();
  });

  it("random seeks in a 64 s stereo stem are exact (frame located by bisection over headers)", async (t) => {
    const f = stem;
    const want = referenceFloats(f, "s32le");
    const r = await openAudioFile(f);
    let seed = 17;
    const started = process.hrtime.bigint();
    const spots = [3071999, 0, 4608, 4607, 2000000, 1999999];
    for (let k = 0; k < 24; k++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      spots.push(seed % 3072000);
    }
    for (const at of spots) {
      await r.seek(at);
      const b = await r.read(3000);
      assert.ok(b, `at ${at}`);
      const n = Math.min(3000, 3072000 - at);
      assert.equal(b[0].length, n);
      for (let i = 0; i < n; i++) {
        if (b[0][i] !== want[(at + i) * 2] || b[1][i] !== want[(at + i) * 2 + 1]) {
          assert.fail(`seek to ${at}: frame ${at + i} differs`);
        }
      }
    }
    await r.close();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    t.diagnostic(`${spots.length} seeks + reads of 3000 frames: ${(ms / spots.length).toFixed(1)} ms each`);
  });

  it("a FLAC with an ID3 tag in front is still read as FLAC, exactly", async () => {
    const src = take;
    const frame = Buffer.concat([Buffer.from("TIT2\0\0\0\x06\0\0\0Hello", "latin1")]);
    const id3 = Buffer.concat([
      Buffer.from("ID3\x03\0\0\0\0\0", "latin1"),
      Buffer.from([frame.length]),
      frame,
    ]);
    const f = tmp.path("id3.flac");
    writeFileSync(f, Buffer.concat([id3, readFileSync(src)]));
    const { info, data } = await readInterleaved(f, 65536);
    assert.equal(info.format, "flac");
    assert.equal(firstDifference(data, referenceFloats(src, "s32le")), -1);
  });

  it("a truncated FLAC gives what is there and a warning, no hang", async () => {
    const src = readFileSync(take);
    const f = tmp.path("cut.flac");
    writeFileSync(f, src.subarray(0, src.length >> 1));
    const { info, data } = await readInterleaved(f, 65536);
    assert.ok(data.length > 100000 && data.length < 480000, `${data.length} frames`);
    assert.match(info.warnings.join(), /file ends early: decoded \d+ of 480000 frames/);
  });
});

/** Pearson correlation of `a` with `b` shifted by `lag` samples. */
function correlation(a: Float32Array, b: Float32Array, lag: number): number {
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
    const x = a[i];
    const y = b[i + lag];
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("lossy readers (MP3, Ogg Vorbis)", () => {
  // A band-limited test signal that lossy codecs keep well: two tones and a sweep, 2 s mono, 44.1 kHz.
  const wav = tmp.path("lossy-src.wav");
  const expr = "0.3*sin(2*PI*440*t)+0.2*sin(2*PI*1250*t)+0.2*sin(2*PI*(200+400*t)*t)";
  const cases: [string, string[], string][] = [
    ["mp3", ["-c:a", "libmp3lame", "-b:a", "192k", "-metadata", "title=Hook"], "mp3"],
    ["ogg", ["-c:a", "libvorbis", "-q:a", "6", "-metadata", "title=Hook"], "vorbis"],
  ];
  for (const [ext, args, codec] of cases) {
    it(`${ext}: right length, correlation > 0.99 with the source, tags, exact seek`, async (t) => {
      ffmpeg(["-f", "lavfi", "-i", `aevalsrc=${expr}:s=44100:d=2`, "-c:a", "pcm_f32le", wav]);
      const f = tmp.path(`x.${ext}`);
      ffmpeg(["-i", wav, ...args, f]);
      const src = (await readInterleaved(wav)).data;
      const { info, data } = await readInterleaved(f, 4096);
      assert.equal(info.format, ext);
      assert.equal(info.codec, codec);
      assert.equal(info.channels, 1);
      assert.equal(info.sampleRate, 44100);
      assert.equal(info.metadata.tags?.title, "Hook");
      // Gapless decoding: the encoder delay and padding are removed, so the length matches the source.
      assert.ok(Math.abs(data.length - 88200) <= 1152, `decoded ${data.length} frames, source 88200`);
      if (info.frames !== null) assert.equal(info.frames, data.length);
      let best = { lag: 0, r: -1 };
      for (let lag = -1200; lag <= 1200; lag++) {
        const r = correlation(src, data, lag);
        if (r > best.r) best = { lag, r };
      }
      t.diagnostic(
        `${ext}: ${data.length} frames (source 88200, header ${info.frames}), correlation ${best.r.toFixed(5)} at lag ${best.lag}`,
      );
      assert.ok(best.r > 0.99, `correlation ${best.r} at lag ${best.lag}`);
      // ffmpeg's own decode for the same file agrees on length.
      const ref = referenceFloats(f, "f32le");
      assert.ok(Math.abs(ref.length - data.length) <= 1152, `ffmpeg ${ref.length}, ours ${data.length}`);

      const r = await openAudioFile(f);
      await r.seek(50000);
      const b1 = Float32Array.from((await r.read(500))![0]);
      await r.seek(100);
      await r.seek(50000);
      const b2 = (await r.read(500))![0];
      assert.deepEqual(b2, b1);
      assert.deepEqual(b1, data.subarray(50000, 50500));
      await r.close();
    });
  }
});

describe("corrupt compressed data", () => {
  it("damaged FLAC/MP3/Ogg: an AudioFileError or what decodes plus warnings; never NaN, a hang or another error", async () => {
    const wav = tmp.path("fuzz-src.wav");
    ffmpeg(["-f", "lavfi", "-i", "anoisesrc=d=1:c=pink:a=0.3:seed=5:r=44100", "-c:a", "pcm_s16le", wav]);
    const sources = ["flac", "mp3", "ogg"].map((ext) => {
      const f = tmp.path(`fuzz-src.${ext}`);
      ffmpeg([
        "-i",
        wav,
        ...(ext === "ogg" ? ["-c:a", "libvorbis"] : ext === "mp3" ? ["-c:a", "libmp3lame"] : []),
        f,
      ]);
      return f;
    });
    let seed = 99;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let outcomes = 0;
    for (const src of sources) {
      const orig = readFileSync(src);
      for (let trial = 0; trial < 6; trial++) {
        const b = Buffer.from(orig);
        if (trial % 2 === 0)
          for (let k = 0; k < 40; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        else b.fill(0, Math.floor(rnd() * b.length * 0.8), Math.floor(b.length * 0.9));
        const f = tmp.path(`fuzz-${trial}${src.slice(src.lastIndexOf("."))}`);
        writeFileSync(f, b);
        try {
          const { info, data } = await readInterleaved(f, 65536);
          assert.ok(data.every(Number.isFinite), `${f}: non-finite samples`);
          if (data.length < 44100 * info.channels)
            assert.ok(info.warnings.length > 0, `${f}: short without a warning`);
        } catch (e) {
          assert.equal((e as Error).name, "AudioFileError", `${f}: ${e}`);
        }
        outcomes++;
      }
    }
    assert.equal(outcomes, 18);
  });
});
