/** 24-bit decoding (word reads, a stereo loop) against the three-byte formula, for 1–3 channels. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodePcm } from "./pcm.ts";

describe("decodePcm s24", () => {
  for (const ch of [1, 2, 3]) {
    it(`${ch} channel(s): every sample equals bytes → signed 24-bit / 2^23, extremes included`, () => {
      const frames = 1001;
      const bytes = new Uint8Array(frames * ch * 3 + 5).subarray(5); // not at the buffer's start
      let seed = 7;
      for (let i = 0; i < bytes.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      // Full-scale negative, full-scale positive and zero in the first frames.
      bytes.set([0x00, 0x00, 0x80], 0);
      if (ch > 1) bytes.set([0xff, 0xff, 0x7f], 3);
      bytes.set([0, 0, 0], ch * 3);
      const out = Array.from({ length: ch }, () => new Float32Array(frames));
      decodePcm("s24", bytes, out, frames);
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < ch; c++) {
          const p = (i * ch + c) * 3;
          const x = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16);
          assert.equal(out[c][i], ((x << 8) >> 8) / 8388608, `frame ${i}, channel ${c}`);
        }
      }
      assert.equal(out[0][0], -1);
      if (ch > 1) assert.equal(out[1][0], 8388607 / 8388608);
    });
  }
});
