import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dbToGain } from "../core/db.ts";
import { Processor, type ProcessorContext } from "../core/processor.ts";
import { registerProcessor } from "../dsp/chain.ts";
import { clipFadeGain } from "../session/fades.ts";
import { parseSession } from "../session/load.ts";
import type { Session } from "../session/schema.ts";
import { MixMemory } from "./mix-memory.ts";
import { type RenderOptions, SessionRenderer } from "./renderer.ts";
import { type AudioSource, MemoryProvider } from "./source.ts";

/** A pure delay that reports its delay as latency: after compensation it must vanish. */
class LagProcessor extends Processor<{ samples: number }> {
  readonly type = "test-lag";
  private lines: Float32Array[];
  private pos = 0;
  constructor(ctx: ProcessorContext, params: Partial<{ samples: number }>) {
    super(ctx, LAG_SPECS, params, "test-lag");
    this.lines = Array.from({ length: ctx.channels }, () => new Float32Array(this.params.samples));
  }
  override get latency(): number {
    return this.params.samples;
  }
  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const d = this.params.samples;
    let pos = this.pos;
    for (let c = 0; c < this.channels; c++) {
      pos = this.pos;
      for (let i = 0; i < frames; i++) {
        const y = this.lines[c][pos];
        this.lines[c][pos] = input[c][i];
        output[c][i] = y;
        if (++pos === d) pos = 0;
      }
    }
    this.pos = pos;
  }
  protected resetState(): void {
    for (const l of this.lines) l.fill(0);
  }
}
const LAG_SPECS = {
  samples: { kind: "number", unit: "samples", min: 1, max: 10000, default: 100, description: "delay" },
} as const;
registerProcessor({
  type: "test-lag",
  description: "test delay with latency",
  specs: LAG_SPECS,
  create: (ctx, p) => new LagProcessor(ctx, p),
});

/** A gain with one automatable parameter, for parameter automation. */
class ScaleProcessor extends Processor<{ k: number }> {
  readonly type = "test-scale";
  constructor(ctx: ProcessorContext, params: Partial<{ k: number }>) {
    super(ctx, SCALE_SPECS, params, "test-scale");
  }
  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    for (let c = 0; c < this.channels; c++)
      for (let i = 0; i < frames; i++) output[c][i] = input[c][i] * this.params.k;
  }
  protected resetState(): void {}
}
const SCALE_SPECS = {
  k: { kind: "number", unit: "", min: 0, max: 10, default: 1, description: "factor" },
} as const;
registerProcessor({
  type: "test-scale",
  description: "test gain",
  specs: SCALE_SPECS,
  create: (ctx, p) => new ScaleProcessor(ctx, p),
});

const SR = 48000;
const HASH = "0".repeat(64);

/** Deterministic noise. */
function noise(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32 - 0.5) * 0.5;
  }
  return x;
}

function ref(frames: number, channels = 1) {
  return { sha256: HASH, path: "x.wav", sampleRate: SR, channels, frames };
}

function clip(audio: string, start: number, length: number, extra: Record<string, unknown> = {}) {
  return { audio, start, length, ...extra };
}

