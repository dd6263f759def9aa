import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applyTrack,
  audibility,
  DEFAULT_TRACK,
  mixLength,
  type TrackNodes,
  type TrackParams,
} from "./mix-graph.ts";

const param = () => ({ value: Number.NaN });
const gainNode = () => ({ gain: param() });
/** The nodes' parameters only: what applyTrack sets. */
function nodes(channels: 1 | 2): TrackNodes {
  return {
    channels,
    eq: { frequency: param(), gain: param(), Q: param() },
    comp: { threshold: param(), ratio: param() },
    eqIn: gainNode(),
    eqBypass: gainNode(),
    eqWet: gainNode(),
    compBypass: gainNode(),
    compWet: gainNode(),
    fader: gainNode(),
    panL: gainNode(),
    panR: gainNode(),
    mute: gainNode(),
    send: gainNode(),
    out: gainNode(),
  } as unknown as TrackNodes;
}
const track = (p: Partial<TrackParams> = {}): TrackParams => ({ ...structuredClone(DEFAULT_TRACK), ...p });
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

describe("audibility (mute and solo)", () => {
  it("hears every unmuted track when none is soloed", () => {
    assert.deepEqual(audibility([track(), track({ mute: true }), track()]), [true, false, true]);
  });
  it("hears only the soloed tracks when any is", () => {
    assert.deepEqual(audibility([track(), track({ solo: true }), track({ solo: true })]), [
      false,
      true,
      true,
    ]);
  });
  it("keeps a soloed track silent when it is also muted", () => {
    assert.deepEqual(audibility([track({ solo: true, mute: true }), track()]), [false, false]);
  });
});

describe("applyTrack", () => {
  it("sets the fader in dB, −60 dB and below as off", () => {
    const n = nodes(1);
    applyTrack(n, track({ gainDb: -6 }), true);
    close(n.fader.gain.value, 10 ** (-6 / 20), "−6 dB");
    applyTrack(n, track({ gainDb: 6 }), true);
    close(n.fader.gain.value, 1.9952623149688795, "+6 dB");
    applyTrack(n, track({ gainDb: -60 }), true);
    assert.equal(n.fader.gain.value, 0);
  });

  it("pans a mono track with the constant-power law: −3 dB each side at centre, all to one side at the edge", () => {
    const n = nodes(1);
    applyTrack(n, track(), true);
    close(n.panL.gain.value, Math.SQRT1_2, "centre L");
    close(n.panR.gain.value, Math.SQRT1_2, "centre R");
    applyTrack(n, track({ pan: -1 }), true);
    close(n.panL.gain.value, 1, "hard left L");
    close(n.panR.gain.value, 0, "hard left R");
    applyTrack(n, track({ pan: 0.5 }), true);
    close(n.panL.gain.value ** 2 + n.panR.gain.value ** 2, 1, "power");
  });

  it("balances a stereo track: unity at centre, the far side falls", () => {
    const n = nodes(2);
    applyTrack(n, track(), true);
    assert.deepEqual([n.panL.gain.value, n.panR.gain.value], [1, 1]);
    applyTrack(n, track({ pan: 1 }), true);
    close(n.panL.gain.value, 0, "hard right L");
    assert.equal(n.panR.gain.value, 1);
  });

  it("silences an inaudible track and switches the inserts between dry and wet", () => {
    const n = nodes(1);
    applyTrack(n, track(), false);
    assert.equal(n.mute.gain.value, 0);
    assert.deepEqual([n.eqWet.gain.value, n.eqBypass.gain.value, n.compWet.gain.value], [0, 1, 0]);
    applyTrack(
      n,
      track({
        eq: { on: true, freqHz: 3000, gainDb: -4, q: 2 },
        comp: { on: true, thresholdDb: -24, ratio: 4 },
        sendDb: -12,
      }),
      true,
    );
    assert.equal(n.mute.gain.value, 1);
    assert.deepEqual(
      [n.eq.frequency.value, n.eq.gain.value, n.eq.Q.value, n.eqWet.gain.value, n.eqBypass.gain.value],
      [3000, -4, 2, 1, 0],
    );
    assert.deepEqual([n.comp.threshold.value, n.comp.ratio.value, n.compWet.gain.value], [-24, 4, 1]);
    close(n.send.gain.value, 10 ** (-12 / 20), "send");
  });
});

describe("mixLength", () => {
  it("ends where the last clip of any track ends", () => {
    const clip = (start: number, length: number) => ({
      buffer: {} as AudioBuffer,
      start,
      offset: 0,
      length,
      gainDb: 0,
    });
    assert.equal(
      mixLength([
        { channels: 1, clips: [clip(0, 4)] },
        { channels: 2, clips: [clip(2.5, 3)] },
      ]),
      5.5,
    );
    assert.equal(mixLength([]), 0);
  });
});
