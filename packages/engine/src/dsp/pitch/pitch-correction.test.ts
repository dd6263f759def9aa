import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NO_CORPUS } from "../../../../../scripts/test-corpus.ts";
import { ParamError } from "../../core/params.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  noise,
  renderBlocks,
} from "../space/harness.test.ts";
import { PITCH_PROCESSORS } from "./index.ts";
import { noteNameOf } from "./notes.ts";
import { PitchCorrection, type PitchCorrectionParams } from "./pitch-correction.ts";
import { loadPitchy, median } from "./pitchy.test.ts";
import { PitchTracker } from "./tracker.ts";

const fs = 48000;

function cents(a: number, b: number): number {
  return 1200 * Math.log2(a / b);
}

/** A sung-like tone: 6 harmonics, pitch `hz(t)` (t in seconds) integrated into phase, 20 ms fade-in. */
function voice(seconds: number, hz: (t: number) => number, amp = 0.3): Float32Array {
  const n = Math.round(seconds * fs);
  const x = new Float32Array(n);
  const amps = [1, 0.6, 0.8, 0.4, 0.25, 0.15];
  let phase = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let h = 0; h < amps.length; h++) v += amps[h] * Math.sin((h + 1) * phase + h);
    x[i] = amp * v * Math.min(1, i / (0.02 * fs)) * 0.3;
    phase += (2 * Math.PI * hz(i / fs)) / fs;
  }
  return x;
}

function correct(x: Float32Array, params: Partial<PitchCorrectionParams>, channels = 1) {
  const p = new PitchCorrection({ sampleRate: fs, channels }, params);
  const y = renderBlocks(p, Array(channels).fill(x), [512]);
  // Aligned with the input: drop the reported latency.
  const ys = y.map((c) => c.subarray(p.latency));
  return { y: ys[0], ys, latency: p.latency };
}

/** Voiced pitch frames of y (every 5 ms) between two times in seconds. */
function track(y: Float32Array, from: number, to: number): number[] {
  return new PitchTracker(fs)
    .process(y)
    .filter((f) => f.voiced && f.time >= from && f.time < to)
    .map((f) => f.hz);
}

