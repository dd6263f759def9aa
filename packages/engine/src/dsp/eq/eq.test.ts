import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ParamError } from "../../core/params.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  noise,
  renderBlocks,
  sine,
} from "../space/harness.test.ts";
import type { EqBand } from "./band.ts";
import { butterworthSections, linkwitzRileySumSign } from "./design.ts";
import { Eq, type EqParams, eqSections } from "./eq.ts";
import {
  butterworthPower,
  impulseResponse,
  logBins,
  phaseDiff,
  rbjAnalog,
  spectrum,
  toDb,
} from "./measure.test.ts";
import { SectionChain } from "./section-chain.ts";

const RATES = [44100, 48000, 96000];
const N = 65536;

/** Single-band cases: kind, f0, q, gain. */
const CASES: [EqBand["kind"], number, number, number][] = [
  ["peak", 1000, 2, 6],
  ["peak", 200, 0.5, -12],
  ["peak", 6000, 8, 15],
  ["lowshelf", 150, Math.SQRT1_2, 6],
  ["lowshelf", 400, 1.2, -9],
  ["highshelf", 8000, Math.SQRT1_2, -4],
  ["highshelf", 3000, 0.5, 10],
  ["lowpass", 5000, Math.SQRT1_2, 0],
  ["highpass", 300, 2, 0],
  ["bandpass", 2000, 3, 0],
  ["notch", 1000, 5, 0],
  ["allpass", 700, 1, 0],
];

function bandOf(kind: EqBand["kind"], freq: number, q: number, gainDb: number): EqBand {
  const b: EqBand = { kind, freq, q };
  if (kind === "peak" || kind.endsWith("shelf")) b.gainDb = gainDb;
  return b;
}

