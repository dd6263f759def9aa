import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseSession } from "@controlroom/engine/session/load.ts";
import { openAudioFile } from "../files/open.ts";
import { createAudioWriter } from "../files/write.ts";
import { sha256File } from "../session/hash.ts";
import { renderSessionToFiles } from "./render-session.ts";

async function writeWav(path: string, data: Float32Array): Promise<void> {
  const w = await createAudioWriter(path, { sampleRate: 48000, channels: 1, bitDepth: 32 });
  await w.write([data]);
  await w.close();
}

describe("sessions with convolution inserts", () => {
  const dir = mkdtempSync(join(tmpdir(), "cr-ir-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("loads the impulse response from the session folder and compensates the convolver's latency", async () => {
    const n = 24000;
    const x = new Float32Array(n);
    let s = 12345;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      x[i] = (s / 2 ** 32 - 0.5) * 0.5;
    }
    const ir = new Float32Array(64);
    ir[0] = 1;
    await writeWav(join(dir, "x.wav"), x);
    await writeWav(join(dir, "ir.wav"), ir);
    const clip = { audio: "x", start: 0, length: n / 48000 };
    const session = parseSession({
      version: 2,
      sampleRate: 48000,
      audio: {
        x: {
          sha256: await sha256File(join(dir, "x.wav")),
          path: "x.wav",
          sampleRate: 48000,
          channels: 1,
          frames: n,
        },
      },
      tracks: [
        {
          // Hard left: the convolver outputs stereo (balance pan law), the dry track is mono (constant-power
          // law); at -1 both laws give unity on the left.
          id: "wet",
          pan: -1,
          inserts: [{ type: "convolution", ir: "ir.wav", mix: 1, gainDb: 0, partition: 256 }],
          takes: [{ id: "t", clips: [clip] }],
        },
        // The dry signal inverted: cancels the (unit-impulse) convolution only if the latency is compensated.
        { id: "dry", pan: -1, polarity: true, takes: [{ id: "t", clips: [clip] }] },
      ],
    });
    const res = await renderSessionToFiles(session, dir, join(dir, "mix.wav"), { bits: 32, threads: 1 });
    assert.equal(res.latency, 256);
    const r = await openAudioFile(join(dir, "mix.wav"));
    let peak = 0;
    let at = 0;
    for (let b = await r.read(8192); b; b = await r.read(8192)) {
      for (const v of b[0]) peak = Math.max(peak, Math.abs(v));
      at += b[0].length;
    }
    assert.equal(at, n);
    await r.close();
    assert.ok(peak < 1e-5, `residual ${peak}`);
  });
});