describe("pitch correction", () => {
  test("vox-pitchy.flac to A minor, speed 0: every note's median lands within ±5 cents of its target", (t) => {
    const take = loadPitchy();
    if (!take) {
      t.skip(NO_CORPUS);
      return;
    }
    const report: string[] = [];
    for (const speed of [0, 0.1]) {
      const { y } = correct(take.audio, { key: "A", scale: "minor", speed });
      const frames = new PitchTracker(fs).process(y);
      for (const n of take.notes) {
        const pick = (a: number, b: number) =>
          frames.filter((f) => f.voiced && f.sample >= a && f.sample < b).map((f) => f.hz);
        // Medians over (a) the steady part before the vibrato starts, 0.1 … 0.35 s into the note, and
        // (b) the whole note less 0.1 s at each end (vibrato included: it is symmetric around the sung pitch).
        const pre = pick(n.startSample + 0.1 * fs, n.startSample + 0.35 * fs);
        const whole = pick(n.startSample + 0.1 * fs, n.endSample - 0.1 * fs);
        const cp = cents(median(pre), n.targetHz);
        const cw = cents(median(whole), n.targetHz);
        const spread = Math.max(...whole.map((h) => Math.abs(cents(h, n.targetHz))));
        if (speed === 0) {
          report.push(
            `${noteNameOf(n.targetMidi)}${n.detuneCents >= 0 ? "+" : ""}${n.detuneCents}→${cp.toFixed(2)}/${cw.toFixed(2)} (±${spread.toFixed(1)})`,
          );
          assert.ok(Math.abs(cp) <= 5, `note ${n.index}, before vibrato: ${cp.toFixed(2)} cents`);
        }
        assert.ok(Math.abs(cw) <= 5, `note ${n.index}, speed ${speed}, whole note: ${cw.toFixed(2)} cents`);
      }
    }
    console.log(
      `vox-pitchy corrected (speed 0), cents from target: pre-vibrato/whole note (largest frame deviation): ${report.join(", ")}`,
    );
  });

  test("a steady tone 30 cents sharp comes out on the note, clean and at the same level", () => {
    const f = 220 * 2 ** (30 / 1200);
    const x = voice(2, () => f);
    const { y } = correct(x, { key: "A", scale: "minor", speed: 0 });
    const got = median(track(y, 0.3, 1.8));
    assert.ok(Math.abs(cents(got, 220)) <= 1, `${got} Hz`);
    // Level: RMS over the steady part within 0.5 dB.
    const rms = (v: Float32Array) =>
      Math.sqrt(v.subarray(24000, 84000).reduce((s, a) => s + a * a, 0) / 60000);
    const gain = 20 * Math.log10(rms(y) / rms(x));
    assert.ok(Math.abs(gain) < 0.5, `level change ${gain.toFixed(2)} dB`);
    // Cleanliness: the output is (nearly) a periodic tone at 220 Hz — the residual after a least-squares fit
    // of the first 20 harmonics of 220 Hz is far below the tone.
    const res = harmonicResidualDb(y, 220, 24000, 84000, 20);
    console.log(
      `steady +30 cent tone corrected: ${cents(got, 220).toFixed(3)} cents, level ${gain.toFixed(3)} dB, non-harmonic residual ${res.toFixed(1)} dB`,
    );
    assert.ok(res < -40, `residual ${res.toFixed(1)} dB`);
  });

  test("an in-tune tone passes through essentially unchanged, at the reported latency", () => {
    const x = voice(1.5, () => 220);
    const { y } = correct(x, { key: "A", scale: "minor", speed: 0 });
    // PSOLA reads the input up to half a period from the output time (it repeats or skips whole periods), and
    // the detector's last 0.001 cent of error accumulates into a slowly drifting fraction of a sample: so each
    // 0.1 s segment is compared with the analytic tone at its own best shift.
    const amps = [1, 0.6, 0.8, 0.4, 0.25, 0.15];
    const w = (2 * Math.PI * 220) / fs;
    const at = (t: number) => amps.reduce((s, a, h) => s + a * Math.sin((h + 1) * w * t + h), 0) * 0.09;
    const report: string[] = [];
    for (const from of [12000, 24000, 36000, 48000, 60000]) {
      const diffDb = (shift: number) => {
        let err = 0;
        let ref = 0;
        for (let i = from; i < from + 4800; i += 2) {
          err += (y[i] - at(i + shift)) ** 2;
          ref += at(i) ** 2;
        }
        return 10 * Math.log10(err / ref);
      };
      let best = 0;
      for (let s = -2; s <= 2; s += 0.01) if (diffDb(s) < diffDb(best)) best = s;
      const coarse = best;
      for (let s = coarse - 0.01; s <= coarse + 0.01; s += 0.0002) if (diffDb(s) < diffDb(best)) best = s;
      const db = diffDb(best);
      report.push(`${best.toFixed(3)} samples ${db.toFixed(1)} dB`);
      assert.ok(Math.abs(best) <= 0.5, `shifted by ${best} samples`);
      assert.ok(db < -70, `${db.toFixed(1)} dB`);
    }
    console.log(`in-tune tone, per 0.1 s: shift and difference from the input: ${report.join("; ")}`);
  });

  test("retune speed: slow speed glides onto the note with the documented time constant", () => {
    const f = 220 * 2 ** (40 / 1200);
    const x = voice(2, () => f);
    const { y } = correct(x, { key: "A", scale: "minor", speed: 0.5 });
    const frames = new PitchTracker(fs).process(y).filter((fr) => fr.voiced);
    const onset = frames[0].time;
    const dev = (t: number) => cents(frames.find((fr) => fr.time >= onset + t)!.hz, 220);
    // Time constant 0.5 × 400 ms = 200 ms: 40 cents × e^(−t/0.2) left (plus a few ms of analysis delay).
    const d1 = dev(0.2);
    const d2 = dev(0.6);
    const end = median(track(y, 1.5, 1.9));
    console.log(
      `speed 0.5: ${dev(0).toFixed(1)} → ${d1.toFixed(1)} (0.2 s) → ${d2.toFixed(1)} (0.6 s) → ${cents(end, 220).toFixed(2)} cents`,
    );
    assert.ok(d1 > 40 * Math.exp(-1) * 0.75 && d1 < 40 * Math.exp(-1) * 1.5, `after 0.2 s: ${d1}`);
    assert.ok(d2 > 0 && d2 < 40 * Math.exp(-3) * 1.5, `after 0.6 s: ${d2}`);
    assert.ok(Math.abs(cents(end, 220)) < 1);
  });

  test("vibrato: removed at humanize 0, kept (centred on the note) at humanize 1", () => {
    const centre = 220 * 2 ** (30 / 1200);
    const x = voice(3, (t) => centre * 2 ** ((25 * Math.sin(2 * Math.PI * 5.5 * t)) / 1200));
    const depth = (h: number[]) => {
      const c = h.map((v) => cents(v, 220)).sort((a, b) => a - b);
      return (c[Math.floor(0.95 * c.length)] - c[Math.floor(0.05 * c.length)]) / 2;
    };
    const input = depth(track(x, 0.5, 2.8));
    const flat = correct(x, { key: "A", scale: "minor", speed: 0, humanize: 0 }).y;
    const human = correct(x, { key: "A", scale: "minor", speed: 0, humanize: 1 }).y;
    const dFlat = depth(track(flat, 0.5, 2.8));
    const dHuman = depth(track(human, 0.5, 2.8));
    const mHuman = cents(median(track(human, 0.5, 2.8)), 220);
    console.log(
      `vibrato depth (cents, 5–95 %): input ±${input.toFixed(1)}, humanize 0 ±${dFlat.toFixed(1)}, humanize 1 ±${dHuman.toFixed(1)} centred at ${mHuman.toFixed(2)}`,
    );
    assert.ok(dFlat < 0.4 * input, `humanize 0 leaves ±${dFlat}`);
    assert.ok(dHuman > 0.8 * input, `humanize 1 keeps only ±${dHuman} of ±${input}`);
    assert.ok(Math.abs(mHuman) < 3, `humanize 1 centre ${mHuman}`);
  });

  test("explicit notes replace the scale; referenceHz retunes", () => {
    // D4 −20 cents with only A3 and C4 allowed: C4 is nearer.
    const x = voice(1.5, () => 290.292);
    const { y } = correct(x, { notes: ["A3", "C4"], speed: 0 });
    const got = median(track(y, 0.3, 1.3));
    assert.ok(Math.abs(cents(got, 261.6256)) < 1, `${got} Hz`);
    // A4 = 432: an A3 at 220 Hz is pulled to 216.
    const z = correct(
      voice(1.5, () => 220),
      { key: "A", scale: "minor", speed: 0, referenceHz: 432 },
    ).y;
    assert.ok(Math.abs(cents(median(track(z, 0.3, 1.3)), 216)) < 1);
  });

  test("stereo: both channels get the same correction", () => {
    const x = voice(1, () => 225);
    const { ys } = correct(x, { key: "A", scale: "minor", speed: 0 }, 2);
    assert.deepEqual(ys[0], ys[1]);
    assert.ok(Math.abs(cents(median(track(ys[0], 0.3, 0.9)), 220)) < 1);
  });

  test("block-size independent, bypass nulls, in place, JSON round trip, mix 0 = delayed dry", () => {
    const ctx = { sampleRate: fs, channels: 2 };
    const x = voice(1.2, (t) => (t < 0.6 ? 230 : 300));
    const input = [x, noise(x.length, 5, 0.05).map((v, i) => v + x[i])];
    const params = { key: "A" as const, scale: "minor" as const, speed: 0.2, humanize: 0.3 };
    const make = () => new PitchCorrection(ctx, params);
    assertBlockIndependent(make, input);
    assertBypassNull(make(), input);
    assertInPlace(make, input);
    assertJsonRoundTrip(make(), (j) => PITCH_PROCESSORS[0].create(ctx, j), input);
    assert.deepEqual(make().toJSON(), {
      type: "pitch",
      key: "A",
      scale: "minor",
      notes: [],
      speed: 0.2,
      humanize: 0.3,
      referenceHz: 440,
      mix: 1,
      minHz: 70,
      maxHz: 1000,
    });
    const dry = new PitchCorrection(ctx, { mix: 0 });
    const out = renderBlocks(dry, input, [300]);
    for (let i = 0; i < x.length; i++)
      assert.equal(out[1][i], i < dry.latency ? 0 : input[1][i - dry.latency]);
  });

  test("silence gives exact zeros, noise stays finite, latency is reported", () => {
    const p = new PitchCorrection({ sampleRate: fs, channels: 1 }, { key: "A", scale: "minor" });
    assert.ok(p.latency > 0 && p.latency < 0.05 * fs, `latency ${p.latency}`);
    const [s] = renderBlocks(p, [new Float32Array(fs)], [512]);
    for (const v of s) assert.equal(v, 0);
    const [n] = renderBlocks(p, [noise(fs, 3, 0.9)], [512]);
    for (const v of n) assert.ok(Number.isFinite(v) && Math.abs(v) < 2);
    for (const rate of [8000, 44100, 96000, 192000]) {
      const q = new PitchCorrection({ sampleRate: rate, channels: 1 }, { minHz: 50, maxHz: 2000 });
      const [z] = renderBlocks(q, [noise(rate / 2, 4, 0.5)], [1000]);
      for (const v of z) assert.ok(Number.isFinite(v));
    }
  });

  test("bad parameters: one clear error naming the parameter", () => {
    const ctx = { sampleRate: fs, channels: 1 };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ speed: 2 }, /pitch\.speed: must be between 0 and 1/],
      [{ key: "H" }, /pitch\.key: must be one of/],
      [{ scale: "lydian" }, /pitch\.scale: must be one of/],
      [{ notes: ["A3", "X9"] }, /pitch\.notes\[1\]: must be a note name/],
      [{ notes: "A3" }, /pitch\.notes: must be a list/],
      [{ referenceHz: 500 }, /pitch\.referenceHz/],
      [{ minHz: 300, maxHz: 500 }, /pitch\.maxHz: must be more than twice minHz/],
      [{ retune: 1 }, /pitch\.retune: unknown parameter/],
    ];
    for (const [params, re] of bad) {
      assert.throws(
        () => PITCH_PROCESSORS[0].create(ctx, params),
        (e: unknown) => e instanceof ParamError && re.test(e.message),
        JSON.stringify(params),
      );
    }
    const p = new PitchCorrection(ctx);
    assert.throws(() => p.setParams({ humanize: -1 }), /pitch\.humanize/);
    assert.equal(p.getParams().humanize, 0, "a rejected change changes nothing");
  });
});