async function renderAll(session: Session, audio: Record<string, Float32Array[]>, opts: RenderOptions = {}) {
  const r = await SessionRenderer.create(session, new MemoryProvider(audio), { blockFrames: 1000, ...opts });
  const mix = [new Float32Array(r.frames), new Float32Array(r.frames)];
  const stems = r.stems.map(() => [new Float32Array(r.frames), new Float32Array(r.frames)]);
  let at = 0;
  for (let b = await r.next(); b; b = await r.next()) {
    for (let c = 0; c < 2; c++) {
      mix[c].set(b.mix[c], at);
      for (const [i, s] of b.stems.entries()) stems[i][c].set(s[c], at);
    }
    at += b.frames;
  }
  await r.close();
  assert.equal(at, r.frames);
  return { mix, stems, renderer: r };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("renderer", () => {
  const N = 12000;
  const a = noise(N, 1);
  const b = noise(N, 2);

  it("mixes with fader and constant-power pan; stems feeding the master sum to the mix", async () => {
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { a: ref(N), b: ref(N) },
      tracks: [
        { id: "ta", volumeDb: -6, pan: 0.5, takes: [{ id: "1", clips: [clip("a", 0, N / SR)] }] },
        { id: "tb", pan: -1, takes: [{ id: "1", clips: [clip("b", 0, N / SR)] }] },
      ],
      master: { volumeDb: -1 },
    });
    const { mix, stems } = await renderAll(s, { a: [a], b: [b] });
    const g = dbToGain(-6);
    const m = dbToGain(-1);
    const pl = Math.cos((1.5 * Math.PI) / 4);
    const pr = Math.sin((1.5 * Math.PI) / 4);
    for (const i of [0, 1, 777, N - 1]) {
      assert.ok(Math.abs(mix[0][i] - (a[i] * g * pl + b[i]) * m) < 1e-6);
      assert.ok(Math.abs(mix[1][i] - (a[i] * g * pr + b[i] * Math.sin(0)) * m) < 1e-6);
    }
    const sum = mix.map((_, c) => stems[0][c].map((x, i) => x + stems[1][c][i]));
    assert.ok(maxAbsDiff(sum[0], mix[0]) < 1e-7 && maxAbsDiff(sum[1], mix[1]) < 1e-7);
  });

  it("compensates insert latency so parallel paths stay sample-aligned (exact null)", async () => {
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { a: ref(N) },
      buses: [{ id: "fx", inserts: [{ type: "test-lag", samples: 517 }] }],
      tracks: [
        // Dry path through a 300-sample insert, plus a send to a bus with 517 more.
        {
          id: "t1",
          inserts: [{ type: "test-lag", samples: 300 }],
          sends: [{ bus: "fx", levelDb: 0 }],
          takes: [{ id: "1", clips: [clip("a", 0, N / SR)] }],
        },
        // The same audio twice, inverted, with no latency: must cancel both of the above.
        { id: "t2", polarity: true, takes: [{ id: "1", clips: [clip("a", 0, N / SR)] }] },
        { id: "t3", polarity: true, takes: [{ id: "1", clips: [clip("a", 0, N / SR)] }] },
      ],
    });
    const { mix, renderer } = await renderAll(s, { a: [a] });
    assert.equal(renderer.latency, 817);
    assert.equal(maxAbsDiff(mix[0], new Float32Array(N)), 0);
    assert.equal(maxAbsDiff(mix[1], new Float32Array(N)), 0);
  });

  it("plays the comp: each take in its range, crossfaded at the edges", async () => {
    const one = new Float32Array(N).fill(0.5);
    const two = new Float32Array(N).fill(0.25);
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { one: ref(N), two: ref(N) },
      tracks: [
        {
          id: "v",
          pan: -1,
          takes: [
            { id: "t1", clips: [clip("one", 0, N / SR)] },
            { id: "t2", clips: [clip("two", 0, N / SR)] },
          ],
          comp: {
            segments: [
              { take: "t1", start: 0, end: 0.1 },
              { take: "t2", start: 0.1, end: 0.25 },
            ],
            crossfade: 0.01,
            shape: "linear",
          },
        },
      ],
    });
    const { mix } = await renderAll(s, { one: [one], two: [two] });
    const L = mix[0];
    assert.equal(L[1000], 0.5);
    assert.equal(L[7000], 0.25);
    // Centre of the 480-sample crossfade at 4800: half of each.
    const mid = (L[4799] + L[4800]) / 2;
    assert.ok(Math.abs(mid - 0.375) < 1e-3, `mid ${mid}`);
    // Monotonic through the fade, and complete 240 samples either side.
    for (let i = 4560; i < 5040; i++) assert.ok(L[i + 1] <= L[i] + 1e-7);
    assert.equal(L[4559], 0.5);
    assert.equal(L[5040], 0.25);
  });

  it("crossfades overlapping clips and applies clip gain and fades", async () => {
    const one = new Float32Array(N).fill(0.5);
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { one: ref(N) },
      tracks: [
        {
          id: "v",
          pan: -1,
          takes: [
            {
              id: "t",
              clips: [
                clip("one", 0, 0.1, { gainDb: -6, fadeIn: { length: 0.01, shape: "linear" } }),
                // Overlaps the first by 0.02 s: crossfaded across the overlap.
                clip("one", 0.08, 0.1, { fadeOut: { length: 0.01, shape: "linear" } }),
              ],
            },
          ],
        },
      ],
    });
    const { mix } = await renderAll(s, { one: [one] });
    const L = mix[0];
    assert.ok(Math.abs(L[0] - 0.5 * dbToGain(-6) * (0.5 / 480)) < 1e-7);
    assert.ok(Math.abs(L[2000] - 0.5 * dbToGain(-6)) < 1e-7);
    assert.ok(Math.abs(L[6000] - 0.5) < 1e-7);
    // Equal-power crossfade of equal material peaks at √2·0.5·… at its centre; just check continuity.
    for (let i = 3841; i < 4800; i++) assert.ok(Math.abs(L[i] - L[i - 1]) < 1e-3);
    assert.ok(L[8640 - 1] < 0.5 / 480 + 1e-6); // the end of the fade-out
  });

  it("applies volume, send and processor-parameter automation sample-accurately", async () => {
    const one = new Float32Array(N).fill(0.5);
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { one: ref(N) },
      buses: [{ id: "fx", pan: -1 }],
      tracks: [
        {
          id: "v",
          pan: 1,
          inserts: [{ type: "test-scale", k: 1 }],
          sends: [{ bus: "fx", levelDb: -60, pre: true }],
          automation: [
            {
              target: "volume",
              points: [
                { time: 0, value: 0 },
                { time: 0.2, value: -20 },
              ],
            },
            {
              target: "send.fx",
              points: [
                { time: 0, value: -60 },
                { time: 0.1, value: 0 },
              ],
            },
            {
              target: "insert.0.k",
              points: [
                { time: 0.2, value: 1 },
                { time: 0.21, value: 2 },
              ],
            },
          ],
          takes: [{ id: "t", clips: [clip("one", 0, N / SR)] }],
        },
      ],
    });
    const { mix } = await renderAll(s, { one: [one] });
    const R = mix[1];
    const L = mix[0];
    for (const i of [0, 1, 2400, 4801, 9599]) {
      const db = (-20 * i) / 9600;
      assert.ok(Math.abs(R[i] - 0.5 * dbToGain(db)) < 1e-6, `volume at ${i}`);
    }
    // Pre-fader send panned hard right by the track's pan reaches the (hard left) bus only through balance: zero.
    // The bus is stereo-balanced hard left, so its left gets the send's left (0) and its right is cut.
    assert.ok(Math.abs(L[100]) < 1e-12);
    // Parameter automation: k = 2 from 0.21 s (applied within 64 samples), so R doubles against the fader.
    assert.ok(Math.abs(R[11000] - 2 * 0.5 * dbToGain(-20)) < 1e-6);
  });

  it("gives the same bits at any block size, with volume, pan, send, master and parameter automation", async () => {
    // Automated stretches and constant ones must compute gains alike, and parameter steps must fall on the
    // timeline, not on block edges; otherwise blocks that happen to be flat would round differently.
    const ramp = (target: string, from: number, to: number, t0: number, t1: number) => ({
      target,
      points: [
        { time: t0, value: from },
        { time: t1, value: to },
        { time: t1 + 0.03, value: to },
        { time: t1 + 0.05, value: from, curve: 0.5 },
      ],
    });
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { a: ref(N), b: ref(N) },
      buses: [{ id: "fx", inserts: [{ type: "eq", bands: [{ kind: "lowpass", freq: 3000 }] }] }],
      tracks: [
        {
          id: "t1",
          volumeDb: -2.5,
          pan: 0.3,
          inserts: [
            { type: "test-scale", k: 1 },
            { type: "compressor", thresholdDb: -25 },
          ],
          sends: [{ bus: "fx", levelDb: -9.5 }],
          automation: [
            ramp("volume", -2.5, -11, 0.04, 0.07),
            ramp("pan", 0.3, -0.6, 0.1, 0.12),
            ramp("send.fx", -9.5, -3, 0.02, 0.09),
            ramp("insert.0.k", 1, 1.7, 0.05, 0.11),
          ],
          takes: [{ id: "1", clips: [clip("a", 0, N / SR)] }],
        },
        {
          id: "t2",
          pan: -0.4,
          sends: [{ bus: "fx", levelDb: -6.2, pre: true }],
          takes: [{ id: "1", clips: [clip("b", 0, N / SR)] }],
        },
      ],
      master: { volumeDb: -1.3, automation: [ramp("volume", -1.3, -4, 0.15, 0.2)] },
    });
    const audio = { a: [a], b: [b] };
    const base = await renderAll(s, audio, { blockFrames: 4096 });
    for (const blockFrames of [1000, 333, 64, 8192]) {
      const other = await renderAll(s, audio, { blockFrames });
      for (let c = 0; c < 2; c++)
        assert.deepEqual(other.mix[c], base.mix[c], `block ${blockFrames}, channel ${c}`);
      for (const [i, st] of base.stems.entries())
        for (let c = 0; c < 2; c++)
          assert.deepEqual(other.stems[i][c], st[c], `block ${blockFrames}, stem ${i}`);
    }
  });

  it("adds strips into buses in the mix arena's kernel with the same bits as the TypeScript loops", async (t) => {
    if (!MixMemory.create(1, 16)) {
      t.skip("this host has no WebAssembly SIMD");
      return;
    }
    // Constant sends and outputs batched one, two and three to a pass, a delayed (latency-compensated) edge,
    // a bus feeding a bus, pans, a fader ride; blocks that are not a multiple of four leave a tail.
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { a: ref(N), b: ref(N, 2) },
      buses: [
        { id: "verb", inserts: [{ type: "reverb", preset: "plate", mix: 1 }], output: "group" },
        { id: "group", volumeDb: -1.5, pan: 0.2 },
        { id: "slow", inserts: [{ type: "test-lag", samples: 37 }] },
      ],
      tracks: [
        {
          id: "t1",
          volumeDb: -3.3,
          pan: -0.7,
          sends: [
            { bus: "verb", levelDb: -12 },
            { bus: "slow", levelDb: -7 },
          ],
          automation: [
            {
              target: "volume",
              points: [
                { time: 0.05, value: -3.3 },
                { time: 0.1, value: -20 },
              ],
            },
          ],
          takes: [{ id: "1", clips: [clip("a", 0, N / SR)] }],
        },
        {
          id: "t2",
          channels: 2,
          pan: 0.4,
          output: "group",
          sends: [{ bus: "verb", levelDb: -18 }],
          takes: [{ id: "1", clips: [clip("b", 0, N / SR)] }],
        },
        { id: "t3", volumeDb: 2, takes: [{ id: "1", clips: [clip("a", 0.01, 0.1)] }] },
      ],
      master: { volumeDb: -2 },
    });
    const audio = { a: [a], b: [b, a] };
    for (const blockFrames of [4096, 333]) {
      const kernel = await renderAll(s, audio, { blockFrames });
      const plain = await renderAll(s, audio, { blockFrames, mixKernel: false });
      assert.ok(maxAbsDiff(kernel.mix[0], new Float32Array(N)) > 0.01, "the mix is not silent");
      for (let c = 0; c < 2; c++)
        assert.deepEqual(kernel.mix[c], plain.mix[c], `block ${blockFrames}, channel ${c}`);
      for (const [i, st] of plain.stems.entries())
        for (let c = 0; c < 2; c++)
          assert.deepEqual(kernel.stems[i][c], st[c], `block ${blockFrames}, stem ${i}`);
    }
  });

  it("renders a time range and a named section as slices of the full render, bit-identically twice", async () => {
    const M = 4 * SR; // 4 s = 2 bars at 120 bpm
    const x = noise(M, 9);
    const json = {
      version: 2,
      sampleRate: SR,
      sections: [{ name: "second", startBar: 2, endBar: 2 }],
      audio: { x: ref(M) },
      tracks: [
        {
          id: "t",
          inserts: [{ type: "test-lag", samples: 333 }],
          takes: [{ id: "t", clips: [clip("x", 0, 4)] }],
        },
      ],
    };
    const s = parseSession(json);
    const full = await renderAll(s, { x: [x] });
    const again = await renderAll(s, { x: [x] }, { blockFrames: 1000 });
    assert.deepEqual(again.mix[0], full.mix[0]);
    const sec = await renderAll(s, { x: [x] }, { section: "second" });
    assert.equal(sec.mix[0].length, 2 * SR);
    assert.deepEqual(sec.mix[0], full.mix[0].subarray(2 * SR, 4 * SR));
    const range = await renderAll(s, { x: [x] }, { start: 0.5, end: 1.25 });
    assert.deepEqual(range.mix[1], full.mix[1].subarray(SR / 2, 1.25 * SR));
  });

  it("routes through a group and a post-fader send to an aux; stems feeding the master sum to the mix", async () => {
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { a: ref(N) },
      buses: [
        { id: "grp", kind: "group", volumeDb: -6 },
        { id: "aux", volumeDb: 0 },
      ],
      tracks: [
        {
          id: "ta",
          volumeDb: -2,
          output: "grp",
          sends: [{ bus: "aux", levelDb: -10 }],
          takes: [{ id: "1", clips: [clip("a", 0, N / SR)] }],
        },
      ],
    });
    const { mix, stems, renderer } = await renderAll(s, { a: [a] });
    assert.deepEqual(
      renderer.stems.map((x) => [x.id, x.feeds]),
      [
        ["ta", "grp"],
        ["grp", "master"],
        ["aux", "master"],
      ],
    );
    const c = Math.cos(Math.PI / 4) * dbToGain(-2);
    const g = dbToGain(-6) + dbToGain(-10);
    for (const i of [0, 5, 999, 1000, N - 1]) {
      assert.ok(Math.abs(mix[0][i] - a[i] * c * g) < 1e-7);
      assert.ok(Math.abs(mix[1][i] - a[i] * c * g) < 1e-7);
    }
    // The group and the aux feed the master; the track feeds the group (part of the group's stem).
    for (let ch = 0; ch < 2; ch++) {
      const sum = stems[1][ch].map((x, i) => x + stems[2][ch][i]);
      assert.ok(maxAbsDiff(sum, mix[ch]) < 1e-7);
    }
  });

  it("sums tracks into buses bit-identically whether they add directly or through their own outputs (threads)", async () => {
    // Worker threads make tracks write their own outputs, summed afterwards; one thread adds them straight into
    // the buses. Gains that are not powers of two, pans, automated and pre-fader sends, inserts and latency
    // make every product inexact, so a difference in rounding would show.
    const track = (id: string, audio: string, pan: number, extra: Record<string, unknown> = {}) => ({
      id,
      volumeDb: -3.3,
      pan,
      inserts: [
        { type: "eq", bands: [{ kind: "peak", freq: 2000, gainDb: 3, q: 1 }] },
        { type: "compressor", thresholdDb: -30, ratio: 3 },
      ],
      sends: [
        { bus: "verb", levelDb: -7.1 },
        { bus: "dly", levelDb: -11.3, pre: true },
      ],
      takes: [{ id: "1", clips: [clip(audio, 0, N / SR)] }],
      ...extra,
    });
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { a: ref(N), b: ref(N), st: ref(N, 2) },
      buses: [
        { id: "verb", inserts: [{ type: "test-lag", samples: 37 }] },
        { id: "dly", volumeDb: -1.7 },
      ],
      tracks: [
        track("t1", "a", -0.3),
        track("t2", "b", 0.45, {
          automation: [
            {
              target: "send.verb",
              points: [
                { time: 0, value: -20 },
                { time: N / SR, value: -4 },
              ],
            },
          ],
        }),
        { ...track("t3", "st", 0.1), channels: 2 },
        track("t4", "a", 0.9, { inserts: [{ type: "test-lag", samples: 11 }] }),
      ],
    });
    const audio = { a: [a], b: [b], st: [b, a] };
    const direct = await renderAll(s, audio, { separateTrackOutputs: false });
    const separate = await renderAll(s, audio, { separateTrackOutputs: true });
    // As the track workers split it: tracks 0–1 summed by one "thread", track 2 stored per edge by another,
    // track 3 added last by the main renderer. The helpers share the main renderer's track memory.
    const memory = new ArrayBuffer(SessionRenderer.trackMemoryBytes(s, 1000));
    const provider = new MemoryProvider(audio);
    const at = { blockFrames: 1000, trackMemory: memory };
    const first = await SessionRenderer.create(s, provider, { ...at, separateTrackOutputs: false });
    const middle = await SessionRenderer.create(s, provider, { ...at, separateTrackOutputs: true });
    // Blocks are asked for ahead of time, and a remote renders them one after another, in order (a worker
    // thread does it by its message queue).
    let queue = Promise.resolve();
    const remote = {
      indices: [0, 1, 2],
      prefix: 2,
      run: (k: number, n: number) => {
        queue = queue.then(async () => {
          await first.renderTrackSums(k, n, [0, 1]);
          await middle.renderTracks(k, n, [2]);
        });
        return queue;
      },
    };
    const split = await renderAll(s, audio, { trackMemory: memory, remoteTracks: remote, stems: false });
    for (let c = 0; c < 2; c++) {
      assert.ok(direct.mix[c].some((x) => x !== 0));
      assert.deepEqual(separate.mix[c], direct.mix[c], `mix channel ${c}`);
      assert.deepEqual(split.mix[c], direct.mix[c], `split mix channel ${c}`);
      for (const [i, st] of direct.stems.entries())
        assert.deepEqual(separate.stems[i][c], st[c], `stem ${i}`);
    }
  });

  it("skips silent blocks into chains at rest without changing a bit (fades, latency, sends, stems)", async () => {
    // Sources with digital silence: whole blocks of it, and silence starting mid-block while a compressor is
    // still releasing and an EQ still ringing (those blocks must not be skipped). The slow track's chain puts
    // out silence for blocks while its compressor recovers (fader, pan and sends skipped, and its EQ once at
    // rest, the compressor not).
    const M = 30000;
    const gappy = (seed: number) => {
      const x = noise(M, seed);
      x.fill(0, 2500, 26100);
      x.fill(0, 28000, 28001);
      return x;
    };
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { g1: ref(M), g2: ref(M), n: ref(M) },
      buses: [
        { id: "fx", inserts: [{ type: "eq", bands: [{ kind: "highshelf", freq: 4000, gainDb: -3 }] }] },
      ],
      tracks: [
        {
          id: "quiet",
          volumeDb: -1.5,
          pan: 0.2,
          inserts: [
            { type: "eq", bands: [{ kind: "peak", freq: 300, gainDb: 4, q: 2 }] },
            { type: "compressor", thresholdDb: -30, ratio: 4, releaseMs: 1 },
          ],
          sends: [{ bus: "fx", levelDb: -6, pre: true }],
          takes: [{ id: "1", clips: [clip("g1", 0, M / SR, { fadeOut: { length: 0.01 } })] }],
        },
        {
          id: "lagged",
          inserts: [{ type: "test-lag", samples: 23 }],
          takes: [{ id: "1", clips: [clip("n", 0, M / SR)] }],
        },
        {
          id: "quiet2",
          channels: 2,
          inserts: [{ type: "compressor", thresholdDb: -20, lookaheadMs: 1 }],
          sends: [{ bus: "fx", levelDb: -12 }],
          takes: [{ id: "1", clips: [clip("g2", 0, M / SR)] }],
        },
        {
          id: "slow",
          pan: -0.4,
          inserts: [
            { type: "eq", bands: [{ kind: "highpass", freq: 80, slope: 12 }] },
            { type: "compressor", thresholdDb: -30, ratio: 4, releaseMs: 2000 },
          ],
          sends: [{ bus: "fx", levelDb: -10, pre: true }],
          automation: [
            {
              target: "volume",
              points: [
                { time: 0, value: 0 },
                { time: M / SR, value: -12 },
              ],
            },
          ],
          takes: [{ id: "1", clips: [clip("g1", 0, M / SR)] }],
        },
      ],
    });
    const audio = { g1: [gappy(3)], g2: [gappy(4), gappy(5)], n: [noise(M, 6)] };
    const skipped = await renderAll(s, audio, { blockFrames: 500 });
    const full = await renderAll(s, audio, { blockFrames: 500, skipSilence: false });
    for (let c = 0; c < 2; c++) {
      assert.deepEqual(skipped.mix[c], full.mix[c], `mix ${c}`);
      for (const [i, st] of full.stems.entries()) assert.deepEqual(skipped.stems[i][c], st[c], `stem ${i}`);
    }
  });

  it("opens a source once for successive clips of the same audio, and closes everything", async () => {
    const M = 2000;
    const clips = Array.from({ length: 6 }, (_, i) =>
      clip("a", (i * 2 * M) / SR, M / SR, { offset: (i * 100) / SR }),
    );
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { a: ref(N) },
      tracks: [{ id: "t", pan: -1, takes: [{ id: "1", clips }] }],
    });
    let opened = 0;
    let closed = 0;
    const inner = new MemoryProvider({ a: [a] });
    const provider = {
      async open(id: string, r: Parameters<MemoryProvider["open"]>[1], rate: number) {
        opened++;
        const src = await inner.open(id, r, rate);
        return { ...src, read: src.read.bind(src), close: async () => void closed++ } as typeof src;
      },
    };
    const r = await SessionRenderer.create(s, provider, { blockFrames: 1000 });
    const L = new Float32Array(r.frames);
    let at = 0;
    for (let b = await r.next(); b; b = await r.next()) {
      L.set(b.mix[0], at);
      at += b.frames;
    }
    await r.close();
    assert.equal(opened, 1);
    assert.equal(closed, 1);
    // Each clip plays its own region of the source.
    for (let i = 0; i < 6; i++) {
      assert.equal(L[i * 2 * M + 10], a[i * 100 + 10]);
      if (i < 5) assert.equal(L[i * 2 * M + M + 10], 0);
    }
  });

  it("mutes and solos, keeping solo-safe aux returns", async () => {
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { a: ref(N), b: ref(N) },
      buses: [{ id: "verb" }],
      tracks: [
        {
          id: "ta",
          solo: true,
          sends: [{ bus: "verb" }],
          takes: [{ id: "1", clips: [clip("a", 0, N / SR)] }],
        },
        { id: "tb", takes: [{ id: "1", clips: [clip("b", 0, N / SR)] }] },
      ],
    });
    const { stems, renderer } = await renderAll(s, { a: [a], b: [b] });
    assert.deepEqual(
      renderer.stems.map((x) => [x.id, x.audible]),
      [
        ["ta", true],
        ["tb", false],
        ["verb", true],
      ],
    );
    assert.equal(maxAbsDiff(stems[1][0], new Float32Array(N)), 0);
    assert.ok(maxAbsDiff(stems[2][0], new Float32Array(N)) > 0.01);
  });

  it("reads a comp's takes only where its windows let them through, mixing as over whole clips", async () => {
    // Two 10 s takes; the comp uses 0.35 s of the first and 0.25 s of the second (an offset clip).
    const L = 10 * SR;
    const one = noise(L, 3);
    const two = noise(L, 4);
    const s = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { one: ref(L), two: ref(L) },
      tracks: [
        {
          id: "v",
          pan: -1,
          takes: [
            { id: "t1", clips: [clip("one", 0, L / SR)] },
            { id: "t2", clips: [clip("two", 0, 9.5, { offset: 0.5 })] },
          ],
          comp: {
            segments: [
              { take: "t1", start: 1, end: 1.25 },
              { take: "t2", start: 1.25, end: 1.5 },
              { take: "t1", start: 6, end: 6.1 },
            ],
            crossfade: 0.01,
            shape: "equal-power",
          },
        },
      ],
    });
    // Marks every source frame read, per audio id.
    const read: Record<string, { marks: Uint8Array; frames: number }> = {};
    const memory = new MemoryProvider({ one: [one], two: [two] });
    const provider = {
      async open(id: string, r: Session["audio"][string], sr: number): Promise<AudioSource> {
        const inner = await memory.open(id, r, sr);
        read[id] ??= { marks: new Uint8Array(L), frames: 0 };
        const log = read[id];
        return {
          channels: inner.channels,
          frames: inner.frames,
          sampleRate: inner.sampleRate,
          async read(start, frames, out) {
            log.frames += frames;
            log.marks.fill(1, start, start + frames);
            await inner.read(start, frames, out);
          },
          close: () => inner.close(),
        };
      },
    };
    const r = await SessionRenderer.create(s, provider, { blockFrames: 1000 });
    const mix = new Float32Array(r.frames);
    let at = 0;
    for (let b = await r.next(); b; b = await r.next()) {
      mix.set(b.mix[0], at);
      at += b.frames;
    }
    await r.close();
    assert.equal(at, L);

    // Each window ramps over 480 samples centred on its edges, so it reaches 240 samples beyond them.
    const xf = 480;
    const h = 240;
    const windows = [
      { x: one, offset: 0, from: 1 * SR, to: 1.25 * SR },
      { x: two, offset: 0.5 * SR, from: 1.25 * SR, to: 1.5 * SR },
      { x: one, offset: 0, from: 6 * SR, to: 6.1 * SR },
    ];
    const expectRead = { one: new Uint8Array(L), two: new Uint8Array(L) };
    for (const w of windows) {
      const marks = w.x === one ? expectRead.one : expectRead.two;
      marks.fill(1, w.from - h + w.offset, w.to - h + xf + w.offset);
    }
    assert.deepEqual(read.one.marks, expectRead.one);
    assert.deepEqual(read.two.marks, expectRead.two);
    // Each frame once: 0.25 s + 0.1 s of take one and 0.25 s of take two, each window plus its ramps.
    assert.equal(read.one.frames, 0.35 * SR + 2 * xf);
    assert.equal(read.two.frames, 0.25 * SR + xf);

    // The mix, sample by sample: each window's gain (ramps as float32 gains), summed in float32 in the order
    // of the segments. Everywhere else exactly silence.
    const gain = (w: (typeof windows)[number], t: number) => {
      const up = w.from - h;
      const down = w.to - h;
      if (t < up || t >= down + xf) return 0;
      let g = 1;
      if (t < up + xf) g *= clipFadeGain("equal-power", (t - up + 0.5) / xf);
      if (t >= down) g *= clipFadeGain("equal-power", 1 - (t - down + 0.5) / xf);
      return Math.fround(g);
    };
    let bad = 0;
    for (let t = 0; t < L; t++) {
      let sum = 0;
      for (const w of windows) {
        const g = gain(w, t);
        if (g !== 0) sum = Math.fround(sum + w.x[t + w.offset] * g);
      }
      if (!Object.is(mix[t], sum) && bad++ < 5) assert.fail(`sample ${t}: ${mix[t]}, expected ${sum}`);
    }
    // Flat inside a window: the take itself.
    assert.equal(mix[1.1 * SR], one[1.1 * SR]);
    assert.equal(mix[1.4 * SR], two[1.4 * SR + 0.5 * SR]);
  });
});
