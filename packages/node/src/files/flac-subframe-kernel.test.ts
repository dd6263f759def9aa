import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { type FlacDecoded, FlacFrameDecoder, type FlacStreamShape } from "./flac-decoder.ts";
import { FlacSubframeKernel } from "./flac-subframe-kernel.ts";
import { FFMPEG_FLAC_ENCODINGS, ffmpeg, synthFlac, tempFolder } from "./test-support.ts";

const tmp = tempFolder("flac-kernel");
after(() => tmp.remove());

/** mulberry32: a small seeded generator, so a failure repeats. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** MSB-first bit writer. */
class BitWriter {
  bytes: number[] = [];
  private acc = 0;
  private n = 0;
  /** `n` ≤ 32 bits of `v` (two's complement for negatives). */
  put(v: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | (Math.floor(v / 2 ** i) & 1);
      if (++this.n === 8) {
        this.bytes.push(this.acc & 0xff);
        this.acc = 0;
        this.n = 0;
      }
    }
  }
  /** `q` zeros, then a one. */
  unary(q: number): void {
    for (let i = 0; i < q; i++) this.put(0, 1);
    this.put(1, 1);
  }
  align(): void {
    while (this.n !== 0) this.put(0, 1);
  }
}

function crc8(b: number[], from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) {
    c ^= b[i];
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}

function crc16(b: ArrayLike<number>, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) {
    c ^= b[i] << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
  }
  return c;
}

/**
 * Random FLAC frames (no "fLaC" header: the decoder also starts at a frame) that reach every path of the
 * subframe decoder: constant, verbatim, fixed 0–4 and LPC 1–32 subframes, wasted bits, every stereo mode, 4-
 * and 5-bit Rice parameters from 0 to the largest, escape partitions of 0–31 bits, partition orders up to 8,
 * quotients long enough for the slow path. Most frames are tame (small LPC coefficients: samples that stay in
 * range); `wild` ones use any coefficients (samples that overflow: the decoder hands the frame over), a 16-bit
 * precision or a negative shift, an order above the block or a partition that cannot hold the warm-up.
 */