describe("eq (minimum phase)", () => {
  for (const fs of RATES) {
    test(`each kind matches the RBJ transfer function in magnitude and phase at ${fs} Hz`, () => {
      for (const [kind, f0, q, g] of CASES) {
        const p = new Eq({ sampleRate: fs, channels: 1 }, { bands: [bandOf(kind, f0, q, g)] });
        const { re, im } = spectrum(impulseResponse(p, N), N);
        let worstDb = 0;
        let worstPhase = 0;
        for (const k of logBins(80, 20, 0.45 * fs, N, fs)) {
          const f = (k * fs) / N;
          const [hr, hi] = rbjAnalog(kind, f, fs, f0, q, g);
          const want = Math.hypot(hr, hi);
          const got = Math.hypot(re[k], im[k]);
          // The notch has a true zero: compare where the response is above −60 dB.
          if (want < 1e-3) continue;
          worstDb = Math.max(worstDb, Math.abs(toDb(got) - toDb(want)));
          worstPhase = Math.max(
            worstPhase,
            Math.abs(phaseDiff(Math.atan2(im[k], re[k]), Math.atan2(hi, hr))),
          );
        }
        assert.ok(worstDb < 0.01, `${kind} ${f0} Hz: magnitude error ${worstDb} dB`);
        assert.ok(worstPhase < 1e-3, `${kind} ${f0} Hz: phase error ${worstPhase} rad`);
      }
    });
  }

  test("several bands multiply: the response is the product of the bands'", () => {
    const fs = 48000;
    const bands: EqBand[] = [
      { kind: "highpass", freq: 80, q: 0.9 },
      { kind: "peak", freq: 3000, gainDb: 3, q: 1 },
      { kind: "highshelf", freq: 10000, gainDb: 2 },
      { kind: "lowshelf", freq: 120, gainDb: -2, q: 0.6 },
    ];
    const p = new Eq({ sampleRate: fs, channels: 2 }, { bands });
    const { re, im } = spectrum(impulseResponse(p, N, 1), N);
    for (const k of logBins(60, 30, 20000, N, fs)) {
      const f = (k * fs) / N;
      let mag = 1;
      let ph = 0;
      for (const b of bands) {
        const [hr, hi] = rbjAnalog(b.kind, f, fs, b.freq, b.q ?? Math.SQRT1_2, b.gainDb ?? 0);
        mag *= Math.hypot(hr, hi);
        ph += Math.atan2(hi, hr);
      }
      assert.ok(Math.abs(toDb(Math.hypot(re[k], im[k])) - toDb(mag)) < 0.01, `${f} Hz`);
      assert.ok(Math.abs(phaseDiff(Math.atan2(im[k], re[k]), ph)) < 1e-3, `${f} Hz phase`);
    }
  });

  for (const fs of RATES) {
    test(`Butterworth cascades: −3.01 dB at the corner and the Butterworth curve, 6…48 dB/oct, at ${fs} Hz`, () => {
      for (const kind of ["highpass", "lowpass"] as const) {
        for (const slope of [6, 12, 18, 24, 36, 48] as const) {
          const f0 = kind === "highpass" ? 500 : 4000;
          const p = new Eq({ sampleRate: fs, channels: 1 }, { bands: [{ kind, freq: f0, slope }] });
          const h = impulseResponse(p, N);
          // The corner on an exact bin: a DFT of the impulse response at f0.
          let cr = 0;
          let ci = 0;
          for (let i = 0; i < N; i++) {
            cr += h[i] * Math.cos((2 * Math.PI * f0 * i) / fs);
            ci -= h[i] * Math.sin((2 * Math.PI * f0 * i) / fs);
          }
          const corner = toDb(Math.hypot(cr, ci));
          assert.ok(Math.abs(corner + 3.0103) < 0.01, `${kind} ${slope}: ${corner} dB at the corner`);
          const { re, im } = spectrum(h, N);
          const order = slope / 6;
          for (const k of logBins(50, 20, 0.45 * fs, N, fs)) {
            const f = (k * fs) / N;
            const want = 10 * Math.log10(butterworthPower(kind, order, f, fs, f0));
            // Below −80 dB the 32-bit output's rounding shows; the 64-bit slope test covers the stop band.
            if (want < -80) continue;
            const got = toDb(Math.hypot(re[k], im[k]));
            assert.ok(Math.abs(got - want) < 0.01, `${kind} ${slope} at ${f} Hz: ${got} vs ${want} dB`);
          }
        }
      }
    });
  }

  test("Butterworth asymptotic slope is 6.02 dB/oct per order (64-bit cascade)", () => {
    const fs = 48000;
    const f0 = 1000;
    for (let order = 1; order <= 8; order++) {
      const chain = new SectionChain(1, 4, fs);
      chain.setSections(butterworthSections("lowpass", order, fs, f0), true);
      const n = 1 << 16;
      const x = new Float64Array(n);
      x[0] = 1;
      chain.run([x], n);
      // Measure an octave in the stop band where the "1 +" of |H|² = 1/(1 + Ω^2n) is < 0.01 dB, in analog
      // (pre-warped) frequency: Ω and 2Ω.
      const omega = 1.1 * 0.0023 ** (-1 / (2 * order));
      const warp = (o: number) => (fs / Math.PI) * Math.atan(o * Math.tan((Math.PI * f0) / fs));
      const dft = (f: number) => {
        let r = 0;
        let i2 = 0;
        for (let i = 0; i < n; i++) {
          r += x[i] * Math.cos((2 * Math.PI * f * i) / fs);
          i2 -= x[i] * Math.sin((2 * Math.PI * f * i) / fs);
        }
        return toDb(Math.hypot(r, i2));
      };
      const drop = dft(warp(omega)) - dft(warp(2 * omega));
      assert.ok(Math.abs(drop - 6.0206 * order) < 0.05, `order ${order}: ${drop} dB per octave`);
    }
  });

  for (const fs of RATES) {
    test(`Linkwitz-Riley: −6.02 dB at the corner, lowpass + highpass sum flat (±0.01 dB) at ${fs} Hz`, () => {
      for (const slope of [12, 24, 48] as const) {
        const f0 = 1200;
        const mk = (kind: "lowpass" | "highpass") =>
          new Eq(
            { sampleRate: fs, channels: 1 },
            { bands: [{ kind, freq: f0, slope, response: "linkwitz-riley" }] },
          );
        const lp = impulseResponse(mk("lowpass"), N);
        const hp = impulseResponse(mk("highpass"), N);
        const sign = linkwitzRileySumSign(slope);
        const sum = lp.map((v, i) => v + sign * hp[i]);
        for (const h of [lp, hp]) {
          let cr = 0;
          let ci = 0;
          for (let i = 0; i < N; i++) {
            cr += h[i] * Math.cos((2 * Math.PI * f0 * i) / fs);
            ci -= h[i] * Math.sin((2 * Math.PI * f0 * i) / fs);
          }
          assert.ok(Math.abs(toDb(Math.hypot(cr, ci)) + 6.0206) < 0.01, `slope ${slope}: corner`);
        }
        const { re, im } = spectrum(sum, N);
        let worst = 0;
        for (let k = 1; k < N / 2; k += 7) worst = Math.max(worst, Math.abs(toDb(Math.hypot(re[k], im[k]))));
        assert.ok(worst < 0.01, `slope ${slope}: sum deviates ${worst} dB`);
      }
    });
  }

  test("block-size independent (1, 7, 64, 4096 and mixed), in place, bypass nulls, JSON round trip", () => {
    const ctx = { sampleRate: 48000, channels: 2 };
    const opts: Partial<EqParams> = {
      bands: [
        { kind: "highpass", freq: 80, slope: 24 },
        { kind: "peak", freq: 3000, gainDb: 3, q: 1 },
        { kind: "highshelf", freq: 10000, gainDb: 2 },
        { kind: "lowpass", freq: 15000, slope: 18 },
      ],
    };
    const input = [noise(20000, 1, 0.5), noise(20000, 2, 0.5)];
    assertBlockIndependent(() => new Eq(ctx, opts), input);
    const whole = renderBlocks(new Eq(ctx, opts), input, [20000]);
    for (const size of [1, 7, 64, 4096]) {
      assert.deepEqual(renderBlocks(new Eq(ctx, opts), input, [size]), whole, `blocks of ${size}`);
    }
    // A change mid-stream at the same sample gives the same glide whatever the blocks.
    const glide = (sizes: number[]) => {
      const p = new Eq(ctx, opts);
      const a = renderBlocks(p, [input[0].subarray(0, 5000), input[1].subarray(0, 5000)], sizes);
      p.setParams({ bands: [{ kind: "peak", freq: 500, gainDb: -10, q: 3 }] });
      const b = renderBlocks(p, [input[0].subarray(5000), input[1].subarray(5000)], sizes);
      return [a, b];
    };
    assert.deepEqual(glide([1, 7, 64]), glide([4096]));
    assertInPlace(() => new Eq(ctx, opts), input);
    assertBypassNull(new Eq(ctx, opts), input);
    assertJsonRoundTrip(new Eq(ctx, opts), (j) => new Eq(ctx, j), input);
    assert.deepEqual(new Eq(ctx, opts).toJSON(), { type: "eq", mode: "minimum", ...opts });
  });

  test("odd channel counts match mono; a growing band list settles on the fresh design", () => {
    const fs = 48000;
    const bands: EqBand[] = [
      { kind: "highpass", freq: 60, slope: 36 },
      { kind: "peak", freq: 900, gainDb: -4, q: 2 },
    ];
    const input = [noise(8000, 1, 0.5), noise(8000, 2, 0.5), noise(8000, 3, 0.5)];
    const three = renderBlocks(new Eq({ sampleRate: fs, channels: 3 }, { bands }), input, [1000]);
    for (let c = 0; c < 3; c++) {
      const one = renderBlocks(new Eq({ sampleRate: fs, channels: 1 }, { bands }), [input[c]], [1000]);
      assert.deepEqual(three[c], one[0], `channel ${c}`);
    }
    const more: EqBand[] = [...bands, ...CASES.map(([k, f, q, g]) => bandOf(k, f, q, g))];
    const p = new Eq({ sampleRate: fs, channels: 1 }, { bands: bands.slice(0, 1) });
    renderBlocks(p, [input[0]], [512]);
    p.setParams({ bands: more });
    renderBlocks(p, [input[0]], [512]);
    p.reset();
    assert.deepEqual(
      impulseResponse(p, 8192),
      impulseResponse(new Eq({ sampleRate: fs, channels: 1 }, { bands: more }), 8192),
    );
  });

  test("parameter changes glide without clicks (second difference stays at the sine's own)", () => {
    const fs = 48000;
    const n = fs;
    const f = 100;
    const x = sine(n, f, fs, 0.5);
    // A click is a corner in the waveform: it shows in the second difference y[i] − 2y[i−1] + y[i−2], which for
    // a sine of amplitude a is at most a·(2 sin(π f/fs))² — ~1e-4 here, while a corner is of the order of the
    // jump in slope or value (1e-3 … 1e-2 for an abrupt coefficient switch; checked below).
    const curve = (a: number) => a * (2 * Math.sin((Math.PI * f) / fs)) ** 2;
    const changes: [EqBand[], EqBand[], number][] = [
      [[{ kind: "highpass", freq: 20, slope: 48 }], [{ kind: "highpass", freq: 60, slope: 48 }], 0.53],
      [[{ kind: "lowshelf", freq: 50, gainDb: 0 }], [{ kind: "lowpass", freq: 2000, slope: 24 }], 0.53],
      [[{ kind: "peak", freq: 1000, gainDb: 6, q: 1 }], [{ kind: "peak", freq: 80, gainDb: -6, q: 1 }], 0.5],
      [[{ kind: "peak", freq: 100, gainDb: -12, q: 2 }], [{ kind: "peak", freq: 100, gainDb: 12, q: 2 }], 2],
      [[], [{ kind: "peak", freq: 120, gainDb: 12, q: 4 }], 2],
    ];
    const secondDiff = (y: ArrayLike<number>) => {
      let m = 0;
      for (let i = n / 4; i < n; i++) m = Math.max(m, Math.abs(y[i] - 2 * y[i - 1] + y[i - 2]));
      return m;
    };
    for (const [k, [from, to, maxAmp]] of changes.entries()) {
      const p = new Eq({ sampleRate: fs, channels: 1 }, { bands: from });
      const y = new Float32Array(n);
      p.process([x.subarray(0, n / 2)], [y.subarray(0, n / 2)]);
      p.setParams({ bands: to });
      p.process([x.subarray(n / 2)], [y.subarray(n / 2)]);
      const d = secondDiff(y);
      assert.ok(d < 1.25 * curve(maxAmp), `${JSON.stringify(to)}: ${d} vs ${curve(maxAmp)}`);
      if (k < 3) {
        // The same change without the glide does click: the measure sees it.
        const c = new SectionChain(1, 4, fs);
        c.setSections(eqSections(from, fs), true);
        const z = Float64Array.from(x);
        c.run([z.subarray(0, n / 2)], n / 2);
        c.setSections(eqSections(to, fs), true);
        c.run([z.subarray(n / 2)], n / 2);
        assert.ok(secondDiff(z) > 10 * curve(maxAmp), `abrupt switch to ${JSON.stringify(to)} is audible`);
      }
    }
  });

  test("no NaN or denormal tail at extreme settings, silence stays silent, decays to exact zero", () => {
    for (const fs of [8000, 44100, 384000]) {
      const bands: EqBand[] = [
        { kind: "peak", freq: 10, gainDb: 30, q: 40 },
        { kind: "lowshelf", freq: 10, gainDb: -30, q: 0.1 },
        { kind: "highshelf", freq: 40000, gainDb: 30, q: 40 },
        { kind: "highpass", freq: 10, slope: 48 },
        { kind: "lowpass", freq: 40000, slope: 48, response: "linkwitz-riley" },
        { kind: "notch", freq: 40000, q: 40 },
        { kind: "bandpass", freq: 10, q: 0.1 },
        { kind: "allpass", freq: 20000, q: 40 },
      ];
      const p = new Eq({ sampleRate: fs, channels: 2 }, { bands });
      const block = 4096;
      const silent = [new Float32Array(block), new Float32Array(block)];
      const out = [new Float32Array(block), new Float32Array(block)];
      p.process(silent, out);
      for (const o of out) for (const v of o) assert.equal(v, 0);
      p.process([noise(block, 3), noise(block, 4)], out);
      for (const o of out) for (const v of o) assert.ok(Number.isFinite(v), `fs ${fs}`);
    }
    // A typical EQ's tail after a burst ends in exact zeros (no denormals).
    const p = new Eq(
      { sampleRate: 48000, channels: 1 },
      { bands: [{ kind: "peak", freq: 40, gainDb: 12, q: 4 }] },
    );
    const block = 4096;
    const out = [new Float32Array(block)];
    p.process([noise(block, 5)], out);
    for (let b = 0; b < (20 * 48000) / block; b++) p.process([new Float32Array(block)], out);
    for (const v of out[0]) assert.equal(v, 0, "tail reaches exact zero");
  });

  test("bad parameters are ParamErrors naming the field and the allowed range", () => {
    const ctx = { sampleRate: 48000, channels: 1 };
    const bad = (bands: unknown, re: RegExp) =>
      assert.throws(
        () => new Eq(ctx, { bands: bands as EqBand[] }),
        (e: unknown) => e instanceof ParamError && re.test(e.message),
      );
    bad([{ kind: "peak", freq: 5 }], /eq\.bands\[0\]\.freq: must be between 10 and 40000 Hz, got 5/);
    bad(
      [
        { kind: "peak", freq: 100 },
        { kind: "shelf", freq: 100 },
      ],
      /eq\.bands\[1\]\.kind: must be one of peak/,
    );
    bad([{ kind: "peak", freq: 100, gainDb: 31 }], /eq\.bands\[0\]\.gainDb: must be between -30 and 30 dB/);
    bad([{ kind: "peak", freq: 100, q: 0 }], /eq\.bands\[0\]\.q: must be between 0\.1 and 40/);
    bad(
      [{ kind: "highpass", freq: 100, slope: 30 }],
      /eq\.bands\[0\]\.slope: must be one of 6, 12, 18, 24, 36, 48/,
    );
    bad(
      [{ kind: "lowpass", freq: 100, slope: 18, response: "linkwitz-riley" }],
      /eq\.bands\[0\]\.slope: a linkwitz-riley lowpass must have slope 12, 24, 48/,
    );
    bad(
      [{ kind: "highpass", freq: 100, gainDb: 3 }],
      /eq\.bands\[0\]\.gainDb: does not apply to a highpass band/,
    );
    bad([{ kind: "highpass", freq: 100, slope: 24, q: 2 }], /eq\.bands\[0\]\.q: applies to a highpass only/);
    bad([{ kind: "highpass", freq: 100, response: "bessel" }], /eq\.bands\[0\]\.response: must be one of/);
    bad(["peak"], /eq\.bands\[0\]: must be an object/);
    bad({ kind: "peak" }, /eq\.bands: must be a list/);
    assert.throws(
      () => new Eq(ctx, { mode: "zero" as "linear" }),
      /eq\.mode: must be one of minimum, linear/,
    );
    const p = new Eq(ctx, { bands: [{ kind: "peak", freq: 100, gainDb: 3 }] });
    assert.throws(() => p.setParams({ bands: [{ kind: "peak", freq: 1e6 }] }), /eq\.bands\[0\]\.freq/);
    assert.deepEqual(
      p.getParams().bands,
      [{ kind: "peak", freq: 100, gainDb: 3 }],
      "unchanged after an error",
    );
  });
});

