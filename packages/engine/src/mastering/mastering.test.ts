import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseChain } from "../dsp/chain.ts";
import { eqResponse } from "../dsp/eq/eq.ts";
import { albumLoudness, albumSongTargets, cueSheet, cueTime, normaliseIsrc, sequenceAlbum } from "./album.ts";
import { limitSegment, MasteringRefusal, masterAudio, runChain, serialLimiter } from "./master.ts";
import { designMatchEq } from "./match-eq.ts";
import { longTermSpectrum, sideToMidRatio, spectralDistanceDb, tonalDifference } from "./spectrum.ts";
import { playbackGainDb, TARGETS, targetByName } from "./targets.ts";

const fs = 48000;

/** Deterministic white noise (xorshift), ±amp uniform. */
function noise(n: number, amp: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    x[i] = ((s >>> 0) / 4294967296 - 0.5) * 2 * amp;
  }
  return x;
}

describe("targets", () => {
  test("every preset has a source, a ceiling ≤ 0 and a loudness (or none for CD)", () => {
    for (const t of Object.values(TARGETS)) {
      assert.ok(t.source.length > 10, t.name);
      assert.ok(t.ceilingDbtp <= 0);
      assert.ok(t.lufs === null ? t.name === "cd" : t.lufs <= -8 && t.lufs >= -24);
    }
    assert.throws(() => targetByName("spotfy"), /unknown preset "spotfy" \(known: spotify, apple/);
  });

  test("playback gain: down always; up only when allowed, limited by peak headroom", () => {
    const sp = TARGETS.spotify;
    assert.equal(playbackGainDb(sp, -8, -0.1), -6);
    assert.equal(playbackGainDb(sp, -20, -6), 5); // +6 wanted, true peak may rise to −1 only
    assert.equal(playbackGainDb(sp, -20, -10), 6);
    assert.equal(playbackGainDb(TARGETS.youtube, -20, -10), 0);
    assert.equal(playbackGainDb(TARGETS["ebu-r128"], -8, -1), 0);
  });
});

describe("long-term spectrum", () => {
  test("white noise is flat within 2 dB over 100 Hz … 16 kHz; a sine peaks at its frequency", () => {
    const w = longTermSpectrum([noise(fs * 10, 0.5)], fs);
    const band = w.db.filter((_, i) => w.freqs[i] >= 100 && w.freqs[i] <= 16000);
    // 1/3-octave smoothing of a flat power spectrum density: the mean per bin is flat.
    assert.ok(Math.max(...band) - Math.min(...band) < 2, `${Math.max(...band) - Math.min(...band)} dB`);
    const sine = Float32Array.from(
      { length: fs * 4 },
      (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / fs),
    );
    const s = longTermSpectrum([sine], fs);
    const peak = s.freqs[s.db.indexOf(Math.max(...s.db))];
    // A line averaged over ±1/6 octave: every grid point within that reach sees it, the lower ones (fewer
    // bins in their window) a little more, so the smoothed peak sits within the half-width below 1 kHz.
    assert.ok(Math.abs(Math.log2(peak / 1000)) <= 1 / 6, `peak at ${peak} Hz`);
  });

  test("spectral distance: 0 for a level change, ~the tilt for a shelved copy", () => {
    const x = noise(fs * 8, 0.3);
    const a = longTermSpectrum([x], fs);
    const b = longTermSpectrum([x.map((v) => v * 0.25)], fs);
    assert.ok(spectralDistanceDb(a, b) < 0.01);
    const shelf = runChain(
      parseChain([{ type: "eq", bands: [{ kind: "highshelf", freq: 2000, gainDb: 6 }] }], {
        sampleRate: fs,
        channels: 1,
      }),
      [x],
    );
    const c = longTermSpectrum(shelf, fs);
    const d = tonalDifference(a, c);
    const at = (f: number) => d[a.freqs.findIndex((g) => g >= f)];
    assert.ok(Math.abs(at(10000) - at(100) - 6) < 0.5, `${at(10000) - at(100)} dB`);
  });

  test("side-to-mid ratio: 0 for mono, 1 for independent channels, Infinity-like for anti-phase", () => {
    const x = noise(fs, 0.3, 3);
    assert.equal(sideToMidRatio([x, x]), 0);
    const r = sideToMidRatio([x, noise(fs, 0.3, 9)]) ?? 0;
    assert.ok(Math.abs(r - 1) < 0.02, `${r}`);
    assert.equal(sideToMidRatio([x]), null);
  });
});

describe("match EQ", () => {
  test("recovers a known tonal difference within 0.75 dB (100 Hz … 12 kHz) at full strength", () => {
    const x = noise(fs * 8, 0.3, 5);
    const tilt = [
      { kind: "lowshelf" as const, freq: 200, gainDb: -3 },
      { kind: "peak" as const, freq: 3000, gainDb: 4, q: 1 },
    ];
    const y = runChain(parseChain([{ type: "eq", bands: tilt }], { sampleRate: fs, channels: 1 }), [x]);
    const a = longTermSpectrum([x], fs);
    const b = longTermSpectrum(y, fs);
    const eq = designMatchEq(a, b, { sampleRate: fs, strength: 1 });
    // Compare shapes after removing the mean (the match is level-free).
    const fr = a.freqs.filter((f) => f >= 100 && f <= 12000);
    const want = fr.map((f) => eqResponse(tilt, f, fs).db);
    const got = fr.map((f) => eqResponse(eq.bands, f, fs).db);
    const mw = want.reduce((s, v) => s + v, 0) / want.length;
    const mg = got.reduce((s, v) => s + v, 0) / got.length;
    const err = Math.max(...fr.map((_, i) => Math.abs(want[i] - mw - (got[i] - mg))));
    assert.ok(err < 0.75, `largest error ${err.toFixed(2)} dB`);
  });

  test("boosts and cuts are limited to maxGainDb", () => {
    const x = noise(fs * 4, 0.3, 6);
    const y = runChain(
      parseChain([{ type: "eq", bands: [{ kind: "highshelf", freq: 3000, gainDb: 20 }] }], {
        sampleRate: fs,
        channels: 1,
      }),
      [x],
    );
    const eq = designMatchEq(longTermSpectrum([x], fs), longTermSpectrum(y, fs), {
      sampleRate: fs,
      maxGainDb: 4,
    });
    for (const b of eq.bands) assert.ok(Math.abs(b.gainDb ?? 0) <= 4);
  });
});

describe("masterAudio", () => {
  test("lands on the target and under the ceiling; pieces limited separately join exactly", async () => {
    // Noise with a slow level swing (a "song" with loud and quiet parts), stereo.
    const n = fs * 6;
    const env = (i: number) => 0.2 + 0.15 * Math.sin((2 * Math.PI * i) / (fs * 3));
    const l = noise(n, 1, 11).map((v, i) => v * env(i));
    const r = noise(n, 1, 12).map((v, i) => v * env(i));
    const m = await masterAudio([l, r], { sampleRate: fs, targetLufs: -12, ceilingDbtp: -1 });
    assert.ok(Math.abs(m.after.integratedLufs - -12) <= 0.5, `${m.after.integratedLufs}`);
    assert.ok(m.after.truePeakDbtp <= -1, `${m.after.truePeakDbtp}`);
    assert.equal(m.chain.at(-1)?.type, "limiter");
    // The same limiter run as two pieces with a 1 s warm-up equals the one-piece run.
    const lim = m.chain.at(-1) as { type: string; gainDb: number };
    const { gainDb, ...limiter } = lim;
    const pre = [l, r];
    const one = [new Float32Array(n), new Float32Array(n)];
    serialLimiter.run(pre, gainDb, limiter, one, fs);
    const two = [new Float32Array(n), new Float32Array(n)];
    limitSegment(pre, gainDb, limiter, two, fs, 0, n / 2, fs);
    limitSegment(pre, gainDb, limiter, two, fs, n / 2, n, fs);
    let d = 0;
    for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(one[c][i] - two[c][i]));
    assert.ok(d < 1e-6, `pieces differ by ${d}`);
  });

  test("refuses a target that needs more limiting than allowed, saying what is reachable", async () => {
    const x = noise(fs * 3, 0.1, 21);
    await assert.rejects(
      masterAudio([x], { sampleRate: fs, targetLufs: -5, ceilingDbtp: -1, maxLimitingDb: 2 }),
      (e: unknown) =>
        e instanceof MasteringRefusal &&
        e.maxLimitingDb === 2 &&
        e.neededLimitingDb > 2 &&
        e.reachableLufs < -5,
    );
  });

  test("bad settings are one clear error each", async () => {
    const x = noise(fs, 0.1);
    await assert.rejects(
      masterAudio([x], { sampleRate: fs, targetLufs: 3, ceilingDbtp: -1 }),
      /targetLufs: must be between -40 and -3, got 3/,
    );
    await assert.rejects(
      masterAudio([x.subarray(0, 100)], { sampleRate: fs, targetLufs: -14, ceilingDbtp: -1 }),
      /at least 0.5 s/,
    );
    await assert.rejects(
      masterAudio([new Float32Array(fs)], { sampleRate: fs, targetLufs: -14, ceilingDbtp: -1 }),
      /silent/,
    );
  });
});

