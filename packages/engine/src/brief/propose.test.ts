/**
 * The brief end to end on synthetic material (always runs): a 4 s session of a drum loop, a sung-like vocal and
 * stereo keys in memory; notes become moves, the moves are applied and rendered, and the render must move each
 * feature the way the note asked, as predicted.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { MemoryProvider } from "../render/source.ts";
import { parseSession } from "../session/load.ts";
import type { Session } from "../session/schema.ts";
import { descriptorByName } from "./lexicon.ts";
import { measureTarget } from "./measure-target.ts";
import { featureFor } from "./moves.ts";
import { applyProposal, BriefError, proposeMoves } from "./propose.ts";
import { type RenderedTargets, renderTargets } from "./render-span.ts";

const SR = 48000;
const SECONDS = 4;
const N = SR * SECONDS;

/** Deterministic noise. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** A drum loop: a 55 Hz thump with a noise click every 0.5 s, a noise snare every second. */
function drums(): Float32Array {
  const x = new Float32Array(N);
  const r = rng(1);
  for (let hit = 0; hit < SECONDS * 2; hit++) {
    const at = hit * SR * 0.5;
    for (let i = 0; i < SR * 0.4 && at + i < N; i++) {
      const t = i / SR;
      let v = 0.5 * Math.sin(2 * Math.PI * 55 * t) * Math.exp(-t * 12) + 0.3 * r() * Math.exp(-t * 200);
      if (hit % 2 === 1)
        v += 0.25 * r() * Math.exp(-t * 25) + 0.2 * Math.sin(2 * Math.PI * 200 * t) * Math.exp(-t * 30);
      x[at + i] += v;
    }
  }
  return x;
}

/** A sung-like line: harmonics of 220/247/262 Hz with a formant lift at 3 kHz, and a hiss "s" each second. */
function vocal(): Float32Array {
  const x = new Float32Array(N);
  const r = rng(2);
  const notes = [220, 247, 262, 220];
  for (let i = 0; i < N; i++) {
    const t = i / SR;
    const f0 = notes[Math.floor(t) % notes.length];
    let v = 0;
    for (let h = 1; h <= 30; h++) {
      const f = f0 * h;
      if (f > 16000) break;
      const formant = 1 + 2 * Math.exp(-(((f - 3000) / 800) ** 2)) + Math.exp(-(((f - 600) / 300) ** 2));
      v += (Math.sin(2 * Math.PI * f * t) / h) * formant;
    }
    const phase = t % 1;
    const env = phase < 0.8 ? Math.min(1, phase * 20) : 0;
    const s = phase >= 0.8 && phase < 0.9 ? 0.3 * r() : 0;
    x[i] = 0.15 * v * env + s;
  }
  return x;
}

/** Stereo keys: a chord with a slightly different voicing per side. */
function keys(): Float32Array[] {
  const l = new Float32Array(N);
  const rr = new Float32Array(N);
  const chord = [220, 277, 330, 440];
  for (let i = 0; i < N; i++) {
    const t = i / SR;
    let a = 0;
    let b = 0;
    for (const [k, f] of chord.entries()) {
      a += Math.sin(2 * Math.PI * f * t) * 0.1 + Math.sin(2 * Math.PI * 2 * f * t) * 0.03;
      b += Math.sin(2 * Math.PI * f * 1.003 * t + k) * 0.1 + Math.sin(2 * Math.PI * 2 * f * t + k) * 0.03;
    }
    const env = 0.6 + 0.4 * Math.exp(-(t % 1) * 3);
    l[i] = a * env;
    rr[i] = b * env;
  }
  return [l, rr];
}

const ref = (id: string, channels: number) => ({
  sha256: "0".repeat(64),
  path: `${id}.wav`,
  sampleRate: SR,
  channels,
  frames: N,
});
const track = (id: string, channels: 1 | 2) => ({
  id,
  channels,
  takes: [{ id: "t", clips: [{ audio: id, start: 0, length: SECONDS }] }],
});