function randomStream(r: () => number, shape: FlacStreamShape, frames: number, wild: number): Uint8Array {
  const w = new BitWriter();
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const signed = (bits: number) => (bits === 0 ? 0 : int(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1));
  for (let f = 0; f < frames; f++) {
    const start = w.bytes.length;
    const n = r() < 0.2 ? int(1, 40) : r() < 0.5 ? 4096 : int(1, 3000) * 4;
    const chCode = shape.channels === 2 && r() < 0.7 ? int(8, 10) : shape.channels - 1;
    const ssCode = { 8: 1, 12: 2, 16: 4, 20: 5, 24: 6 }[shape.bitDepth] ?? 0;
    w.put(0xfff8, 16);
    w.put(7, 4); // block size − 1 in 16 bits after the frame number
    w.put(0, 4); // rate from STREAMINFO
    w.put(chCode, 4);
    w.put(r() < 0.5 ? ssCode : 0, 3);
    w.put(0, 1);
    w.put(f, 8); // frame number (< 128)
    w.put(n - 1, 16);
    w.put(crc8(w.bytes, start, w.bytes.length), 8);
    const isWild = r() < wild;
    for (let c = 0; c < (chCode >= 8 ? 2 : shape.channels); c++) {
      const side = (chCode === 9 && c === 0) || ((chCode === 8 || chCode === 10) && c === 1) ? 1 : 0;
      let bps = shape.bitDepth + side;
      const wasted = r() < 0.2 ? int(1, bps - 1) : 0;
      const kind = r();
      const type =
        kind < 0.08
          ? 0
          : kind < 0.14
            ? 1
            : kind < 0.4
              ? 8 + int(0, Math.min(4, n))
              : 31 + int(1, Math.min(32, n));
      w.put(0, 1);
      w.put(type, 6);
      w.put(wasted ? 1 : 0, 1);
      if (wasted) w.unary(wasted - 1);
      bps -= wasted;
      if (type === 0) w.put(signed(bps), bps);
      else if (type === 1) for (let i = 0; i < n; i++) w.put(signed(bps), bps);
      else {
        const order = type >= 32 ? type - 31 : type - 8;
        // Warm-up: small values in tame frames, so that predictions stay in range.
        for (let i = 0; i < order; i++) w.put(isWild ? signed(bps) : signed(Math.min(bps, 4)), bps);
        if (type >= 32) {
          const precision = isWild && r() < 0.2 ? 16 : int(1, 15);
          const shift = isWild && r() < 0.2 ? -int(1, 16) : int(0, 15);
          w.put(precision - 1, 4);
          w.put(shift, 5);
          for (let j = 0; j < order; j++) {
            // Tame: a sum of |coefficients| at most 2^shift / 2, so the prediction never grows; every tap used
            // (each one at most 2^shift / 2·order), or mostly the two newest.
            const lim =
              r() < 0.5 ? Math.floor(2 ** shift / (2 * order)) : j < 2 ? Math.floor(2 ** shift / 4) : 0;
            const tame = int(-lim, lim);
            const v = isWild
              ? signed(precision)
              : Math.max(-(2 ** (precision - 1)), Math.min(2 ** (precision - 1) - 1, tame));
            w.put(v, precision);
          }
        }
        const method = int(0, 1);
        const escapeCode = method ? 31 : 15;
        let po = 0;
        while (po < 8 && n % 2 ** (po + 1) === 0 && n >> (po + 1) >= order && r() < 0.6) po++;
        if (isWild && r() < 0.2) po = int(0, 15);
        w.put(method, 2);
        w.put(po, 4);
        const per = Math.floor(n / 2 ** po);
        let i = order;
        for (let p = 0; p < 2 ** po && i <= n; p++) {
          const stop = Math.min(n, (p + 1) * per);
          if (r() < 0.1) {
            const width = int(0, 31);
            w.put(escapeCode, method ? 5 : 4);
            w.put(width, 5);
            for (; i < stop; i++)
              w.put(isWild || width <= 4 ? signed(width) : signed(Math.min(width, 3)), width);
          } else {
            const k = int(0, escapeCode - 1);
            w.put(k, method ? 5 : 4);
            for (; i < stop; i++) {
              // Mostly about 2^k, sometimes far longer quotients (up to ~300 bits).
              const q = r() < 0.02 ? int(0, 300) : int(0, 3);
              let u = Math.min(2 ** 32 - 1, q * 2 ** k + Math.floor(r() * 2 ** k));
              if (!isWild) u = Math.min(u, 15);
              w.unary(Math.floor(u / 2 ** k));
              w.put(u % 2 ** k, k);
            }
          }
        }
      }
    }
    w.align();
    const crc = crc16(w.bytes, start, w.bytes.length);
    w.put(crc, 16);
  }
  return new Uint8Array(w.bytes);
}

/** What one push (or end) gave, copied. */
type Step = { channels: Float32Array[]; rest: Uint8Array | null; more: boolean };
const copy = (d: FlacDecoded): Step => ({
  channels: d.channels.map((c) => c.slice()),
  rest: d.rest?.slice() ?? null,
  more: d.more,
});

/**
 * Feeds `bytes` to a decoder in chunks of random sizes from `seed` (or all `chunk` long), with `maxFrames`,
 * pushing again while it holds frames back; returns every step's result.
 */
function steps(
  bytes: Uint8Array,
  shape: FlacStreamShape,
  wasm: boolean,
  seed: number,
  maxFrames = Infinity,
  chunk?: number,
): Step[] {
  const d = new FlacFrameDecoder(shape, { wasm });
  const r = rng(seed);
  const out: Step[] = [];
  for (let at = 0; at < bytes.length; ) {
    const k = chunk ?? 1 + Math.floor(r() * (r() < 0.5 ? 300 : 70000));
    let s = d.push(bytes.subarray(at, at + k), maxFrames);
    out.push(copy(s));
    while (s.more) {
      s = d.push(new Uint8Array(0), maxFrames);
      out.push(copy(s));
    }
    at += k;
  }
  out.push(copy(d.end()));
  return out;
}