describe("section chain float32 path", () => {
  test("runFloat32 gives the bits of run over float64 copies, for 0–2 sections, mono and stereo, across flushes", () => {
    const fs = 48000;
    const coeffs = eqSections(
      [
        { kind: "highpass", freq: 70, slope: 12 },
        { kind: "peak", freq: 2500, gainDb: 2.5, q: 1.2 },
      ],
      fs,
    ).filter((c) => !(c.b0 === 1 && c.b1 === 0 && c.b2 === 0 && c.a1 === 0 && c.a2 === 0));
    assert.equal(coeffs.length, 2);
    for (const channels of [1, 2]) {
      for (const sections of [0, 1, 2]) {
        const a = new SectionChain(channels, 4, fs);
        const b = new SectionChain(channels, 4, fs);
        a.setSections(coeffs.slice(0, sections), true);
        b.setSections(coeffs.slice(0, sections), true);
        const inputs = Array.from({ length: channels }, (_, c) => Float32Array.from(noise(5000, 3 + c)));
        // Uneven blocks, so segments cross the 256-sample denormal flush at different places.
        for (const [from, to] of [
          [0, 100],
          [100, 1377],
          [1377, 5000],
        ]) {
          const n = to - from;
          const x = inputs.map((v) => v.subarray(from, to));
          const out = inputs.map(() => new Float32Array(n));
          assert.ok(a.runFloat32(x, out, n));
          const w = x.map((v) => Float64Array.from(v));
          b.run(w, n);
          for (let c = 0; c < channels; c++) {
            assert.deepEqual(
              out[c],
              Float32Array.from(w[c]),
              `${channels} ch, ${sections} sections, ${from}…${to}`,
            );
          }
        }
      }
    }
  });
});
