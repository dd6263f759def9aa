import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { FLACDecoder } from "@wasm-audio-decoders/flac";
import { FileSource } from "./file-source.ts";
import { FlacFrameDecoder } from "./flac-decoder.ts";
import { readFlacHeader } from "./flac-header.ts";
import { openAudioFile } from "./open.ts";
import {
  CORPUS,
  FFMPEG_FLAC_ENCODINGS,
  ffmpeg,
  firstDifference,
  hasCorpus,
  referenceFloats,
  tempFolder,
} from "./test-support.ts";

const tmp = tempFolder("flac-decoder");
after(() => tmp.remove());

/**
 * A test signal as a WAV: low-passed noise, a sine sweep, digital silence, DC, a full-scale square and loud white
 * noise (constant, verbatim, fixed and LPC subframes all get used), `bits` deep; `wasted`: 16-bit codes in a
 * 24-bit file (the encoder then signals wasted bits). A second channel is a delayed, scaled, inverted copy plus
 * noise, so stereo decorrelation has work to do.
 */
function signalWav(name: string, o: { rate: number; channels: number; bits: 8 | 16 | 24; wasted?: boolean }) {
  const sr = o.rate;
  const n = Math.round(4.7 * sr);
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 31 - 1;
  };
  const x = new Float64Array(n);
  let lp = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    if (t < 1.5) x[i] = lp = 0.97 * lp + 0.03 * 4 * noise();
    else if (t < 2.5) x[i] = 0.6 * Math.sin(2 * Math.PI * (200 + 3000 * (t - 1.5)) * (t - 1.5));
    else if (t < 3.2) x[i] = 0;
    else if (t < 3.5) x[i] = 0.25;
    else if (t < 3.9) x[i] = Math.floor(t * 200) % 2 ? 1 : -1;
    else x[i] = 0.9 * noise();
  }
  const bits = o.wasted ? 16 : o.bits;
  const stored = o.wasted ? 24 : o.bits;
  const max = 2 ** (bits - 1);
  const code = (v: number) => Math.max(-max, Math.min(max - 1, Math.round(v * max)));
  const bytes = stored / 8;
  const data = Buffer.alloc(n * o.channels * bytes);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < o.channels; c++) {
      const v = c === 0 ? x[i] : -0.7 * (x[i - 3] ?? 0) + 0.01 * noise();
      let k = code(v) * 2 ** (stored - bits);
      const at = (i * o.channels + c) * bytes;
      if (stored === 8) data[at] = k + 128;
      else {
        if (k < 0) k += 2 ** stored;
        for (let b = 0; b < bytes; b++) data[at + b] = (k >> (8 * b)) & 0xff;
      }
    }
  }
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVEfmt ", 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(o.channels, 22);
  h.writeUInt32LE(sr, 24);
  h.writeUInt32LE(sr * o.channels * bytes, 28);
  h.writeUInt16LE(o.channels * bytes, 32);
  h.writeUInt16LE(stored, 34);
  h.write("data", 36);
  h.writeUInt32LE(data.length, 40);
  const path = tmp.path(`${name}.wav`);
  writeFileSync(path, Buffer.concat([h, data]));
  return path;
}

/** Decodes a whole FLAC file with the frame decoder, fed in uneven chunks; fails if it hands anything over. */
async function decodeAll(path: string): Promise<Float32Array> {
  const src = await FileSource.open(path);
  const h = await readFlacHeader(src);
  await src.close();
  const bytes = readFileSync(path);
  const d = new FlacFrameDecoder({ sampleRate: h.sampleRate, channels: h.channels, bitDepth: h.bitDepth });
  const chunks: Float32Array[][] = [];
  let seed = 1;
  for (let at = 0; at < bytes.length; ) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const k = 1 + (seed % 70000);
    const r = d.push(bytes.subarray(at, at + k));
    assert.equal(r.rest, null, `${path}: handed over at byte ${at}`);
    chunks.push(r.channels.map((c) => c.slice())); // views, valid until the next push
    at += k;
  }
  const r = d.end();
  assert.equal(r.rest, null, `${path}: unfinished frame at the end`);
  chunks.push(r.channels);
  const n = chunks.reduce((t, c) => t + (c[0]?.length ?? 0), 0);
  const out = new Float32Array(n * h.channels);
  let k = 0;
  for (const c of chunks) {
    const m = c[0]?.length ?? 0;
    for (let i = 0; i < m; i++)
      for (let ch = 0; ch < h.channels; ch++) out[(k + i) * h.channels + ch] = c[ch][i];
    k += m;
  }
  return out;
}