describe("album", () => {
  test("album loudness is the length-weighted energy mean; song targets keep the differences", () => {
    const songs = [
      { lufs: -10, durationSeconds: 100 },
      { lufs: -20, durationSeconds: 100 },
    ];
    // 10·log10((10^-1 + 10^-2)/2) = −12.596
    assert.ok(Math.abs(albumLoudness(songs) - -12.596) < 0.001);
    const t = albumSongTargets(songs, -14);
    assert.ok(Math.abs(t[0] - t[1] - 10) < 1e-9);
    assert.ok(Math.abs(albumLoudness(songs.map((s, i) => ({ ...s, lufs: t[i] }))) - -14) < 1e-9);
  });

  test("sequencing: gaps snapped to CD frames, equal-power crossfades, CUE times", () => {
    const a = [new Float32Array(44100).fill(0.5)];
    const b = [new Float32Array(44100).fill(0.5)];
    const g = sequenceAlbum([a, b], 44100, [{ gapSeconds: 1 }]);
    assert.deepEqual(
      g.tracks.map((t) => t.startSample),
      [0, 88200],
    );
    assert.equal(g.channels[0].length, 88200 + 44100);
    const x = sequenceAlbum([a, b], 44100, [{ crossfadeSeconds: 0.2 }]);
    assert.equal(x.tracks[1].startSample, 44100 - 8820);
    // In the middle of the crossfade the gains are sin(π/4) and cos(π/4): the sum of two 0.5 levels is 0.707.
    const mid = x.tracks[1].startSample + 4410;
    assert.ok(Math.abs(x.channels[0][mid] - 0.5 * Math.SQRT2) < 1e-3, `${x.channels[0][mid]}`);
    assert.equal(cueTime(44100 * 61 + 588 * 5, 44100), "01:01:05");
    assert.equal(normaliseIsrc("us-rc1-76-07839"), "USRC17607839");
    assert.throws(() => normaliseIsrc("XX"), /isrc: "XX" is not an ISRC/);
    const cue = cueSheet({
      file: "a.wav",
      sampleRate: 44100,
      tracks: [{ startSample: 0, isrc: "USRC17607839" }],
    });
    assert.equal(
      cue,
      'FILE "a.wav" WAVE\r\n  TRACK 01 AUDIO\r\n    ISRC USRC17607839\r\n    INDEX 01 00:00:00\r\n',
    );
  });
});