/** Decodes `bytes` both ways with the same chunks; asserts the same steps. Returns the samples decoded. */
function same(
  bytes: Uint8Array,
  shape: FlacStreamShape,
  what: string,
  seed = 1,
  maxFrames = Infinity,
  chunk?: number,
): number {
  const ts = steps(bytes, shape, false, seed, maxFrames, chunk);
  const wasm = steps(bytes, shape, true, seed, maxFrames, chunk);
  assert.equal(wasm.length, ts.length, `${what}: steps`);
  let samples = 0;
  for (let i = 0; i < ts.length; i++) {
    const a = ts[i];
    const b = wasm[i];
    assert.equal(b.more, a.more, `${what}: step ${i} more`);
    assert.deepEqual(b.rest, a.rest, `${what}: step ${i} rest`);
    assert.equal(b.channels.length, a.channels.length, `${what}: step ${i} channels`);
    for (let c = 0; c < a.channels.length; c++) {
      const x = a.channels[c];
      const y = b.channels[c];
      assert.equal(y.length, x.length, `${what}: step ${i} channel ${c} length`);
      for (let k = 0; k < x.length; k++) {
        if (!Object.is(x[k], y[k]))
          assert.fail(`${what}: step ${i} channel ${c} sample ${k}: ${y[k]}, TypeScript ${x[k]}`);
      }
      samples += x.length;
    }
  }
  return samples;
}

/** Bytes after "fLaC" and the metadata blocks. */
function framesOf(bytes: Uint8Array): Uint8Array {
  let at = 4;
  for (let last = false; !last; ) {
    last = (bytes[at] & 0x80) !== 0;
    at += 4 + ((bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]);
  }
  return bytes.subarray(at);
}

