import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertJsonRoundTrip,
  noise,
  sine,
} from "../space/harness.test.ts";
import type { EqBand } from "./band.ts";
import { Eq, eqSections } from "./eq.ts";
import { cascadeMagnitude, designLinearPhase } from "./linear-phase.ts";
import { impulseResponse, spectrum, toDb } from "./measure.test.ts";

const MASTER: EqBand[] = [
  { kind: "highpass", freq: 80, slope: 24 },
  { kind: "peak", freq: 3000, gainDb: 3, q: 1 },
  { kind: "highshelf", freq: 10000, gainDb: 2 },
];
const STEEP: EqBand[] = [
  { kind: "highpass", freq: 30, slope: 48 },
  { kind: "peak", freq: 100, gainDb: 9, q: 6 },
  { kind: "lowshelf", freq: 60, gainDb: -4 },
  { kind: "lowpass", freq: 18000, slope: 24, response: "linkwitz-riley" },
];

describe("eq (linear phase)", () => {
  for (const fs of [44100, 48000, 96000]) {
    test(`symmetric impulse at the reported latency, magnitude ±0.1 dB of minimum phase above 30 Hz, ${fs} Hz`, () => {
      for (const bands of [MASTER, STEEP]) {
        const p = new Eq({ sampleRate: fs, channels: 1 }, { bands, mode: "linear" });
        const lat = p.latency;
        const half = (p.designFir().length - 1) / 2;
        const n = 1 << Math.ceil(Math.log2(2 * lat + 2));
        const h = impulseResponse(p, n);
        // Linear phase: h[lat + k] = h[lat − k]; nothing before the filter starts.
        let peak = 0;
        for (let i = 0; i < n; i++) if (Math.abs(h[i]) > Math.abs(h[peak])) peak = i;
        assert.equal(peak, lat, "largest tap at the reported latency");
        let asym = 0;
        for (let k = 1; k <= half; k++) asym = Math.max(asym, Math.abs(h[lat + k] - h[lat - k]));
        assert.ok(asym < 1e-6, `asymmetry ${asym}`);
        for (let i = 0; i < lat - half; i++) assert.ok(Math.abs(h[i]) < 1e-9, `pre-ring at ${i}`);
        // Magnitude against the minimum-phase design; phase zero once the latency is removed.
        const { re, im } = spectrum(h, n);
        const secs = eqSections(bands, fs);
        let worst = 0;
        let worstPhase = 0;
        for (let k = 1; k < n / 2; k += 3) {
          const f = (k * fs) / n;
          if (f < 30) continue;
          const want = cascadeMagnitude(secs, (2 * Math.PI * k) / n);
          if (toDb(want) < -60) continue;
          worst = Math.max(worst, Math.abs(toDb(Math.hypot(re[k], im[k])) - toDb(want)));
          if (toDb(want) > -40) {
            const w = (2 * Math.PI * k * lat) / n;
            const ph = Math.atan2(im[k], re[k]) + w;
            worstPhase = Math.max(worstPhase, Math.abs(Math.atan2(Math.sin(ph), Math.cos(ph))));
          }
        }
        assert.ok(worst < 0.1, `magnitude error ${worst} dB`);
        assert.ok(worstPhase < 1e-3, `phase error ${worstPhase} rad`);
      }
    });
  }

  test("a sine comes out delayed by exactly the reported latency, scaled by the design magnitude", () => {
    const fs = 48000;
    const p = new Eq({ sampleRate: fs, channels: 2 }, { bands: MASTER, mode: "linear" });
    const lat = p.latency;
    const f = 3000;
    const x = sine(lat + 20000, f, fs, 0.5);
    const out = [new Float32Array(x.length), new Float32Array(x.length)];
    p.process([x, x], out);
    const g = cascadeMagnitude(eqSections(MASTER, fs), (2 * Math.PI * f) / fs);
    let err = 0;
    for (let i = lat + 17000; i < x.length; i++) err = Math.max(err, Math.abs(out[1][i] - g * x[i - lat]));
    assert.ok(err < 1e-4, `error ${err}`);
  });

  test("design taps are exactly symmetric", () => {
    const h = designLinearPhase(eqSections(STEEP, 48000), 1023);
    for (let i = 0; i < 511; i++) assert.equal(h[i], h[1022 - i]);
  });

  test("block-size independent, bypass nulls at the latency, JSON round trip", () => {
    const ctx = { sampleRate: 48000, channels: 3 };
    const input = [noise(45000, 1, 0.5), noise(45000, 2, 0.5), noise(45000, 3, 0.5)];
    assertBlockIndependent(() => new Eq(ctx, { bands: MASTER, mode: "linear" }), input);
    assertBypassNull(new Eq(ctx, { bands: MASTER, mode: "linear" }), input);
    assertJsonRoundTrip(new Eq(ctx, { bands: MASTER, mode: "linear" }), (j) => new Eq(ctx, j), input);
  });

  test("band changes crossfade without clicks; mode changes hand over without clicks", () => {
    const fs = 48000;
    const p = new Eq({ sampleRate: fs, channels: 1 }, { bands: MASTER, mode: "linear" });
    const lat = p.latency;
    const n = 3 * lat;
    const x = sine(n, 200, fs, 0.5);
    const y = new Float32Array(n);
    const cuts = [lat + 1000, lat + 7777, 2 * lat];
    let pos = 0;
    for (const [i, cut] of cuts.entries()) {
      p.process([x.subarray(pos, cut)], [y.subarray(pos, cut)]);
      pos = cut;
      if (i === 0) p.setParams({ bands: [{ kind: "peak", freq: 200, gainDb: 12, q: 1 }] });
      if (i === 1) p.setParams({ mode: "minimum" });
    }
    p.process([x.subarray(pos)], [y.subarray(pos)]);
    // Largest step of a 200 Hz sine of amplitude ≤ 0.5·4 (+12 dB): 2·2·sin(π·200/fs).
    const bound = 2 * 2 * Math.sin((Math.PI * 200) / fs);
    let jump = 0;
    for (let i = lat + 1000; i < n; i++) jump = Math.max(jump, Math.abs(y[i] - y[i - 1]));
    assert.ok(jump < 1.05 * bound, `jump ${jump} vs ${bound}`);
    assert.equal(p.latency, 0);
  });
});