/** Power not explained by harmonics of f0 (least squares, one harmonic at a time on an orthogonal-ish basis). */
function harmonicResidualDb(y: Float32Array, f0: number, a: number, b: number, harmonics: number): number {
  const r = Float64Array.from(y.subarray(a, b));
  const total = r.reduce((s, v) => s + v * v, 0);
  // Several passes of per-harmonic projection converge to the joint least-squares fit.
  for (let pass = 0; pass < 3; pass++) {
    for (let h = 1; h <= harmonics && h * f0 < fs / 2; h++) {
      const w = (2 * Math.PI * h * f0) / fs;
      let ss = 0;
      let cc = 0;
      let sc = 0;
      let ys = 0;
      let yc = 0;
      for (let i = 0; i < r.length; i++) {
        const s = Math.sin(w * i);
        const c = Math.cos(w * i);
        ss += s * s;
        cc += c * c;
        sc += s * c;
        ys += r[i] * s;
        yc += r[i] * c;
      }
      const det = ss * cc - sc * sc;
      const ka = (ys * cc - yc * sc) / det;
      const kb = (yc * ss - ys * sc) / det;
      for (let i = 0; i < r.length; i++) r[i] -= ka * Math.sin(w * i) + kb * Math.cos(w * i);
    }
  }
  return 10 * Math.log10(r.reduce((s, v) => s + v * v, 0) / total);
}

test("throughput (x real time, mono 48 kHz)", { skip: !process.env.CR_BENCH && "set CR_BENCH=1" }, () => {
  const x = voice(5, (t) => 220 * 2 ** ((30 + 25 * Math.sin(2 * Math.PI * 5.5 * t)) / 1200));
  for (const channels of [1, 2]) {
    const p = new PitchCorrection({ sampleRate: fs, channels }, { key: "A", scale: "minor" });
    const input = Array(channels).fill(x);
    let best = 0;
    for (let r = 0; r < 3; r++) {
      p.reset();
      const t0 = performance.now();
      renderBlocks(p, input, [512]);
      best = Math.max(best, 5000 / (performance.now() - t0));
    }
    console.log(`pitch correction, ${channels} channel(s): ${best.toFixed(1)}x real time`);
  }
});
