/**
 * The browser's A/B of a proposal, rendered with the engine: both sides are the span of their session, and the
 * level-matching gains bring them to the same integrated loudness (measured again here with the engine's meter).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loudness } from "@controlroom/engine/brief/features.ts";
import { parseSession } from "@controlroom/engine/session/load.ts";
import { renderMixSpan, renderProposalAB } from "./engine-ab.ts";

const SR = 48000;

function session(volumeDb: number, inserts: unknown[] = []) {
  return parseSession(
    {
      version: 2,
      sampleRate: SR,
      audio: {
        tone: { sha256: "a".repeat(64), path: "tone.wav", sampleRate: SR, channels: 1, frames: 4 * SR },
      },
      tracks: [
        { id: "v", volumeDb, inserts, takes: [{ id: "t", clips: [{ audio: "tone", start: 0, length: 4 }] }] },
      ],
    },
    "test session",
  );
}

const tone = new Float32Array(4 * SR);
for (let i = 0; i < tone.length; i++)
  tone[i] = 0.2 * Math.sin((2 * Math.PI * 440 * i) / SR) + 0.05 * Math.sin((2 * Math.PI * 9000 * i) / SR);
const audio = { tone: [tone] };

test("the span of the mix is rendered: its length, and the fader's level", async () => {
  const a = await renderMixSpan(session(0), audio, { start: 1, end: 3 });
  const b = await renderMixSpan(session(-6), audio, { start: 1, end: 3 });
  assert.equal(a[0].length, 2 * SR);
  const d = loudness(b, SR) - loudness(a, SR);
  assert.ok(Math.abs(d + 6) < 0.05, `fader −6 dB measured ${d.toFixed(2)} dB`);
  await assert.rejects(renderMixSpan(session(0), audio, { start: 2, end: 2 }), /span/);
});

test("current and proposed are levelled: after their gains both read the quieter side's loudness", async () => {
  const proposed = session(3, [{ type: "eq", bands: [{ kind: "highshelf", freq: 8000, gainDb: 6 }] }]);
  const ab = await renderProposalAB(session(0), proposed, audio, { start: 0.5, end: 3.5 });
  assert.ok(ab.proposedLufs > ab.currentLufs + 2.5, `${ab.proposedLufs} vs ${ab.currentLufs}`);
  assert.equal(ab.currentGainDb, 0);
  assert.ok(ab.proposedGainDb < -2.5);
  const g = 10 ** (ab.proposedGainDb / 20);
  const levelled = ab.proposed.map((c) => c.map((x) => x * g));
  assert.ok(Math.abs(loudness(levelled, SR) - ab.currentLufs) < 0.1);
});