describe("FLAC subframe kernel (WebAssembly) against the TypeScript path", () => {
  it("this host runs it", () => {
    assert.ok(FlacSubframeKernel.create(2, 0), "WebAssembly with SIMD");
  });

  it("random frames of every kind: the same samples, hand-overs and held-back frames", () => {
    const r = rng(20261207);
    let samples = 0;
    let handedOver = 0;
    for (let s = 0; s < 60; s++) {
      const channels = [1, 2, 2, 3, 8][s % 5];
      const bitDepth = [24, 16, 20, 8, 12, 4][s % 6];
      const shape = { sampleRate: 48000, channels, bitDepth };
      const bytes = randomStream(r, shape, 1 + Math.floor(r() * 12), s % 3 === 0 ? 0.3 : 0);
      const ts = steps(bytes, shape, false, s);
      if (ts.some((x) => x.rest)) handedOver++;
      samples += same(
        bytes,
        shape,
        `stream ${s} (${channels} ch, ${bitDepth} bits)`,
        s,
        s % 4 === 0 ? 5000 : Infinity,
      );
    }
    // The streams did reach both outcomes.
    assert.ok(samples > 500000, `${samples} samples`);
    assert.ok(handedOver >= 5 && handedOver <= 40, `${handedOver} streams handed over`);
  });

  it("damaged frames (random bytes changed, CRC-16 made to match again or not): the same outcome", () => {
    const r = rng(7);
    for (let s = 0; s < 150; s++) {
      const shape = { sampleRate: 48000, channels: 1 + (s % 2), bitDepth: s % 3 ? 24 : 16 };
      const clean = randomStream(r, shape, 2, 0);
      const bytes = clean.slice();
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++)
        bytes[20 + Math.floor(r() * (bytes.length - 22))] ^= 1 << Math.floor(r() * 8);
      if (s % 2 === 0) {
        // One frame: the CRC-16 covers all but the last two bytes.
        const crc = crc16(bytes, 0, bytes.length - 2);
        bytes[bytes.length - 2] = crc >> 8;
        bytes[bytes.length - 1] = crc & 0xff;
      }
      same(bytes.subarray(0, s % 5 === 0 ? bytes.length - 3 : bytes.length), shape, `damaged stream ${s}`, s);
    }
  });

  it("flac's encoder at levels 0–8, block sizes 16 … 65535, 16/24 bits, every stereo mode, wasted bits, LPC to order 32", () => {
    const src = synthFlac(tmp.path("src.flac"), { seconds: 3, channels: 2, seed: 3 });
    const wav24 = tmp.path("src24.wav");
    ffmpeg(["-i", src, "-c:a", "pcm_s24le", wav24]);
    const wav16 = tmp.path("src16.wav");
    ffmpeg(["-i", src, "-c:a", "pcm_s16le", wav16]);
    // 16-bit codes in 24 bits: wasted bits; and a mono copy.
    const wasted = tmp.path("wasted.wav");
    ffmpeg(["-i", wav16, "-c:a", "pcm_s24le", wasted]);
    const mono = tmp.path("mono.wav");
    ffmpeg(["-i", wav24, "-ac", "1", "-c:a", "pcm_s24le", mono]);
    const runs: [string, string[]][] = [];
    for (let level = 0; level <= 8; level++) runs.push([wav24, [`-${level}`]], [wav16, [`-${level}`]]);
    runs.push(
      [wav24, ["-8", "-b", "16", "--lax"]],
      [wav24, ["-8", "-b", "192"]],
      [wav24, ["-8", "-b", "4608"]],
      [wav24, ["-5", "-b", "16384", "--lax"]],
      [mono, ["--lax", "-b", "65535", "-r", "15"]],
      [wav24, ["-8", "-e", "-p", "-l", "32", "--lax"]],
      [mono, ["-8", "-l", "32", "-q", "15", "--lax", "-r", "0,8"]],
      [wav24, ["-5", "-M"]],
      [wav24, ["-5", "--no-mid-side"]],
      [wasted, ["-8"]],
      [wasted, ["-0"]],
    );
    let n = 0;
    for (const [wav, args] of runs) {
      const flac = tmp.path(`run${n++}.flac`);
      execFileSync("flac", ["-s", "-f", ...args, "-o", flac, wav], { stdio: "pipe" });
      const bytes = new Uint8Array(readFileSync(flac));
      const channels = wav === mono ? 1 : 2;
      const shape = { sampleRate: 48000, channels, bitDepth: wav === wav16 ? 16 : 24 };
      assert.ok(
        same(bytes, shape, `flac ${args.join(" ")}`, n, n % 3 ? Infinity : 9000) >= 3 * 48000 * channels,
      );
      // From a frame, without the metadata.
      if (n % 4 === 0) same(framesOf(bytes), shape, `flac ${args.join(" ")}, frames only`, n);
    }
  });

  it("pushes past the kernel's sizes: more floats than its output holds (copied out), more bytes than its buffer (a larger instance)", () => {
    // 12 s of stereo 24-bit noise: about 3 MB, 576 000 samples a channel.
    const flac = synthFlac(tmp.path("big.flac"), { seconds: 12, channels: 2, seed: 5 });
    const bytes = new Uint8Array(readFileSync(flac));
    assert.ok(bytes.length > 2 << 20);
    const shape = { sampleRate: 48000, channels: 2, bitDepth: 24 };
    for (const chunk of [bytes.length, 1_500_000, 400_000]) {
      assert.equal(same(bytes, shape, `pushes of ${chunk} bytes`, 1, Infinity, chunk), 2 * 12 * 48000);
    }
    // The decoder kept its kernel (a larger one) through the large push.
    const d = new FlacFrameDecoder(shape);
    assert.equal(d.push(bytes).channels[0].length, 12 * 48000);
    const kernel = (d as unknown as { kernel: FlacSubframeKernel | null }).kernel;
    assert.ok(kernel && kernel.pending.length > bytes.length, "a kernel with room for the push");
  });

  it("ffmpeg's encoder (its own Rice and LPC choices, every stereo mode)", () => {
    const src = synthFlac(tmp.path("ff-src.flac"), { seconds: 2, channels: 2, seed: 9 });
    let n = 0;
    for (const args of [
      ...FFMPEG_FLAC_ENCODINGS,
      [
        "-compression_level",
        "12",
        "-lpc_type",
        "levinson",
        "-max_prediction_order",
        "32",
        "-sample_fmt",
        "s32",
        "-bits_per_raw_sample",
        "24",
        "-strict",
        "-2",
      ],
    ]) {
      const flac = tmp.path(`ff${n++}.flac`);
      ffmpeg(["-i", src, "-c:a", "flac", ...args, flac]);
      const bytes = new Uint8Array(readFileSync(flac));
      const shape = { sampleRate: 48000, channels: 2, bitDepth: args.includes("s16") ? 16 : 24 };
      assert.ok(same(bytes, shape, `ffmpeg ${args.join(" ")}`, n) >= 2 * 48000 * 2);
    }
  });
});
