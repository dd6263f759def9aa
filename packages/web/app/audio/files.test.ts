import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { audioBuffer, sine } from "../testing/fake-audio.ts";
import { peaksOf } from "./peaks.ts";
import { probeAudio } from "./probe.ts";
import { encodeWav } from "./wav.ts";

/** Reads a PCM WAV's samples back (16 or 24 bit), planar. */
function decodePcm(bytes: ArrayBuffer) {
  const v = new DataView(bytes);
  const ch = v.getUint16(22, true);
  const bits = v.getUint16(34, true);
  const n = v.getUint32(40, true) / (ch * (bits / 8));
  const out = Array.from({ length: ch }, () => new Float32Array(n));
  let o = 44;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < ch; c++) {
      if (bits === 16) out[c][i] = v.getInt16(o, true) / 32767;
      else out[c][i] = (v.getUint8(o) | (v.getUint8(o + 1) << 8) | (v.getInt8(o + 2) << 16)) / 8388607;
      o += bits / 8;
    }
  return { rate: v.getUint32(24, true), bits, channels: out };
}

describe("encodeWav", () => {
  it("writes 24-bit stereo PCM that reads back within one step", async () => {
    const l = sine(440, 0.5, 0.1);
    const r = sine(660, -0.25, 0.1);
    const blob = encodeWav([l, r], 48000, 24);
    assert.equal(blob.type, "audio/wav");
    const back = decodePcm(await blob.arrayBuffer());
    assert.deepEqual([back.rate, back.bits, back.channels.length], [48000, 24, 2]);
    for (let i = 0; i < l.length; i++) {
      assert.ok(Math.abs(back.channels[0][i] - l[i]) <= 1 / 8388607);
      assert.ok(Math.abs(back.channels[1][i] - r[i]) <= 1 / 8388607);
    }
  });

  it("writes 16-bit and clips beyond full scale", async () => {
    const back = decodePcm(await encodeWav([Float32Array.of(1.5, -2, 0.5)], 44100, 16).arrayBuffer());
    assert.equal(back.bits, 16);
    assert.deepEqual(
      [...back.channels[0]].map((x) => Math.round(x * 32767)),
      [32767, -32767, 16384],
    );
  });

  it("its header is what the session's audio reference needs", async () => {
    const bytes = await encodeWav([sine(100, 0.1, 1.5, 44100)], 44100, 24).arrayBuffer();
    assert.deepEqual(probeAudio(bytes), { sampleRate: 44100, channels: 1, frames: 66150 });
  });
});

describe("probeAudio", () => {
  it("reads FLAC's STREAMINFO: rate, channels, frames", () => {
    // fLaC, then a STREAMINFO block header and body: 48 kHz, 2 channels, 24 bit, 96 000 frames.
    const b = new Uint8Array(42);
    b.set([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34]);
    const rate = 48000;
    const s = 18;
    b[s] = rate >> 12;
    b[s + 1] = (rate >> 4) & 0xff;
    b[s + 2] = ((rate & 0xf) << 4) | ((2 - 1) << 1) | ((24 - 1) >> 4);
    b[s + 3] = ((24 - 1) & 0xf) << 4;
    new DataView(b.buffer).setUint32(s + 4, 96000);
    assert.deepEqual(probeAudio(b.buffer), { sampleRate: 48000, channels: 2, frames: 96000 });
  });

  it("knows nothing of other formats or truncated files", () => {
    assert.equal(probeAudio(new TextEncoder().encode("ID3\u0004 an mp3 file").buffer), null);
    assert.equal(probeAudio(new ArrayBuffer(8)), null);
  });
});

describe("peaksOf", () => {
  it("takes the largest magnitude per bucket, per channel", () => {
    const x = Float32Array.from({ length: 8 }, (_, i) => (i % 2 ? -1 : 1) * (i / 10));
    const peaks = peaksOf(audioBuffer([x, x.map((v) => v / 2)]), 4);
    assert.deepEqual(
      peaks.map((p) => p.map((v) => Math.round(v * 100) / 100)),
      [
        [0.1, 0.3, 0.5, 0.7],
        [0.05, 0.15, 0.25, 0.35],
      ],
    );
  });
});