/** The reference libFLAC's `flac -d` decodes, as floats integer / 2^(bits−1). */
function libFlacFloats(path: string, bits: 8 | 16 | 24): Float32Array {
  const raw = execFileSync(
    "flac",
    ["-d", "-s", "-c", "--force-raw-format", "--endian=little", "--sign=signed", path],
    { maxBuffer: 1 << 30 },
  );
  const bytes = bits / 8;
  const out = new Float32Array(raw.length / bytes);
  for (let i = 0; i < out.length; i++) out[i] = raw.readIntLE(i * bytes, bytes) / 2 ** (bits - 1);
  return out;
}

describe("FLAC frame decoder", () => {
  const cases: {
    name: string;
    rate: number;
    channels: number;
    bits: 8 | 16 | 24;
    wasted?: boolean;
    args: string[];
  }[] = [
    { name: "24-bit stereo -8", rate: 48000, channels: 2, bits: 24, args: ["-8"] },
    { name: "24-bit stereo -0 (fixed predictors)", rate: 48000, channels: 2, bits: 24, args: ["-0"] },
    { name: "24-bit mono -5", rate: 44100, channels: 1, bits: 24, args: ["-5"] },
    {
      name: "24-bit stereo, LPC order 32, exhaustive",
      rate: 96000,
      channels: 2,
      bits: 24,
      args: ["-8", "-e", "-p", "-l", "32", "--lax"],
    },
    {
      name: "24-bit stereo, independent channels",
      rate: 48000,
      channels: 2,
      bits: 24,
      args: ["-5", "--no-mid-side"],
    },
    {
      name: "24-bit stereo, adaptive mid/side, 192-sample blocks",
      rate: 48000,
      channels: 2,
      bits: 24,
      args: ["-8", "-M", "-b", "192"],
    },
    {
      name: "24-bit mono, 65535-sample blocks, partition order 15",
      rate: 48000,
      channels: 1,
      bits: 24,
      args: ["--lax", "-b", "65535", "-r", "15"],
    },
    { name: "16-bit stereo -8", rate: 44100, channels: 2, bits: 16, args: ["-8"] },
    {
      name: "16-bit mono, 1152-sample blocks, odd rate",
      rate: 37800,
      channels: 1,
      bits: 16,
      args: ["-5", "-b", "1152"],
    },
    { name: "8-bit mono", rate: 22050, channels: 1, bits: 8, args: ["-5"] },
    {
      name: "16-bit codes in 24 bits (wasted bits)",
      rate: 48000,
      channels: 2,
      bits: 24,
      wasted: true,
      args: ["-8"],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the samples libFLAC decodes, every frame taken`, async () => {
      const slug = c.name.replace(/[^a-z0-9]+/gi, "-");
      const wav = signalWav(slug, c);
      const flac = tmp.path(`${slug}.flac`);
      execFileSync("flac", ["-s", "-f", ...c.args, "-o", flac, wav], { stdio: "pipe" });
      const got = await decodeAll(flac);
      const want = libFlacFloats(flac, c.bits);
      assert.ok(want.length > 0);
      const i = firstDifference(got, want);
      assert.equal(
        i,
        -1,
        `sample ${i}: ${got[i]} against libFLAC's ${want[i]} (${got.length} / ${want.length})`,
      );
    });
  }

  it("ffmpeg's encoder (its own rice and LPC choices, 24 and 16 bits): the samples ffmpeg decodes", async () => {
    const wav = signalWav("ff", { rate: 48000, channels: 2, bits: 24 });
    for (const args of FFMPEG_FLAC_ENCODINGS) {
      const flac = tmp.path(`ff-${args.join("")}.flac`);
      ffmpeg(["-i", wav, "-c:a", "flac", ...args, flac]);
      assert.equal(
        firstDifference(await decodeAll(flac), referenceFloats(flac, "s32le")),
        -1,
        args.join(" "),
      );
    }
  });

  it("the corpus's FLAC files", { skip: hasCorpus() ? false : "no corpus" }, async () => {
    for (const dir of ["song1", "takes", "mixes"]) {
      for (const f of readdirSync(`${CORPUS}/${dir}`).filter((x) => x.endsWith(".flac"))) {
        const path = `${CORPUS}/${dir}/${f}`;
        assert.equal(firstDifference(await decodeAll(path), referenceFloats(path, "s32le")), -1, path);
      }
    }
  });

  it("hands a damaged frame and everything after it to libFLAC: the reader reads what libFLAC alone reads", async () => {
    const wav = signalWav("damaged", { rate: 48000, channels: 1, bits: 24 });
    const flac = tmp.path("clean.flac");
    execFileSync("flac", ["-s", "-f", "-5", "-b", "4096", "-o", flac, wav], { stdio: "pipe" });
    const bytes = new Uint8Array(readFileSync(flac));
    const bad = bytes.slice();
    const at = Math.floor(bad.length / 2);
    bad[at] ^= 0x5a;
    const damaged = tmp.path("damaged.flac");
    writeFileSync(damaged, bad);
    const d = new FlacFrameDecoder({ sampleRate: 48000, channels: 1, bitDepth: 24 });
    const r = d.push(bad);
    assert.ok(r.rest !== null && r.rest.length > bad.length - at && r.rest.length < bad.length - at + 70000);
    assert.equal(d.push(new Uint8Array(10)).rest?.length, 10, "after handing over, later bytes go along");
    const read = async (p: string) => {
      const reader = await openAudioFile(p);
      const parts: Float32Array[] = [];
      for (let b = await reader.read(8192); b; b = await reader.read(8192)) parts.push(b[0].slice());
      await reader.close();
      const out = new Float32Array(parts.reduce((t, x) => t + x.length, 0));
      let k = 0;
      for (const x of parts) {
        out.set(x, k);
        k += x.length;
      }
      return out;
    };
    const clean = await read(flac);
    const hurt = await read(damaged);
    // libFLAC (behind codec-parser) alone, on the damaged file: as many samples.
    const lib = new FLACDecoder();
    await lib.ready;
    let n = 0;
    for (let i = 0; i < bad.length; i += 262144)
      n += (await lib.decode(bad.subarray(i, i + 262144))).samplesDecoded;
    n += (await lib.flush()).samplesDecoded;
    lib.free();
    assert.equal(hurt.length, n);
    // Up to the damaged frame, the clean file's samples.
    const before = r.channels[0]?.length ?? 0;
    assert.ok(before > 0 && before % 4096 === 0);
    assert.equal(firstDifference(hurt.subarray(0, before), clean.subarray(0, before)), -1);
  });

  it("an LPC frame whose samples leave their bit depth (CRCs valid): handed to libFLAC, not decoded", () => {
    // One frame of low-passed noise (LPC, no wasted bits), 16-bit mono.
    const wav = signalWav("lpc-overflow", { rate: 48000, channels: 1, bits: 16 });
    const flac = tmp.path("lpc-overflow.flac");
    execFileSync("flac", ["-s", "-f", "-8", "-b", "4096", "--no-padding", "--until=4096", "-o", flac, wav], {
      stdio: "pipe",
    });
    const bytes = new Uint8Array(readFileSync(flac));
    // The first frame starts after "fLaC" and the metadata blocks.
    let at = 4;
    for (let last = false; !last; ) {
      last = (bytes[at] & 0x80) !== 0;
      at += 4 + ((bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]);
    }
    const frame = at;
    const shape = { sampleRate: 48000, channels: 1, bitDepth: 16 };
    assert.equal(new FlacFrameDecoder(shape).push(bytes).rest, null, "the clean file is decoded");
    // Header of 6 bytes (frame 0; block size 4096 and rate 48 kHz from their codes), then the subframe header.
    assert.equal(bytes[frame + 2], 0xca);
    const head = bytes[frame + 6];
    const order = ((head >> 1) & 0x3f) - 31;
    assert.ok(order >= 1 && (head & 1) === 0, "an LPC subframe without wasted bits");
    // Every coefficient set to the largest its precision holds: the prediction grows without bound.
    let bit = (frame + 7) * 8 + order * 16;
    const field = (n: number) => {
      let v = 0;
      for (let i = 0; i < n; i++, bit++) v = (v << 1) | ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
      return v;
    };
    const precision = field(4) + 1;
    field(5);
    const largest = 2 ** (precision - 1) - 1;
    for (let c = 0; c < order; c++) {
      for (let i = precision - 1; i >= 0; i--, bit++) {
        const mask = 0x80 >> (bit & 7);
        bytes[bit >> 3] = (largest >> i) & 1 ? bytes[bit >> 3] | mask : bytes[bit >> 3] & ~mask;
      }
    }
    // CRC-16 of the frame (it is the file's last), so only the prediction is wrong.
    let crc = 0;
    for (let i = frame; i < bytes.length - 2; i++) {
      crc ^= bytes[i] << 8;
      for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
    }
    bytes[bytes.length - 2] = crc >> 8;
    bytes[bytes.length - 1] = crc & 0xff;
    const r = new FlacFrameDecoder(shape).push(bytes);
    assert.equal(r.channels.length, 0);
    assert.equal(r.rest?.length, bytes.length - frame, "handed over from the frame on");
  });

  it("a truncated file: the whole frames, the unfinished one handed over", async () => {
    const wav = signalWav("cut", { rate: 48000, channels: 2, bits: 16 });
    const flac = tmp.path("whole.flac");
    execFileSync("flac", ["-s", "-f", "-5", "-o", flac, wav], { stdio: "pipe" });
    const bytes = new Uint8Array(readFileSync(flac));
    const d = new FlacFrameDecoder({ sampleRate: 48000, channels: 2, bitDepth: 16 });
    const cut = bytes.subarray(0, bytes.length - 100);
    const pushed = d.push(cut);
    const a = { ...pushed, channels: pushed.channels.map((c) => c.slice()) }; // views until the next call
    const b = d.end();
    assert.equal(a.rest, null);
    assert.ok(b.rest !== null && b.rest.length > 100);
    const n = (a.channels[0]?.length ?? 0) + (b.channels[0]?.length ?? 0);
    assert.ok(n > 0 && n % 4096 === 0);
    const want = referenceFloats(flac, "s32le");
    const got = new Float32Array(n * 2);
    let k = 0;
    for (const part of [a.channels, b.channels]) {
      for (let i = 0; i < (part[0]?.length ?? 0); i++, k++) {
        got[2 * k] = part[0][i];
        got[2 * k + 1] = part[1][i];
      }
    }
    assert.equal(firstDifference(got, want.subarray(0, n * 2)), -1);
  });

  it("a push stops starting frames at maxFrames (more: true) and the frames held back come with the next pushes, bit for bit", async () => {
    const wav = signalWav("held-back", { rate: 48000, channels: 2, bits: 24 });
    const flac = tmp.path("held-back.flac");
    // Digital silence in the signal: constant subframes, a few bytes for 4096 samples.
    execFileSync("flac", ["-s", "-f", "-5", "-o", flac, wav], { stdio: "pipe" });
    const bytes = new Uint8Array(readFileSync(flac));
    const whole = await decodeAll(flac);
    const d = new FlacFrameDecoder({ sampleRate: 48000, channels: 2, bitDepth: 24 });
    const max = 10000;
    const got = new Float32Array(whole.length);
    let k = 0;
    let heldBack = 0;
    const keep = (r: { channels: Float32Array[] }) => {
      const m = r.channels[0]?.length ?? 0;
      for (let i = 0; i < m; i++, k++) {
        got[2 * k] = r.channels[0][i];
        got[2 * k + 1] = r.channels[1][i];
      }
      return m;
    };
    // Everything in one push: it gives at most max + one frame (4096) at a time.
    let r = d.push(bytes, max);
    for (;;) {
      assert.equal(r.rest, null);
      const m = keep(r);
      assert.ok(m <= max + 4096, `a push gave ${m} frames`);
      if (!r.more) break;
      assert.ok(m >= max, "held back before reaching maxFrames");
      heldBack++;
      r = d.push(new Uint8Array(0), max);
    }
    const e = d.end();
    assert.equal(e.more, false);
    keep(e);
    assert.ok(heldBack >= 10, `only ${heldBack} pushes held frames back`);
    assert.equal(k * 2, whole.length);
    assert.equal(firstDifference(got, whole), -1);
  });
});
