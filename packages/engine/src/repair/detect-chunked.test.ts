/**
 * The chunked detection against the whole-file one: a long synthetic take (small chunks so the test is fast)
 * with clicks at and around the chunk edges, a clipped run straddling an edge, hum, noise and DC.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClippingRuns } from "./clipping-runs.ts";
import { detectClipping } from "./declip.ts";
import { detectProblems, type ProblemReport } from "./detect.ts";
import { ChunkedDetection, type ChunkedDetectOptions } from "./detect-chunked.ts";
import { gaussian, sungSignal } from "./test-signal.test.ts";

/** Runs both passes, feeding the first in uneven blocks (as a file reader does). */
function chunked(channels: Float32Array[], sampleRate: number, options: ChunkedDetectOptions): ProblemReport {
  const d = new ChunkedDetection(sampleRate, channels.length, options);
  const n = channels[0].length;
  for (let at = 0, k = 0; at < n; k++) {
    const len = Math.min(n - at, 40000 + ((k * 7919) % 30000));
    d.measure(channels.map((x) => x.subarray(at, at + len)));
    at += len;
  }
  for (const c of d.chunks())
    d.scan(
      c,
      channels.map((x) => x.slice(c.start, c.end)),
    );
  return d.finish();
}

const RATE = 16000;
const SECONDS = 200;
const CHUNK_SECONDS = 20;

/** Hum harmonics (number, peak amplitude), as in repair.test.ts's dehum test, on 60.3 Hz. */
const HUM = [
  [1, 0.03],
  [2, 0.01],
  [3, 0.02],
  [5, 0.005],
];

/** A take of sung phrases (different seeds) with noise, hum and DC on both channels. */
function longTake(): Float32Array[] {
  const n = SECONDS * RATE;
  const left = new Float32Array(n);
  for (let at = 0, seed = 1; at < n; seed++) {
    const phrase = sungSignal(RATE, 4 + (seed % 3), seed);
    left.set(phrase.subarray(0, Math.min(phrase.length, n - at)), at);
    at += phrase.length;
  }
  const right = new Float32Array(n);
  const noiseL = gaussian(n, 10 ** (-80 / 20), 11);
  const noiseR = gaussian(n, 10 ** (-78 / 20), 12);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    let hum = 0;
    for (const [k, a] of HUM) hum += a * Math.sin(2 * Math.PI * k * 60.3 * t + k);
    const l = left[i];
    left[i] = l + noiseL[i] + hum + 0.004;
    right[i] = 0.8 * l + noiseR[i] + hum - 0.002;
  }
  return [left, right];
}

describe("ChunkedDetection", () => {
  const take = longTake();
  const probe = new ChunkedDetection(RATE, 2, { chunkSeconds: CHUNK_SECONDS });
  const C = probe.chunkFrames;
  const M = probe.margin;
  // Clicks at, just before and after core edges, at the margins' ends and in mid-chunk.
  const clickAt: [number, number][] = [];
  for (let k = 1; k * C < take[0].length - M; k++) {
    if (k === 3) continue; // the clipped passage's edge
    const edge = k * C;
    const offsets = [[0], [-1], [1], [-300], [700], [-M], [M - 1], [C >> 1]][k % 8];
    for (const o of offsets) clickAt.push([Math.abs(k + o) % 2, edge + o]);
  }
  for (const [c, p] of clickAt) take[c][p] += c ? -0.3 : 0.3;
  // A clipped passage straddling the third core edge: a loud 200 Hz burst cut at ±0.6, a peak on the edge.
  const edge = 3 * C;
  const burst = Math.round(0.05 * RATE);
  for (let i = edge - burst; i < edge + burst; i++) {
    const v = take[0][i] + 1.2 * Math.cos((2 * Math.PI * 200 * (i - edge)) / RATE);
    take[0][i] = Math.fround(Math.max(-0.6, Math.min(0.6, v)));
  }
  const whole = detectProblems(take, RATE);
  const parts = chunked(take, RATE, { chunkSeconds: CHUNK_SECONDS });

  it("finds every planted click once, at its sample, as the whole-file scan does", () => {
    assert.ok(parts.clicks.count >= clickAt.length, `found ${parts.clicks.count}`);
    for (const [c, p] of clickAt) {
      const hits = parts.clicks.events.filter(
        (e) => e.channel === c && e.start <= p && e.start + e.length > p,
      );
      assert.equal(hits.length, 1, `click at ${p} ch ${c}: ${JSON.stringify(hits)}`);
    }
    assert.deepEqual(parts.clicks, whole.clicks);
    assert.deepEqual(parts.crackle, whole.crackle);
  });

  it("counts the clipped runs across the edge as the whole-file scan does", () => {
    assert.ok(whole.clipping.runs > 3, `whole: ${whole.clipping.runs} runs`);
    assert.ok(
      whole.clipping.spans.some(([, s, l]) => s < edge && s + l > edge),
      "a run straddles the chunk edge",
    );
    assert.deepEqual(parts.clipping, whole.clipping);
  });

  it("agrees on hum, noise floor and DC", () => {
    assert.ok(whole.hum, "hum found");
    assert.deepEqual(parts.hum, whole.hum);
    assert.deepEqual(parts.dc, whole.dc);
    assert.ok(whole.dc.found);
    assert.ok(
      Math.abs(parts.noise.floorDb - whole.noise.floorDb) < 1e-9,
      `${parts.noise.floorDb} vs ${whole.noise.floorDb}`,
    );
    assert.equal(parts.noise.found, whole.noise.found);
    assert.deepEqual(parts.summary, whole.summary);
    assert.equal(parts.frames, whole.frames);
  });

  it("scans a recording that fits in one chunk whole (the same report)", () => {
    const short = take.map((x) => x.subarray(0, 12 * RATE));
    assert.deepEqual(chunked(short, RATE, { chunkSeconds: CHUNK_SECONDS }), detectProblems(short, RATE));
  });
});

describe("ClippingRuns", () => {
  it("finds detectClipping's runs whatever the stretches", () => {
    const n = 20000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++)
      x[i] = Math.fround(Math.max(-0.5, Math.min(0.7, 0.9 * Math.sin(i / 7.3) + 0.1 * Math.sin(i / 2.1))));
    x[0] = 0.7; // a run at the very start and one at the very end: their edges cannot be looked at
    x[n - 1] = 0.7;
    const expected = detectClipping(x);
    assert.ok(expected.runs > 100);
    for (const step of [1, 2, 3, 97, 4096, n]) {
      let max = 0;
      let min = 0;
      for (const v of x) {
        if (v > max) max = v;
        else if (v < min) min = v;
      }
      const runs = new ClippingRuns(max, min, n);
      for (let at = 0; at < n; at += step) runs.scan(x, 0, at, Math.min(n, at + step));
      assert.deepEqual(runs.finish(), expected, `step ${step}`);
    }
  });
});