describe("the brief on a synthetic session", () => {
  let session: Session;
  let provider: MemoryProvider;
  let base: RenderedTargets;
  const render = (s: Session) => renderTargets(s, provider, { start: 0, end: SECONDS });
  before(async () => {
    session = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { drums: ref("drums", 1), vox: ref("vox", 1), keys: ref("keys", 2) },
      tracks: [track("drums", 1), track("vox", 1), track("keys", 2)],
    });
    provider = new MemoryProvider({ drums: [drums()], vox: [vocal()], keys: keys() });
    base = await render(session);
  });

  const cases: [string, string, "more" | "less"][] = [
    ["warmer keys", "warm", "more"],
    ["punchier drums", "punchy", "more"],
    ["vocal more forward", "forward", "more"],
    ["wider keys", "wide", "more"],
    ["wetter vocal", "wet", "more"],
    ["vocal less harsh", "harsh", "less"],
    ["the whole mix darker", "bright", "less"],
    ["more glue on the mix", "glue", "more"],
  ];
  for (const [note, name, direction] of cases) {
    test(`"${note}" moves ${name} the way asked, as predicted`, async () => {
      const p = proposeMoves(session, note, base.audioOf);
      assert.equal(p.moves.length, 1, JSON.stringify(p));
      const m = p.moves[0];
      assert.ok(m.changes.length > 0, m.reason);
      const d = descriptorByName(name);
      const f = featureFor(d, m.target);
      const changed = applyProposal(session, p);
      const now = measureTarget(changed, await render(changed), m.target).features[f];
      const was = measureTarget(session, base, m.target).features[f];
      const sign = d.sign * (direction === "more" ? 1 : -1);
      assert.ok((now - was) * sign >= d.minChange, `${f} ${was} → ${now}: ${m.reason}`);
      // The prediction (made by running the processors on the measured audio) agrees with the render.
      assert.ok(
        Math.abs(now - m.predicted.after) <= Math.max(0.5, Math.abs(m.predicted.after - was) / 2),
        `${now} vs predicted ${m.predicted.after}`,
      );
      assert.match(m.reason, /→/);
    });
  }

  test("applyProposal is pure and the result is a valid session", () => {
    const before = JSON.stringify(session);
    const p = proposeMoves(
      session,
      "warmer and punchier drums, vocal more forward, wetter keys",
      base.audioOf,
    );
    const changed = applyProposal(session, p);
    assert.equal(JSON.stringify(session), before);
    assert.deepEqual(parseSession(JSON.parse(JSON.stringify(changed))), changed);
    assert.ok(
      changed.buses.some((b) => b.kind === "aux"),
      "a reverb bus was made for the keys",
    );
    // A proposal survives JSON (the studio stores it) and applies the same.
    assert.deepEqual(applyProposal(session, JSON.parse(JSON.stringify(p))), changed);
  });

  test("a reference: the mix moves towards it", async () => {
    // The reference: the same mix, darker and quieter.
    const mix = base.audioOf("master");
    const dark = mix.map((c) => {
      const y = new Float32Array(c.length);
      let z = 0;
      for (let i = 0; i < c.length; i++) {
        z += 0.2 * (c[i] - z);
        y[i] = 0.5 * z;
      }
      return y;
    });
    const p = proposeMoves(session, "like the reference", base.audioOf, {
      reference: { channels: dark, sampleRate: SR },
    });
    const tone = p.moves.find((m) => m.descriptor === "reference tone");
    assert.ok(tone, JSON.stringify(p.moves.map((m) => m.reason)));
    assert.ok(tone.predicted.after < tone.predicted.before / 2, tone.reason);
    const loud = p.moves.find((m) => m.descriptor === "reference loudness");
    assert.ok(loud && loud.predicted.after < loud.predicted.before, loud?.reason);
  });

  test("a part silent where it was measured gets no guessed move", () => {
    const silent = {
      ...base,
      audioOf: (id: string) => (id === "vox" ? [new Float32Array(N), new Float32Array(N)] : base.audioOf(id)),
    };
    const p = proposeMoves(session, "brighter vocal", silent.audioOf);
    assert.equal(p.moves[0].changes.length, 0);
    assert.match(p.moves[0].reason, /silent/);
  });

  test("refuses an empty note and a reference note without a reference", () => {
    assert.throws(() => proposeMoves(session, "  ", base.audioOf), BriefError);
    assert.throws(() => proposeMoves(session, "like that record", base.audioOf), /reference/);
  });
});
